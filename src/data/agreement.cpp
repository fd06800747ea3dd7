#include "inferlab/lab/agreement.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "data/detection.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

std::vector<Detection> parse(const nlohmann::json& dets) {
  std::vector<Detection> out;
  for (const auto& d : dets) {
    const auto& b = d.at("box");
    out.push_back({d.at("class").get<int>(), d.at("score").get<float>(), b.at(0).get<float>(),
                   b.at(1).get<float>(), b.at(2).get<float>(), b.at(3).get<float>()});
  }
  return out;
}

}  // namespace

AgreementResult compare_detections(const nlohmann::json& a, const nlohmann::json& b,
                                   const AgreementOptions& o) {
  AgreementResult r;
  try {
    std::map<std::string, std::vector<Detection>> other;
    for (const auto& p : b) other[p.at("image").get<std::string>()] = parse(p.at("detections"));
    for (const auto& p : a) {
      const std::string image = p.at("image").get<std::string>();
      auto it = other.find(image);
      if (it == other.end()) {
        r.problems.push_back(fmt::format("{}: only in the first run", image));
        ++r.unmatched;
        continue;
      }
      ++r.images;
      std::vector<Detection> da = parse(p.at("detections")), db = it->second;
      other.erase(it);
      std::vector<bool> used(db.size(), false);
      auto report = [&](const Detection& d, const char* which) {
        if (std::abs(d.score - o.score_threshold) <= o.score_margin) {
          ++r.borderline;
          return;
        }
        ++r.unmatched;
        r.problems.push_back(
            fmt::format("{}: class {} score {:.4f} box ({:.1f}, {:.1f}, {:.1f}, "
                        "{:.1f}) only in the {} run",
                        image, d.label, d.score, d.x1, d.y1, d.x2, d.y2, which));
      };
      for (const auto& d : da) {
        float best = 0;
        std::size_t best_j = db.size();
        for (std::size_t j = 0; j < db.size(); ++j) {
          if (used[j] || db[j].label != d.label) continue;
          const float v = iou(d, db[j]);
          if (v > best) {
            best = v;
            best_j = j;
          }
        }
        if (best_j < db.size() && best >= o.min_iou &&
            std::abs(d.score - db[best_j].score) <= o.max_score_diff) {
          used[best_j] = true;
          ++r.matched;
          r.worst_iou = std::min<double>(r.worst_iou, best);
          r.worst_score_diff =
              std::max<double>(r.worst_score_diff, std::abs(d.score - db[best_j].score));
        } else {
          report(d, "first");
        }
      }
      for (std::size_t j = 0; j < db.size(); ++j)
        if (!used[j]) report(db[j], "second");
    }
    for (const auto& [image, d] : other) {
      r.problems.push_back(fmt::format("{}: only in the second run", image));
      ++r.unmatched;
    }
  } catch (const nlohmann::json::exception& e) {
    fail("predictions file: {}", e.what());
  }
  return r;
}

}  // namespace inferlab::data
