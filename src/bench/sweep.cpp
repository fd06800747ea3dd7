#include "inferlab/lab/sweep.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "inferlab/lab/backend.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace {

std::vector<std::string> split_items(const std::string& text, const std::string& option) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (item.empty())
      fail("{}: empty item in '{}' (expected a comma-separated list)", option, text);
    items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::set<std::string> seen;
  for (const auto& i : items)
    if (!seen.insert(i).second) fail("{}: '{}' appears twice in '{}'", option, i, text);
  return items;
}

std::string axis_text(int v) {
  return v == kAuto ? "auto" : std::to_string(v);
}

}  // namespace

SweepGrid default_grid(int cores) {
  SweepGrid g;
  g.batches = {1, 2, 4, 8, 16};
  for (int s = 1; s <= cores; s *= 2) g.streams.push_back(s);
  if (g.streams.back() != cores) g.streams.push_back(cores);
  g.streams.push_back(kAuto);
  g.threads = {kAuto};
  return g;
}

std::vector<int> parse_int_axis(const std::string& text, const std::string& option,
                                bool allow_auto) {
  std::vector<int> values;
  for (const auto& item : split_items(text, option)) {
    if (item == "auto") {
      if (!allow_auto) fail("{}: 'auto' is not allowed here (got '{}')", option, text);
      values.push_back(kAuto);
      continue;
    }
    int v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size())
      fail("{}: '{}' is not a whole number (in '{}')", option, item, text);
    if (v <= 0) fail("{}: {} must be positive (in '{}')", option, v, text);
    values.push_back(v);
  }
  return values;
}

std::vector<std::string> parse_precision_axis(const std::string& text) {
  auto items = split_items(text, "--precision");
  for (const auto& p : items) parse_precision(p);  // throws listing the precisions there are
  return items;
}

std::vector<std::string> parse_backend_axis(const std::string& text) {
  auto items = split_items(text, "--backends");
  for (const auto& b : items) backends::check_backend_name(b);
  return items;
}

std::string SweepPoint::key() const {
  return fmt::format("{}/{}/s{}/t{}/b{}", backend, precision, axis_text(streams),
                     axis_text(threads), batch);
}

nlohmann::json to_json(const SweepPoint& p) {
  return {{"id", p.id},           {"key", p.key()},
          {"backend", p.backend}, {"precision", p.precision},
          {"streams", p.streams}, {"threads", p.threads},
          {"batch", p.batch}};
}

std::vector<SweepPoint> sweep_points(const SweepGrid& g) {
  std::vector<SweepPoint> pts;
  for (const auto& b : g.backends)
    for (const auto& prec : g.precisions)
      for (int s : g.streams)
        for (int t : g.threads)
          for (int batch : g.batches) {
            SweepPoint p;
            p.id = static_cast<int>(pts.size());
            p.backend = b;
            p.precision = prec;
            p.streams = s;
            p.threads = t;
            p.batch = batch;
            pts.push_back(p);
          }
  return pts;
}

std::string group_key(const SweepPoint& p) {
  return fmt::format("{}/{}/s{}/t{}", p.backend, p.precision, axis_text(p.streams),
                     axis_text(p.threads));
}

std::string sweep_id(const std::string& model, const SweepGrid& g, const nlohmann::json& settings) {
  const nlohmann::json desc = {
      {"model", model},       {"backends", g.backends}, {"precisions", g.precisions},
      {"streams", g.streams}, {"threads", g.threads},   {"batches", g.batches},
      {"settings", settings}};
  // FNV-1a over the canonical description: short, stable across runs and machines.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : desc.dump()) h = (h ^ c) * 1099511628211ULL;
  return fmt::format("sweep-{:016x}", h);
}

std::string status_name(PointStatus s) {
  switch (s) {
    case PointStatus::measured:
      return "measured";
    case PointStatus::failed:
      return "failed";
    case PointStatus::pruned:
      return "pruned";
  }
  return "?";
}

PointStatus parse_status(const std::string& s) {
  if (s == "measured") return PointStatus::measured;
  if (s == "failed") return PointStatus::failed;
  if (s == "pruned") return PointStatus::pruned;
  fail("unknown sweep point status '{}'", s);
}

