// `inferlab accuracy` as a library call (include/inferlab/lab/accuracy.h): any backend of the
// harness through its infer() call, fed by the data pipeline's evaluation (src/data/evaluate.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bench/backend_runner.h"
#include "data/evaluate.h"
#include "inferlab/lab/accuracy.h"
#include "inferlab/lab/backend.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

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

std::unique_ptr<bench::BackendRunner> open_backend_model(const AccuracyOptions& o) {
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
  check_calibration_request(bo.calibration, o.precision);
  bo.streams = 1;
  bo.pin = false;  // the decode workers share the cores
  bo.async = false;
  return bench::open_backend_runner(o.backend, bo, o.batch);
}

// The evaluation's options except those that depend on the opened model.
EvalOptions eval_options(const AccuracyOptions& o) {
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
      (o.compare || !o.detection.empty() || o.score_threshold >= 0 || o.iou_threshold >= 0 ||
       !o.scores_output.empty() || !o.boxes_output.empty()))
    fail("--compare, --detection, thresholds and output names apply to --task detection");
  eo.limit = o.limit;
  eo.every = o.every;
  eo.threads = o.threads;
  eo.scores_output = o.scores_output;
  eo.boxes_output = o.boxes_output;
  return eo;
}

}  // namespace

AccuracyResult run_accuracy(const AccuracyOptions& o, const AccuracyHooks& hooks) {
  DatasetOptions dso;
  dso.labels_file = o.labels;
  dso.classes_file = o.classes;
  dso.split = o.split;
  auto ds = open_dataset(o.dataset, dso);
  EvalOptions eo = eval_options(o);
  if (hooks.checked) hooks.checked();

  auto model = open_backend_model(o);
  AccuracyResult out;
  out.options = o;
  AccuracySetup& s = out.setup;
  s.precision_layers = model->backend->info().settings.value("precision_layers", "");
  eo.batch = model->batch;
  eo.pre = resolve_preprocess(o, model->input);
  eo.keep_predictions = o.keep_predictions || (eo.task == Task::detection && !ds->has_labels());
  eo.progress = hooks.progress;
  s.dataset_layout = ds->describe();
  s.preprocess = eo.pre.describe();
  s.backend_version = model->backend->info().version;
  s.batch = eo.batch;
  s.notes = model->backend->info().notes;
  if (hooks.opened) hooks.opened(s);

  EvalResult r = evaluate(*ds, model->runner, eo);
  out.considered = r.considered;
  out.used = r.used;
  for (auto& k : r.skipped) out.skipped.push_back({k.name, k.reason, k.message});
  out.skip_reasons = r.skip_reasons();
  out.topk = r.topk;
  out.voc = r.voc;
  out.has_ground_truth = r.has_ground_truth;
  out.class_names = ds->class_names();
  out.score_threshold = eo.det.score_threshold;
  out.infer_seconds = r.infer_seconds;
  out.predictions = std::move(r.predictions);
  return out;
}

nlohmann::json to_json(const AccuracyResult& r) {
  const AccuracyOptions& o = r.options;
  nlohmann::json j = {{"task", o.task},       {"model", o.model},
                      {"dataset", o.dataset}, {"dataset_layout", r.setup.dataset_layout},
                      {"backend", o.backend}, {"preprocess", r.setup.preprocess},
                      {"images", r.used},     {"skipped", r.skipped.size()}};
  j["precision"] = precision_name(o.precision);
  if (!r.setup.precision_layers.empty()) j["precision_layers"] = r.setup.precision_layers;
  if (o.backend == "native") {
    j["engine"] = engine_name(o.engine);
    j["conv_algo"] = conv_algo_name(o.conv_algo);
  }
  j["skipped_reasons"] = r.skip_reasons;
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
    for (std::size_t c = 0; c < r.class_names.size(); ++c) {
      nlohmann::json a = {{"positives", r.voc.positives[c]}};
      a["voc07"] = r.voc.ap07[c] ? nlohmann::json(*r.voc.ap07[c]) : nlohmann::json(nullptr);
      a["voc12"] = r.voc.ap12[c] ? nlohmann::json(*r.voc.ap12[c]) : nlohmann::json(nullptr);
      per[r.class_names[c]] = a;
    }
    j["ap_per_class"] = per;
  } else {
    j["map_voc07"] = nullptr;
    j["map_voc12"] = nullptr;
    j["ap_per_class"] = nullptr;
  }
  return j;
}

nlohmann::json predictions_json(const AccuracyResult& r) {
  return {{"task", r.options.task},
          {"model", r.options.model},
          {"dataset", r.options.dataset},
          {"backend", r.options.backend},
          {"predictions", r.predictions}};
}

}  // namespace inferlab::data
