#pragma once
// Accuracy of a model on a labelled dataset, as `inferlab accuracy` runs it: any backend of the
// harness, images decoded and preprocessed ahead on worker threads, top-1/top-5 or VOC mAP, bad
// samples skipped and reported. The pipeline itself (datasets, preprocessing, metrics) is
// src/data.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "inferlab/inferlab.h"
#include "inferlab/lab/calibration.h"

namespace inferlab::data {

struct TopKAccuracy {
  std::int64_t images = 0, top1 = 0, top5 = 0;
  // Quantized models output scores on a coarse grid, so several classes can share the best score
  // exactly; the ranking then decides top-1 (lower index first, as numpy's and torch's argmax).
  // Counted so that a report can say how much of a top-1 figure rests on tie-breaking.
  std::int64_t top1_ties = 0;       // images whose best score is shared by several classes
  std::int64_t top1_tie_label = 0;  // of those, the label is tied for best but ranked after
  void add(const float* scores, int num_classes, int label);
  double top1_rate() const { return images ? static_cast<double>(top1) / images : 0; }
  // Top-1 if every tie were broken in the label's favour.
  double top1_rate_ties_won() const {
    return images ? static_cast<double>(top1 + top1_tie_label) / images : 0;
  }
  double top5_rate() const { return images ? static_cast<double>(top5) / images : 0; }
};

struct VocEvaluation {
  // Per class; nullopt where the class has no non-difficult ground truth (AP undefined: such
  // classes are left out of the mean).
  std::vector<std::optional<double>> ap07, ap12;
  std::vector<int> positives;  // non-difficult ground-truth objects per class
  double map07 = 0, map12 = 0;
};

struct AccuracyOptions {
  std::string model, weights, dataset;
  std::string task = "classification";  // or "detection"
  std::string preset, preprocess;       // preprocessing: a preset or a JSON file
  std::string detection;                // detection post-processing preset or file ("": the preset)
  std::string labels, classes, split;   // dataset layout overrides
  std::string backend = "native";
  Engine engine = Engine::optimized;  // native backend only
  ConvAlgo conv_algo = ConvAlgo::automatic;
  std::size_t limit = 0, every = 1;
  int batch = 8;    // when the model's batch is dynamic
  int threads = 2;  // decode/preprocess workers
  Precision precision = Precision::f32;
  CalibrationRequest calibration;                   // preprocessed like the dataset
  double score_threshold = -1, iou_threshold = -1;  // < 0: the detection config's
  std::string scores_output, boxes_output;          // detection outputs; "": recognised
  bool keep_predictions = false;                    // fill AccuracyResult::predictions
  bool compare = false;  // the caller checks agreement with another run (detection only)
};

// Known once the dataset and the model are open, before any image runs.
struct AccuracySetup {
  std::string dataset_layout;  // Dataset::describe()
  std::string preprocess;      // the effective preprocessing, described
  std::string backend_version;
  std::string precision_layers;  // as compiled (native), "" otherwise
  int batch = 1;
  std::vector<std::string> notes;  // defaults the backend chose
};

struct AccuracySkip {
  std::string name, reason, message;
};

struct AccuracyResult {
  AccuracyOptions options;  // as run
  AccuracySetup setup;
  std::size_t considered = 0;  // samples looked at (after limit)
  std::size_t used = 0;        // samples scored
  std::vector<AccuracySkip> skipped;
  std::map<std::string, std::size_t> skip_reasons;
  TopKAccuracy topk;  // classification
  VocEvaluation voc;  // detection with ground truth
  bool has_ground_truth = true;
  std::vector<std::string> class_names;                  // the dataset's, for the per-class AP
  double score_threshold = 0;                            // detection: the one applied
  double infer_seconds = 0;                              // time inside inference only
  nlohmann::json predictions = nlohmann::json::array();  // per image, when kept
};

struct AccuracyHooks {
  // After the options are checked and the dataset is open, before the model is compiled: a
  // caller reads its own inputs here (a bad file should not cost a whole run).
  std::function<void()> checked;
  std::function<void(const AccuracySetup&)> opened;
  // After each sample: (done, total, skipped so far), from the calling thread.
  std::function<void(std::size_t, std::size_t, std::size_t)> progress;
};

// Throws Error naming the dataset, model, preset or option at fault.
AccuracyResult run_accuracy(const AccuracyOptions& o, const AccuracyHooks& hooks = {});

// The metrics as `inferlab accuracy --json` writes them.
nlohmann::json to_json(const AccuracyResult& r);
// The per-image predictions as `--predictions` writes them.
nlohmann::json predictions_json(const AccuracyResult& r);

}  // namespace inferlab::data
