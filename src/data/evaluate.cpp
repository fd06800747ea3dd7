#include "data/evaluate.h"

#include <fmt/format.h>

#include <chrono>

#include "data/prefetch.h"

namespace inferlab::data {
namespace {

using Clock = std::chrono::steady_clock;

// A decoded, preprocessed sample, or the reason it cannot be used.
struct Prepared {
  Sample sample;  // image cleared once prepared
  Image input;
  Geometry geometry;
  bool ok = false;
  Skip skip;
};

Prepared prepare(const Dataset& ds, std::size_t i, const PreprocessConfig& pre) {
  Prepared p;
  try {
    p.sample = ds.load(i);
    p.input = prepare_image(p.sample.image, pre, &p.geometry);
    p.sample.image = Image();
    p.ok = true;
  } catch (const DataError& e) {
    p.skip = {ds.name(i), e.reason(), e.what()};
  } catch (const Error& e) {
    p.skip = {ds.name(i), "preprocessing failed", fmt::format("{}: {}", ds.name(i), e.what())};
  } catch (const std::exception& e) {  // e.g. bad_alloc: this sample only
    p.skip = {ds.name(i), "load failed", fmt::format("{}: {}", ds.name(i), e.what())};
  }
  return p;
}

std::int64_t per_image(const Tensor& t) {
  return t.shape().empty() || t.shape()[0] == 0 ? 0 : t.numel() / t.shape()[0];
}

nlohmann::json detection_json(const std::vector<Detection>& dets,
                              const std::vector<std::string>& names) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& d : dets) {
    nlohmann::json j = {{"class", d.label}, {"score", d.score}, {"box", {d.x1, d.y1, d.x2, d.y2}}};
    if (d.label >= 0 && static_cast<std::size_t>(d.label) < names.size())
      j["class_name"] = names[static_cast<std::size_t>(d.label)];
    a.push_back(std::move(j));
  }
  return a;
}

class Evaluator {
 public:
  Evaluator(const Dataset& ds, const ModelRunner& m, const EvalOptions& o) : ds_(ds), m_(m), o_(o) {
    if (o.task == Task::detection && !o.det.boxes_decoded) priors_ = generate_priors(o.det.priors);
  }

  void run_batch(std::vector<Prepared>& batch, EvalResult& r) {
    const auto n = static_cast<std::int64_t>(batch.size());
    Tensor input(o_.pre.dtype, input_shape(o_.pre, o_.batch));
    // A short last batch is padded with copies of its last image; their outputs are ignored.
    for (std::int64_t s = 0; s < o_.batch; ++s)
      fill_tensor(batch[static_cast<std::size_t>(std::min(s, n - 1))].input, o_.pre, input,
                  static_cast<int>(s));
    const auto t0 = Clock::now();
    std::vector<Tensor> outs = m_.infer(input);
    r.infer_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (outs.size() != m_.output_names.size())
      fail("backend returned {} outputs for {} expected", outs.size(), m_.output_names.size());
    for (auto& t : outs) {
      if (t.dtype() != DType::f32) t = t.cast(DType::f32);
      if (t.shape().empty() || t.shape()[0] != o_.batch)
        fail("output of shape {} does not have the batch ({}) as its first dimension",
             shape_str(t.shape()), o_.batch);
    }
    if (o_.task == Task::classification) {
      classify(batch, outs, r);
    } else {
      detect(batch, outs, r);
    }
  }

  std::vector<std::vector<Object>> gt;
  std::vector<std::vector<Detection>> dets;

 private:
  void classify(std::vector<Prepared>& batch, const std::vector<Tensor>& outs, EvalResult& r) {
    const Tensor& logits = outs.at(0);
    const auto classes = static_cast<int>(per_image(logits));
    for (std::size_t s = 0; s < batch.size(); ++s) {
      const Sample& smp = batch[s].sample;
      const float* scores = logits.data<float>() + s * static_cast<std::size_t>(classes);
      if (smp.label < 0 || smp.label >= classes) {
        r.skipped.push_back({smp.name, "label out of range",
                             fmt::format("{}: label {} outside the model's {} classes", smp.name,
                                         smp.label, classes)});
        continue;
      }
      r.topk.add(scores, classes, smp.label);
      ++r.used;
      if (o_.keep_predictions) {
        const auto best = top_k(scores, classes, 5);
        r.predictions.push_back(
            {{"image", smp.name}, {"label", smp.label}, {"top5", best}, {"top5_scores", [&] {
                                                                           std::vector<float> v;
                                                                           for (int b : best)
                                                                             v.push_back(scores[b]);
                                                                           return v;
                                                                         }()}});
      }
    }
  }