nlohmann::json to_json(const PointResult& r) {
  return {{"point", to_json(r.point)},
          {"status", status_name(r.status)},
          {"reason", r.reason},
          {"throughput_fps", r.throughput_fps},
          {"ci95_fps", {r.ci95_low, r.ci95_high}},
          {"cv", r.cv},
          {"p50_ms", r.p50_ms},
          {"p90_ms", r.p90_ms},
          {"p99_ms", r.p99_ms},
          {"streams_used", r.streams_used},
          {"threads_used", r.threads_used}};
}

PointResult point_result_from_json(const nlohmann::json& j) {
  PointResult r;
  const auto& p = j.at("point");
  r.point.id = p.at("id");
  r.point.backend = p.at("backend");
  r.point.precision = p.at("precision");
  r.point.streams = p.at("streams");
  r.point.threads = p.at("threads");
  r.point.batch = p.at("batch");
  r.status = parse_status(j.at("status"));
  r.reason = j.value("reason", "");
  r.throughput_fps = j.value("throughput_fps", 0.0);
  r.ci95_low = j.at("ci95_fps").at(0);
  r.ci95_high = j.at("ci95_fps").at(1);
  r.cv = j.value("cv", 0.0);
  r.p50_ms = j.value("p50_ms", 0.0);
  r.p90_ms = j.value("p90_ms", 0.0);
  r.p99_ms = j.value("p99_ms", 0.0);
  r.streams_used = j.value("streams_used", 0);
  r.threads_used = j.value("threads_used", 0);
  return r;
}

bool stop_raising_batch(const PointResult& best_smaller, const PointResult& current,
                        double min_gain) {
  const bool below_noise = current.ci95_high < best_smaller.ci95_low;
  const bool big_enough = current.throughput_fps < best_smaller.throughput_fps * (1 - min_gain);
  return below_noise && big_enough;
}

std::vector<PointResult> pareto_front(std::vector<PointResult> m) {
  // By increasing p90, then decreasing throughput: a point is on the front when its throughput
  // beats every point of lower (or equal) latency seen before it.
  std::sort(m.begin(), m.end(), [](const PointResult& a, const PointResult& b) {
    return a.p90_ms != b.p90_ms ? a.p90_ms < b.p90_ms : a.throughput_fps > b.throughput_fps;
  });
  std::vector<PointResult> front;
  double best = -1;
  for (const auto& r : m) {
    if (r.throughput_fps > best) {
      front.push_back(r);
      best = r.throughput_fps;
    }
  }
  return front;
}

std::vector<BackendAnswers> sweep_answers(const std::vector<PointResult>& results,
                                          double latency_bound_ms) {
  std::vector<BackendAnswers> out;
  std::map<std::string, std::vector<PointResult>> measured;
  for (const auto& r : results) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const BackendAnswers& a) { return a.backend == r.point.backend; });
    if (it == out.end()) {
      out.push_back({});
      out.back().backend = r.point.backend;
      it = out.end() - 1;
    }
    it->measured += r.status == PointStatus::measured;
    it->failed += r.status == PointStatus::failed;
    it->pruned += r.status == PointStatus::pruned;
    if (r.status == PointStatus::measured) measured[r.point.backend].push_back(r);
  }
  auto pick = [](std::optional<PointResult>& slot, const PointResult& r,
                 const std::function<bool(const PointResult&, const PointResult&)>& better) {
    if (!slot || better(r, *slot)) slot = r;
  };
  for (auto& a : out) {
    for (const auto& r : measured[a.backend]) {
      pick(a.best_throughput, r,
           [](auto& x, auto& y) { return x.throughput_fps > y.throughput_fps; });
      pick(a.best_p50, r, [](auto& x, auto& y) { return x.p50_ms < y.p50_ms; });
      pick(a.best_p90, r, [](auto& x, auto& y) { return x.p90_ms < y.p90_ms; });
      if (latency_bound_ms > 0 && r.p99_ms <= latency_bound_ms)
        pick(a.best_under_bound, r,
             [](auto& x, auto& y) { return x.throughput_fps > y.throughput_fps; });
    }
    a.pareto = pareto_front(measured[a.backend]);
  }
  return out;
}

double estimate_sweep_seconds(std::size_t points, int repetitions, double duration_s,
                              double per_point_overhead_s) {
  // Warm-up and the first inference add roughly 10% to each repetition.
  return static_cast<double>(points) * (per_point_overhead_s + repetitions * duration_s * 1.1);
}

}  // namespace inferlab::bench
