#include "data/metrics.h"

#include <algorithm>
#include <numeric>

#include "ir/error.h"

namespace inferlab::data {

std::vector<int> top_k(const float* scores, int n, int k) {
  std::vector<int> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min(k, n);
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  });
  idx.resize(static_cast<std::size_t>(k));
  return idx;
}

void TopKAccuracy::add(const float* scores, int num_classes, int label) {
  const auto best = top_k(scores, num_classes, 5);
  ++images;
  if (!best.empty() && best[0] == label) ++top1;
  if (!best.empty()) {
    const float s = scores[best[0]];
    if (std::count(scores, scores + num_classes, s) > 1) {
      ++top1_ties;
      if (label >= 0 && label < num_classes && best[0] != label && scores[label] == s)
        ++top1_tie_label;
    }
  }
  if (std::find(best.begin(), best.end(), label) != best.end()) ++top5;
}

double average_precision(const std::vector<double>& rec, const std::vector<double>& prec,
                         ApMethod method) {
  if (rec.size() != prec.size()) fail("average_precision: recall and precision sizes differ");
  if (method == ApMethod::voc07_11point) {
    double ap = 0;
    for (int t = 0; t <= 10; ++t) {
      const double thr = t / 10.0;
      double p = 0;
      for (std::size_t i = 0; i < rec.size(); ++i)
        if (rec[i] >= thr) p = std::max(p, prec[i]);
      ap += p / 11.0;
    }
    return ap;
  }
  std::vector<double> mrec{0.0}, mpre{0.0};
  mrec.insert(mrec.end(), rec.begin(), rec.end());
  mpre.insert(mpre.end(), prec.begin(), prec.end());
  mrec.push_back(1.0);
  mpre.push_back(0.0);
  for (std::size_t i = mpre.size() - 1; i > 0; --i) mpre[i - 1] = std::max(mpre[i - 1], mpre[i]);
  double ap = 0;
  for (std::size_t i = 1; i < mrec.size(); ++i)
    if (mrec[i] != mrec[i - 1]) ap += (mrec[i] - mrec[i - 1]) * mpre[i];
  return ap;
}

namespace {

// The devkit's overlap: boxes are pixel-inclusive, hence the +1.
double voc_iou(const Detection& d, const Object& g) {
  const double iw = std::min<double>(d.x2, g.x2) - std::max<double>(d.x1, g.x1) + 1;
  const double ih = std::min<double>(d.y2, g.y2) - std::max<double>(d.y1, g.y1) + 1;
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = iw * ih;
  const double uni =
      (static_cast<double>(d.x2) - d.x1 + 1) * (static_cast<double>(d.y2) - d.y1 + 1) +
      (static_cast<double>(g.x2) - g.x1 + 1) * (static_cast<double>(g.y2) - g.y1 + 1) - inter;
  return inter / uni;
}

}  // namespace

VocEvaluation evaluate_voc(const std::vector<std::vector<Object>>& gt,
                           const std::vector<std::vector<Detection>>& dets, int num_classes,
                           double iou_threshold) {
  if (gt.size() != dets.size())
    fail("evaluate_voc: {} ground-truth images for {} detection lists", gt.size(), dets.size());
  VocEvaluation r;
  r.ap07.resize(static_cast<std::size_t>(num_classes));
  r.ap12.resize(static_cast<std::size_t>(num_classes));
  r.positives.assign(static_cast<std::size_t>(num_classes), 0);
  double sum07 = 0, sum12 = 0;
  int defined = 0;
  for (int c = 0; c < num_classes; ++c) {
    struct Ref {
      std::size_t image;
      const Detection* det;
    };
    std::vector<Ref> cls;
    std::vector<std::vector<bool>> taken(gt.size());
    int npos = 0;
    for (std::size_t i = 0; i < gt.size(); ++i) {
      taken[i].assign(gt[i].size(), false);
      for (const auto& o : gt[i])
        if (o.label == c && !o.difficult) ++npos;
      for (const auto& d : dets[i])
        if (d.label == c) cls.push_back({i, &d});
    }
    r.positives[static_cast<std::size_t>(c)] = npos;
    std::stable_sort(cls.begin(), cls.end(),
                     [](const Ref& a, const Ref& b) { return a.det->score > b.det->score; });
    std::vector<double> tp, fp;
    double ctp = 0, cfp = 0;
    for (const auto& ref : cls) {
      double best = -1;
      std::size_t best_j = 0;
      const auto& objs = gt[ref.image];
      for (std::size_t j = 0; j < objs.size(); ++j) {
        if (objs[j].label != c) continue;
        const double o = voc_iou(*ref.det, objs[j]);
        if (o > best) {
          best = o;
          best_j = j;
        }
      }
      if (best > iou_threshold) {
        if (objs[best_j].difficult) continue;  // neither true nor false positive
        if (!taken[ref.image][best_j]) {
          taken[ref.image][best_j] = true;
          ctp += 1;
        } else {
          cfp += 1;  // duplicate detection
        }
      } else {
        cfp += 1;
      }
      tp.push_back(ctp);
      fp.push_back(cfp);
    }
    if (npos == 0) continue;
    std::vector<double> rec(tp.size()), prec(tp.size());
    for (std::size_t k = 0; k < tp.size(); ++k) {
      rec[k] = tp[k] / npos;
      prec[k] = tp[k] / std::max(tp[k] + fp[k], 1e-300);
    }
    const double a07 = average_precision(rec, prec, ApMethod::voc07_11point);
    const double a12 = average_precision(rec, prec, ApMethod::all_points);
    r.ap07[static_cast<std::size_t>(c)] = a07;
    r.ap12[static_cast<std::size_t>(c)] = a12;
    sum07 += a07;
    sum12 += a12;
    ++defined;
  }
  if (defined) {
    r.map07 = sum07 / defined;
    r.map12 = sum12 / defined;
  }
  return r;
}

}  // namespace inferlab::data
