// `inferlab accuracy MODEL --dataset PATH --task classification|detection`: top-1/top-5 or VOC
// mAP of a model on a labelled dataset, with bad samples skipped and reported. Images are decoded
// and preprocessed on worker threads ahead of inference.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "calibration_cli.h"
#include "cli_util.h"
#include "command.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/accuracy.h"
#include "inferlab/lab/agreement.h"
#include "inferlab/lab/output_file.h"

namespace inferlab::cli {
namespace {

using namespace inferlab::data;

struct AccuracyCliOptions {
  data::AccuracyOptions run;
  std::string json, predictions, compare;
  double max_skipped = 0.01;
};

void print_summary(const AccuracyResult& r) {
  for (const auto& s : r.skipped)
    fmt::print("  skipped {}: {} ({})\n", s.name, s.message, s.reason);
  if (r.options.task == "classification") {
    fmt::print("top-1 {:.2f}%  top-5 {:.2f}%\n", 100 * r.topk.top1_rate(),
               100 * r.topk.top5_rate());
    if (r.topk.top1_ties > 0)
      fmt::print(
          "top-1 ties: {} images have several classes at exactly the best score (lower class "
          "index ranked first); the label is among them in {}: top-1 {:.2f}% if those ties "
          "went to the label\n",
          r.topk.top1_ties, r.topk.top1_tie_label, 100 * r.topk.top1_rate_ties_won());
  } else if (r.has_ground_truth) {
    const auto& names = r.class_names;
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
  for (const auto& [reason, n] : r.skip_reasons)
    reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, reason);
  fmt::print("images: {} used, {} skipped{}{}{}\n", r.used, r.skipped.size(),
             reasons.empty() ? "" : " (", reasons, reasons.empty() ? "" : ")");
  if (r.used)
    fmt::print("inference: {:.1f} s ({:.2f} ms/image; decoding not included)\n", r.infer_seconds,
               1e3 * r.infer_seconds / r.used);
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

// Progress on stderr: a live line on a terminal, one line per tenth otherwise.
std::function<void(std::size_t, std::size_t, std::size_t)> progress_printer() {
  const bool tty = isatty(fileno(stderr));
  auto last_decile = std::make_shared<std::size_t>(0);
  auto last =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  return [=](std::size_t done, std::size_t total, std::size_t skipped) {
    const auto now = std::chrono::steady_clock::now();
    const std::size_t decile = total ? 10 * done / total : 10;
    if (tty ? (now - *last < std::chrono::milliseconds(200) && done != total)
            : decile == *last_decile)
      return;
    *last = now;
    *last_decile = decile;
    fmt::print(stderr, "{}  {}/{} images ({:.0f}%), {} skipped{}", tty ? "\r" : "", done, total,
               total ? 100.0 * done / total : 100.0, skipped, tty && done != total ? "" : "\n");
    std::fflush(stderr);
  };
}

void run_accuracy(AccuracyCliOptions o) {
  if (!o.json.empty()) check_writable(o.json, "--json file");
  if (!o.predictions.empty()) check_writable(o.predictions, "--predictions file");
  o.run.compare = !o.compare.empty();
  o.run.keep_predictions = !o.predictions.empty() || !o.compare.empty();
  nlohmann::json other;
  data::AccuracyHooks hooks;
  hooks.checked = [&] {  // read first: a bad file should not cost a whole run
    if (o.compare.empty()) return;
    other = read_json(o.compare);
    if (!other.is_object() || !other.contains("predictions"))
      fail("{}: not a --predictions file (no \"predictions\")", o.compare);
  };
  hooks.opened = [&](const data::AccuracySetup& s) {
    fmt::print("model:      {}\n", o.run.model);
    fmt::print("dataset:    {}\n", s.dataset_layout);
    fmt::print("preprocess: {}\n", s.preprocess);
    fmt::print("backend:    {} ({}), batch {}\n", o.run.backend, s.backend_version, s.batch);
    fmt::print("precision:  {}{}\n", precision_name(o.run.precision),
               s.precision_layers.empty() ? "" : " (" + s.precision_layers + ")");
    for (const auto& note : s.notes) fmt::print("note: {}\n", note);
    std::fflush(stdout);
  };
  hooks.progress = progress_printer();
  const AccuracyResult r = data::run_accuracy(o.run, hooks);
  print_summary(r);

  if (!o.json.empty()) write_json(o.json, to_json(r), "--json file");
  if (!o.predictions.empty()) write_json(o.predictions, predictions_json(r), "--predictions file");
  int status = 0;
  if (!o.compare.empty()) {
    AgreementOptions ao;
    ao.score_threshold = r.score_threshold;
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
  auto c = std::make_shared<AccuracyCliOptions>();
  data::AccuracyOptions* o = &c->run;
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
  add_conv_algo_option(cmd, o->conv_algo, "native engine: auto, direct or winograd convolutions");
  add_engine_option(cmd, o->engine, "native engine: optimized or reference");
  add_precision_option(cmd, o->precision);
  add_calibration_options(cmd, o->calibration);
  cmd->add_option("--json", c->json, "write the metrics as JSON");
  cmd->add_option("--predictions", c->predictions, "write per-image predictions as JSON");
  cmd->add_option("--compare", c->compare,
                  "detection: check agreement with a --predictions file of another run");
  cmd->add_option("--max-skipped", c->max_skipped,
                  "exit status 1 if more than this fraction of images is skipped (default 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--score-threshold", o->score_threshold, "detection score threshold");
  cmd->add_option("--iou-threshold", o->iou_threshold, "NMS IoU threshold");
  cmd->add_option("--scores-output", o->scores_output, "detection: name of the scores output");
  cmd->add_option("--boxes-output", o->boxes_output, "detection: name of the boxes output");
  cmd->callback([c] { run_accuracy(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_accuracy);
}  // namespace inferlab::cli