  void detect(std::vector<Prepared>& batch, const std::vector<Tensor>& outs, EvalResult& r) {
    if (scores_ < 0) pick_outputs(outs);
    const Tensor& sc = outs[static_cast<std::size_t>(scores_)];
    const Tensor& bx = outs[static_cast<std::size_t>(boxes_)];
    const std::size_t priors = static_cast<std::size_t>(per_image(bx) / 4);
    const auto classes = static_cast<int>(per_image(sc) / static_cast<std::int64_t>(priors));
    if (static_cast<std::size_t>(per_image(sc)) != priors * static_cast<std::size_t>(classes))
      fail("scores output {} does not hold a whole number of classes for {} boxes",
           shape_str(sc.shape()), priors);
    const auto& names = ds_.class_names();
    const int model_classes = classes - (o_.det.background >= 0 ? 1 : 0);
    if (ds_.has_labels() && static_cast<int>(names.size()) != model_classes)
      fail("the model detects {} classes (+ background), the dataset has {}", model_classes,
           names.size());
    for (std::size_t s = 0; s < batch.size(); ++s) {
      const Prepared& p = batch[s];
      auto d = postprocess_detections(sc.data<float>() + s * priors * classes,
                                      bx.data<float>() + s * priors * 4, priors, classes, o_.det,
                                      priors_, o_.pre.width, o_.pre.height, p.geometry);
      ++r.used;
      if (o_.keep_predictions)
        r.predictions.push_back({{"image", p.sample.name},
                                 {"width", p.geometry.src_width},
                                 {"height", p.geometry.src_height},
                                 {"detections", detection_json(d, names)}});
      gt.push_back(p.sample.objects);
      dets.push_back(std::move(d));
    }
  }

  void pick_outputs(const std::vector<Tensor>& outs) {
    auto index = [&](const std::string& name) {
      for (std::size_t i = 0; i < m_.output_names.size(); ++i)
        if (m_.output_names[i] == name) return static_cast<int>(i);
      fail("model has no output named '{}'", name);
    };
    if (!o_.scores_output.empty()) scores_ = index(o_.scores_output);
    if (!o_.boxes_output.empty()) boxes_ = index(o_.boxes_output);
    if (outs.size() < 2) fail("a detection model needs a scores and a boxes output");
    if (boxes_ < 0) {
      for (std::size_t i = 0; i < outs.size(); ++i)
        if (static_cast<int>(i) != scores_ && outs[i].shape().back() == 4) {
          boxes_ = static_cast<int>(i);
          break;
        }
      if (boxes_ < 0) fail("no output with 4 values per box: name it with --boxes-output");
    }
    if (scores_ < 0) scores_ = boxes_ == 0 ? 1 : 0;
  }

  const Dataset& ds_;
  const ModelRunner& m_;
  const EvalOptions& o_;
  std::vector<Prior> priors_;
  int scores_ = -1, boxes_ = -1;
};

}  // namespace

std::map<std::string, std::size_t> EvalResult::skip_reasons() const {
  std::map<std::string, std::size_t> m;
  for (const auto& s : skipped) ++m[s.reason];
  return m;
}

EvalResult evaluate(const Dataset& ds, const ModelRunner& model, const EvalOptions& o) {
  if (o.batch <= 0) fail("batch must be positive");
  if (o.task == Task::classification && !ds.has_labels())
    fail("{}: holds no labels, classification accuracy needs them", ds.describe());
  if (o.task == Task::detection && ds.has_labels() && !ds.is_detection())
    fail("{}: not a detection dataset (expected a VOC tree or a plain image folder)",
         ds.describe());
  EvalResult r;
  r.has_ground_truth = ds.has_labels();
  if (o.every == 0) fail("every must be positive");
  const std::size_t selected = (ds.size() + o.every - 1) / o.every;
  const std::size_t total = o.limit ? std::min(o.limit, selected) : selected;
  r.considered = total;
  Evaluator ev(ds, model, o);
  Prefetcher<Prepared> pf(
      total, [&](std::size_t i) { return prepare(ds, i * o.every, o.pre); }, o.threads,
      static_cast<std::size_t>(4 * o.batch + 2 * o.threads));
  std::vector<Prepared> batch;
  for (std::size_t i = 0; i < total; ++i) {
    Prepared p = pf.next();
    if (!p.ok) {
      r.skipped.push_back(std::move(p.skip));
    } else {
      batch.push_back(std::move(p));
    }
    if (batch.size() == static_cast<std::size_t>(o.batch) || (i + 1 == total && !batch.empty())) {
      ev.run_batch(batch, r);
      batch.clear();
    }
    if (o.progress) o.progress(i + 1, total, r.skipped.size());
  }
  if (o.task == Task::detection && r.has_ground_truth)
    r.voc = evaluate_voc(ev.gt, ev.dets, static_cast<int>(ds.class_names().size()));
  return r;
}

}  // namespace inferlab::data
