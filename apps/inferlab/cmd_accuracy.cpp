// `inferlab accuracy MODEL --dataset PATH --task classification|detection`: top-1/top-5 or VOC
// mAP of a model on a labelled dataset, with bad samples skipped and reported. Images are decoded
// and preprocessed on worker threads ahead of inference.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "backends/backend.h"
#include "calibration_cli.h"
#include "cli_util.h"
#include "command.h"
#include "data/agreement.h"
#include "data/evaluate.h"
#include "data/native_runner.h"  // fit_preprocess_to_input
#include "inferlab/inferlab.h"
#include "ir/output_file.h"

namespace inferlab::cli {
namespace {

using namespace inferlab::data;

struct AccuracyOptions {
  std::string model, weights, dataset, task = "classification", preset, preprocess, detection;
  std::string labels, classes, split, backend = "native", engine = "optimized", conv_algo = "auto";
  std::string json, predictions, compare, scores_output, boxes_output;
  std::size_t limit = 0, every = 1;
  int batch = 8, threads = 2;
  Precision precision = Precision::f32;
  std::string precision_layers;          // as compiled (native)
  data::CalibrationRequest calibration;  // --calibration; preprocessed like the dataset
  double max_skipped = 0.01;
  double score_threshold = -1, iou_threshold = -1;
};

PreprocessConfig resolve_preprocess(const AccuracyOptions& o, const PortInfo& in) {
  PreprocessConfig pre;
  if (!o.preprocess.empty()) {
    pre = load_preprocess_config(o.preprocess);
  } else if (!o.preset.empty()) {
    pre = preset(o.preset);
  } else {
    fail("say how to preprocess images: --preset ({}) or --preprocess FILE",
         fmt::join(preset_names(), ", "));
  }
  fit_preprocess_to_input(pre, in);
  return pre;
}

// Any backend of the harness (native engine or a peer toolkit in its worker process), through
// its "run these inputs, give the outputs" call.
struct BackendModel {
  std::unique_ptr<backends::Backend> backend;
  PortInfo input;
  int batch = 1;
  ModelRunner runner;
};

std::unique_ptr<BackendModel> open_backend_model(const AccuracyOptions& o) {
  backends::check_backend_name(o.backend);
  backends::BackendOptions bo;
  bo.model = o.model;
  bo.weights = o.weights;
  bo.engine = o.engine;
  bo.conv_algo = o.conv_algo;
  bo.precision = o.precision;
  bo.calibration = o.calibration;
  bo.calibration.preset = o.preset;
  bo.calibration.preprocess = o.preprocess;
  data::check_calibration_request(bo.calibration, o.precision);
  bo.streams = 1;
  bo.pin = false;  // the decode workers share the cores
  bo.async = false;
  // The model's own input (dimensions possibly dynamic), read with inferlab's importer.
  const Model model = Core().read_model(o.model, o.weights);
  if (model.inputs().size() != 1)
    fail("{}: the model has {} runtime inputs, accuracy takes single-input image models", o.model,
         model.inputs().size());
  const Shape& shape = model.inputs()[0].shape;
  if (shape.empty()) fail("{}: input '{}' has no shape", o.model, model.inputs()[0].name);
  auto m = std::make_unique<BackendModel>();
  // A model exported with a fixed batch runs at that batch.
  m->batch = shape[0] > 0 ? static_cast<int>(shape[0]) : o.batch;
  bo.batch = m->batch;
  m->backend = backends::open_backend(o.backend, bo);
  const auto& info = m->backend->info();
  if (info.inputs.size() != 1) fail("{}: backend reports {} inputs", o.backend, info.inputs.size());
  m->input = info.inputs[0];
  for (const auto& p : info.outputs) m->runner.output_names.push_back(p.name);
  BackendModel* raw = m.get();
  m->runner.infer = [raw](const Tensor& batch_tensor) {
    backends::TensorMap in{{raw->input.name, batch_tensor}};
    backends::TensorMap out = raw->backend->infer(in);
    std::vector<Tensor> outs;
    for (const auto& name : raw->runner.output_names) {
      auto it = out.find(name);
      if (it == out.end()) fail("backend returned no output '{}'", name);
      outs.push_back(it->second);
    }
    return outs;
  };
  return m;
}

void print_summary(const AccuracyOptions& o, const EvalResult& r, const Dataset& ds) {
  for (const auto& s : r.skipped)
    fmt::print("  skipped {}: {} ({})\n", s.name, s.message, s.reason);
  if (o.task == "classification") {
    fmt::print("top-1 {:.2f}%  top-5 {:.2f}%\n", 100 * r.topk.top1_rate(),
               100 * r.topk.top5_rate());
    if (r.topk.top1_ties > 0)
      fmt::print(
          "top-1 ties: {} images have several classes at exactly the best score (lower class "
          "index ranked first); the label is among them in {}: top-1 {:.2f}% if those ties "
          "went to the label\n",
          r.topk.top1_ties, r.topk.top1_tie_label, 100 * r.topk.top1_rate_ties_won());
  } else if (r.has_ground_truth) {
    const auto& names = ds.class_names();
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (r.voc.ap12[c])
        fmt::print("  AP {:<12} {:6.2f}% (VOC07 {:6.2f}%)  {} objects\n", names[c],
                   100 * *r.voc.ap12[c], 100 * *r.voc.ap07[c], r.voc.positives[c]);
      else
        fmt::print("  AP {:<12}    n/a  (no ground truth)\n", names[c]);
    }
    fmt::print("mAP VOC07 11-point {:.2f}%  VOC2010+ all-points {:.2f}%\n", 100 * r.voc.map07,
               100 * r.voc.map12);
  } else {
    std::size_t n = 0;
    for (const auto& p : r.predictions) n += p["detections"].size();
    fmt::print("no ground truth: {} detections on {} images (see --predictions)\n", n, r.used);
  }
  std::string reasons;
  for (const auto& [reason, n] : r.skip_reasons())
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, reason);
  fmt::print("images: {} used, {} skipped{}{}{}\n", r.used, r.skipped.size(),
             reasons.empty() ? "" : " (", reasons, reasons.empty() ? "" : ")");
  if (r.used)
    fmt::print("inference: {:.1f} s ({:.2f} ms/image; decoding not included)\n", r.infer_seconds,
               1e3 * r.infer_seconds / r.used);
}

