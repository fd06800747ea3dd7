#pragma once
// Accuracy evaluation of any inference backend over a Dataset: samples are decoded and
// preprocessed ahead on a thread pool, batched, run through `InferFn`, and scored (top-1/top-5,
// or VOC mAP after SSD post-processing). Bad samples are skipped with their file and reason.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/detection.h"
#include "data/metrics.h"
#include "data/preprocess.h"
#include "ir/tensor.h"

namespace inferlab::data {

// What the evaluation needs to know of a model and how to run it: one image input (batched),
// named outputs. `infer` takes a batch tensor of input_shape(pre, batch) and returns the outputs
// in `output_names` order, each with the batch as dimension 0.
struct ModelRunner {
  std::vector<std::string> output_names;
  std::function<std::vector<Tensor>(const Tensor& batch)> infer;
};

enum class Task { classification, detection };

struct EvalOptions {
  Task task = Task::classification;
  PreprocessConfig pre;   // width/height filled in from the model input
  DetectionConfig det;    // detection only
  std::size_t every = 1;  // use samples 0, every, 2 * every, ... (a spread-out subset)
  std::size_t limit = 0;  // 0: all (selected) samples
  int batch = 1;
  int threads = 2;  // decode/preprocess workers
  bool keep_predictions = false;
  // Called after each sample with (done, total, skipped so far), from the calling thread.
  std::function<void(std::size_t, std::size_t, std::size_t)> progress;
  // Detection outputs by name; empty: recognised (the [.., 4] output holding boxes).
  std::string scores_output, boxes_output;
};

struct Skip {
  std::string name, reason, message;
};

struct EvalResult {
  std::size_t considered = 0;  // samples looked at (after --limit)
  std::size_t used = 0;        // samples scored
  std::vector<Skip> skipped;
  std::map<std::string, std::size_t> skip_reasons() const;
  TopKAccuracy topk;  // classification
  VocEvaluation voc;  // detection with ground truth
  bool has_ground_truth = true;
  double infer_seconds = 0;                              // time inside `infer` only
  nlohmann::json predictions = nlohmann::json::array();  // per image, when kept
};

EvalResult evaluate(const Dataset& ds, const ModelRunner& model, const EvalOptions& o);

}  // namespace inferlab::data
