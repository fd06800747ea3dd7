// inferlab.lab.accuracy: `inferlab accuracy` as a call (data::run_accuracy, GIL released) and its
// result (top-1/top-5, VOC mAP, skipped images) as a Python object.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "inferlab/lab/accuracy.h"
#include "lab.h"

namespace inferlab::py {
namespace {

std::string optional_str(Options& o, const char* key) {
  return o.given(key) ? to_str(o[key], key) : std::string();
}

std::size_t count(Options& o, const char* key, int minimum) {
  const int v = to_int(o[key], key);
  if (v < minimum)
    invalid_argument(std::string(key) + " must be at least " + std::to_string(minimum) + " (got " +
                     std::to_string(v) + ")");
  return static_cast<std::size_t>(v);
}

data::AccuracyResult run_accuracy(nb::dict options) {
  Options o(options, "accuracy");
  data::AccuracyOptions a;
  a.model = to_str(o["model"], "model");
  a.dataset = to_str(o["dataset"], "dataset");
  a.task = to_str(o["task"], "task");
  if (a.task != "classification" && a.task != "detection")
    invalid_argument("task must be classification or detection (got '" + a.task + "')");
  a.weights = optional_str(o, "weights");
  a.preset = optional_str(o, "preset");
  a.preprocess = optional_str(o, "preprocess");
  a.detection = optional_str(o, "detection");
  a.labels = optional_str(o, "labels");
  a.classes = optional_str(o, "classes");
  a.split = optional_str(o, "split");
  a.backend = to_str(o["backend"], "backend");
  a.engine = to_engine(o["engine"], "engine");
  a.conv_algo = to_conv_algo(o["conv_algo"], "conv_algo");
  a.precision = to_precision(o["precision"], "precision");
  a.limit = count(o, "limit", 0);
  a.every = count(o, "every", 1);
  a.batch = static_cast<int>(count(o, "batch", 1));
  a.threads = static_cast<int>(count(o, "threads", 1));
  if (o.given("score_threshold"))
    a.score_threshold = to_double(o["score_threshold"], "score_threshold");
  if (o.given("iou_threshold")) a.iou_threshold = to_double(o["iou_threshold"], "iou_threshold");
  a.scores_output = optional_str(o, "scores_output");
  a.boxes_output = optional_str(o, "boxes_output");
  a.keep_predictions = to_bool(o["keep_predictions"], "keep_predictions");
  o.check_all_read();
  backends::check_backend_name(a.backend);
  nb::gil_scoped_release nogil;
  return data::run_accuracy(a);
}

void bind_accuracy_result(nb::module_& m) {
  using S = data::AccuracySkip;
  nb::class_<S>(m, "AccuracySkip", "An image left out of the metrics, and why.")
      .def_ro("name", &S::name)
      .def_ro("reason", &S::reason)
      .def_ro("message", &S::message);
  using R = data::AccuracyResult;
  nb::class_<R>(m, "AccuracyResult", "What inferlab.lab.accuracy measured.")
      .def_prop_ro("model", [](const R& r) { return r.options.model; })
      .def_prop_ro("dataset", [](const R& r) { return r.options.dataset; })
      .def_prop_ro("task", [](const R& r) { return r.options.task; })
      .def_prop_ro("backend", [](const R& r) { return r.options.backend; })
      .def_prop_ro("precision", [](const R& r) { return r.options.precision; })
      .def_prop_ro("backend_version", [](const R& r) { return r.setup.backend_version; })
      .def_prop_ro("precision_layers", [](const R& r) { return r.setup.precision_layers; })
      .def_prop_ro("dataset_layout", [](const R& r) { return r.setup.dataset_layout; })
      .def_prop_ro("preprocess", [](const R& r) { return r.setup.preprocess; })
      .def_prop_ro("batch", [](const R& r) { return r.setup.batch; })
      .def_ro("considered", &R::considered, "images looked at (after limit / every)")
      .def_ro("used", &R::used, "images scored")
      .def_ro("skipped", &R::skipped)
      .def_ro("skip_reasons", &R::skip_reasons)
      .def_prop_ro(
          "top1", [](const R& r) { return r.topk.top1_rate(); }, "classification")
      .def_prop_ro(
          "top5", [](const R& r) { return r.topk.top5_rate(); }, "classification")
      .def_prop_ro("top1_count", [](const R& r) { return r.topk.top1; })
      .def_prop_ro("top5_count", [](const R& r) { return r.topk.top5; })
      .def_prop_ro("top1_ties", [](const R& r) { return r.topk.top1_ties; })
      .def_prop_ro(
          "map_voc07", [](const R& r) { return r.voc.map07; }, "detection")
      .def_prop_ro(
          "map_voc12", [](const R& r) { return r.voc.map12; }, "detection")
      .def_prop_ro(
          "ap_voc07", [](const R& r) { return r.voc.ap07; }, "per class; None: no positives")
      .def_prop_ro(
          "ap_voc12", [](const R& r) { return r.voc.ap12; }, "per class; None: no positives")
      .def_ro("class_names", &R::class_names)
      .def_ro("has_ground_truth", &R::has_ground_truth)
      .def_ro("infer_seconds", &R::infer_seconds, "time inside inference only")
      .def(
          "predictions", [](const R& r) { return to_dict(data::predictions_json(r)); },
          "per-image predictions (keep_predictions=True) as `--predictions` writes them")
      .def("to_json", [](const R& r) { return to_dict(data::to_json(r)); });
}

}  // namespace

void bind_lab_accuracy(nb::module_& m) {
  bind_accuracy_result(m);
  m.def("_lab_accuracy", &run_accuracy, nb::arg("options"),
        "inferlab.lab.accuracy's implementation: options as lab.py passes them");
}

}  // namespace inferlab::py