nlohmann::json result_json(const AccuracyOptions& o, const EvalResult& r, const Dataset& ds,
                           const PreprocessConfig& pre) {
  nlohmann::json j = {{"task", o.task},       {"model", o.model},
                      {"dataset", o.dataset}, {"dataset_layout", ds.describe()},
                      {"backend", o.backend}, {"preprocess", pre.describe()},
                      {"images", r.used},     {"skipped", r.skipped.size()}};
  j["precision"] = precision_name(o.precision);
  if (!o.precision_layers.empty()) j["precision_layers"] = o.precision_layers;
  if (o.backend == "native") {
    j["engine"] = o.engine;
    j["conv_algo"] = o.conv_algo;
  }
  j["skipped_reasons"] = r.skip_reasons();
  j["skipped_files"] = nlohmann::json::array();
  for (const auto& s : r.skipped)
    j["skipped_files"].push_back({{"file", s.name}, {"reason", s.reason}, {"message", s.message}});
  if (o.task == "classification") {
    j["top1"] = r.topk.top1_rate();
    j["top5"] = r.topk.top5_rate();
    j["top1_ties"] = r.topk.top1_ties;
    j["top1_ties_won"] = r.topk.top1_rate_ties_won();
  } else if (r.has_ground_truth) {
    j["map_voc07"] = r.voc.map07;
    j["map_voc12"] = r.voc.map12;
    nlohmann::json per = nlohmann::json::object();
    const auto& names = ds.class_names();
    for (std::size_t c = 0; c < names.size(); ++c) {
      nlohmann::json a = {{"positives", r.voc.positives[c]}};
      a["voc07"] = r.voc.ap07[c] ? nlohmann::json(*r.voc.ap07[c]) : nlohmann::json(nullptr);
      a["voc12"] = r.voc.ap12[c] ? nlohmann::json(*r.voc.ap12[c]) : nlohmann::json(nullptr);
      per[names[c]] = a;
    }
    j["ap_per_class"] = per;
  } else {
    j["map_voc07"] = nullptr;
    j["map_voc12"] = nullptr;
    j["ap_per_class"] = nullptr;
  }
  return j;
}

void write_json(const std::string& path, const nlohmann::json& j, const char* what) {
  write_file_atomically(path, j.dump(2) + "\n", what);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open file", path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", path, e.what());
  }
}

void run_accuracy(AccuracyOptions o) {  // a copy: records what was compiled
  DatasetOptions dso;
  dso.labels_file = o.labels;
  dso.classes_file = o.classes;
  dso.split = o.split;
  if (!o.json.empty()) check_writable(o.json, "--json file");
  if (!o.predictions.empty()) check_writable(o.predictions, "--predictions file");
  auto ds = open_dataset(o.dataset, dso);

  EvalOptions eo;
  eo.task = o.task == "detection" ? Task::detection : Task::classification;
  if (eo.task == Task::detection) {
    const std::string det = !o.detection.empty() ? o.detection : o.preset;
    if (det.empty())
      fail("detection needs --detection PRESET ({})", fmt::join(detection_preset_names(), ", "));
    eo.det = load_detection_config(det);
    if (o.score_threshold >= 0) eo.det.score_threshold = static_cast<float>(o.score_threshold);
    if (o.iou_threshold >= 0) eo.det.iou_threshold = static_cast<float>(o.iou_threshold);
  }
  if (eo.task != Task::detection &&
      (!o.compare.empty() || !o.detection.empty() || o.score_threshold >= 0 ||
       o.iou_threshold >= 0 || !o.scores_output.empty() || !o.boxes_output.empty()))
    fail("--compare, --detection, thresholds and output names apply to --task detection");

  nlohmann::json other;  // read first: a bad file should not cost a whole run
  if (!o.compare.empty()) {
    other = read_json(o.compare);
    if (!other.is_object() || !other.contains("predictions"))
      fail("{}: not a --predictions file (no \"predictions\")", o.compare);
  }

  auto model = open_backend_model(o);
  o.precision_layers = model->backend->info().settings.value("precision_layers", "");
  const PortInfo in = model->input;
  eo.batch = model->batch;
  const ModelRunner& runner = model->runner;
  eo.pre = resolve_preprocess(o, in);
  eo.limit = o.limit;
  eo.every = o.every;
  eo.threads = o.threads;
  eo.keep_predictions = !o.predictions.empty() || !o.compare.empty() ||
                        (eo.task == Task::detection && !ds->has_labels());
  eo.scores_output = o.scores_output;
  eo.boxes_output = o.boxes_output;
  const bool tty = isatty(fileno(stderr));
  std::size_t last_decile = 0;
  auto last = std::chrono::steady_clock::now();
  eo.progress = [&](std::size_t done, std::size_t total, std::size_t skipped) {
    const auto now = std::chrono::steady_clock::now();
    const std::size_t decile = total ? 10 * done / total : 10;
    if (tty ? (now - last < std::chrono::milliseconds(200) && done != total)
            : decile == last_decile)
      return;
    last = now;
    last_decile = decile;
    fmt::print(stderr, "{}  {}/{} images ({:.0f}%), {} skipped{}", tty ? "\r" : "", done, total,
               total ? 100.0 * done / total : 100.0, skipped, tty && done != total ? "" : "\n");
    std::fflush(stderr);
  };

  fmt::print("model:      {}\n", o.model);
  fmt::print("dataset:    {}\n", ds->describe());
  fmt::print("preprocess: {}\n", eo.pre.describe());
  fmt::print("backend:    {} ({}), batch {}\n", o.backend, model->backend->info().version,
             eo.batch);
  fmt::print("precision:  {}{}\n", precision_name(o.precision),
             o.precision_layers.empty() ? "" : " (" + o.precision_layers + ")");
  for (const auto& note : model->backend->info().notes) fmt::print("note: {}\n", note);
  std::fflush(stdout);
  const EvalResult r = evaluate(*ds, runner, eo);
  print_summary(o, r, *ds);

  if (!o.json.empty()) write_json(o.json, result_json(o, r, *ds, eo.pre), "--json file");
  if (!o.predictions.empty())
    write_json(o.predictions,
               {{"task", o.task},
                {"model", o.model},
                {"dataset", o.dataset},
                {"backend", o.backend},
                {"predictions", r.predictions}},
               "--predictions file");
  int status = 0;
  if (!o.compare.empty()) {
    AgreementOptions ao;
    ao.score_threshold = eo.det.score_threshold;
    const auto a = compare_detections(r.predictions, other["predictions"], ao);
    for (const auto& p : a.problems) fmt::print("  disagreement: {}\n", p);
    fmt::print(
        "agreement with {}: {} images, {} detections matched (worst IoU {:.4f}, worst score "
        "difference {:.4f}), {} unmatched, {} borderline (score within {} of the threshold): {}\n",
        o.compare, a.images, a.matched, a.worst_iou, a.worst_score_diff, a.unmatched, a.borderline,
        ao.score_margin, a.agree() ? "AGREE" : "DISAGREE");
    if (!a.agree()) status = 1;
  }
  const double frac = r.considered ? static_cast<double>(r.skipped.size()) / r.considered : 0;
  if (frac > o.max_skipped) {
    fmt::print("FAILED: {:.2f}% of the images were skipped (limit {:.2f}%, --max-skipped)\n",
               100 * frac, 100 * o.max_skipped);
    status = 1;
  }
  if (r.used == 0) {
    fmt::print("FAILED: no image could be evaluated\n");
    status = 1;
  }
  if (status) throw Exit{status};
}

void setup_accuracy(CLI::App& root) {
  auto o = std::make_shared<AccuracyOptions>();
  auto* cmd = root.add_subcommand("accuracy", "Accuracy of a model on a labelled dataset");
  cmd->add_option("model", o->model, "model (.onnx, .prototxt, .xml)")->required();
  cmd->add_option(
      "--weights", o->weights,
      "weights of a .prototxt (.caffemodel) or .xml (.bin) model; default: the file beside it");
  cmd->add_option("--dataset", o->dataset,
                  "dataset folder: labels.txt list, class folders, MNIST IDX files, a VOC tree, or "
                  "plain images (detection agreement)")
      ->required();
  cmd->add_option("--task", o->task, "classification or detection")
      ->check(CLI::IsMember({"classification", "detection"}));
  cmd->add_option("--preset", o->preset,
                  "preprocessing preset (imagenet, cifar10, mnist, mnist-lenet, ssd300, "
                  "ssd300-torchvision, ultraface); also the detection preset if one has that name");
  cmd->add_option("--preprocess", o->preprocess, "preprocessing config (JSON) instead of a preset");
  cmd->add_option("--detection", o->detection,
                  "detection post-processing: a preset (ssd300, ssd300-torchvision, ultraface, "
                  "ultraface-decoded) or a JSON config file");
  cmd->add_option("--labels", o->labels, "'file label' list overriding the folder's layout");
  cmd->add_option("--classes", o->classes, "class order for a class-folder tree");
  cmd->add_option("--split", o->split, "VOC image set (default: test, else val)");
  cmd->add_option("--limit", o->limit, "evaluate only the first N (selected) images");
  cmd->add_option("--every", o->every,
                  "use every K-th image only (a subset spread over a class-ordered dataset)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--batch", o->batch, "batch size when the model's batch is dynamic")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->threads, "decode/preprocess worker threads")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--backend", o->backend,
                  "inference backend: native, onnxruntime, opencv, pytorch (peers run in worker "
                  "processes)");
  cmd->add_option("--conv-algo", o->conv_algo,
                  "native engine: auto, direct or winograd convolutions")
      ->check(CLI::IsMember({"auto", "direct", "winograd"}));
  cmd->add_option("--engine", o->engine, "native engine: optimized or reference")
      ->check(CLI::IsMember({"optimized", "reference"}));
  add_precision_option(cmd, o->precision);
  add_calibration_options(cmd, o->calibration);
  cmd->add_option("--json", o->json, "write the metrics as JSON");
  cmd->add_option("--predictions", o->predictions, "write per-image predictions as JSON");
  cmd->add_option("--compare", o->compare,
                  "detection: check agreement with a --predictions file of another run");
  cmd->add_option("--max-skipped", o->max_skipped,
                  "exit status 1 if more than this fraction of images is skipped (default 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--score-threshold", o->score_threshold, "detection score threshold");
  cmd->add_option("--iou-threshold", o->iou_threshold, "NMS IoU threshold");
  cmd->add_option("--scores-output", o->scores_output, "detection: name of the scores output");
  cmd->add_option("--boxes-output", o->boxes_output, "detection: name of the boxes output");
  cmd->callback([o] { run_accuracy(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_accuracy);
}  // namespace inferlab::cli
