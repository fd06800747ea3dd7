#include "inferlab/lab/results_store.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "bench/results_pg.h"
#include "inferlab/lab/results_db.h"
#include "ir/error.h"

namespace inferlab::bench {

const std::vector<Column>& result_columns() {
  using T = ColumnType;
  static const std::vector<Column> c{
      {"time", T::text},
      {"kind", T::text},
      {"backend", T::text},
      {"model", T::text},
      {"scenario", T::text},
      {"batch", T::integer},
      {"streams", T::integer},
      {"threads", T::integer},
      {"precision", T::text},
      {"repetition", T::integer},
      {"throughput_fps", T::real},
      {"p50_ms", T::real},
      {"p90_ms", T::real},
      {"p99_ms", T::real},
      {"mean_ms", T::real},
      {"run_id", T::text},
      // The per-layer precision count of the run; the parameter sweep a row belongs to (so an
      // interrupted sweep resumes). Databases written before a column existed get it on open.
      {"precision_layers", T::text},
      {"sweep_id", T::text}};
  return c;
}

namespace {

bool is_number(const std::string& s) {
  double v;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end;
}

}  // namespace

std::vector<Filter> parse_filters(const std::vector<std::string>& filters) {
  const auto& cols = result_columns();
  std::vector<Filter> out;
  for (const auto& f : filters) {
    const auto pos = f.find_first_of("=~");
    if (pos == std::string::npos || pos == 0)
      fail("malformed --filter '{}': expected COLUMN=VALUE or COLUMN~SUBSTRING", f);
    Filter x{f.substr(0, pos), f[pos] == '=' ? Filter::Op::equals : Filter::Op::contains,
             f.substr(pos + 1)};
    auto it =
        std::find_if(cols.begin(), cols.end(), [&](const Column& c) { return x.column == c.name; });
    if (x.column != "id" && it == cols.end()) {
      std::string known = "id";
      for (const auto& c : cols) known += std::string(", ") + c.name;
      fail("--filter: unknown column '{}' (columns: {})", x.column, known);
    }
    const bool numeric = x.column == "id" || it->type != ColumnType::text;
    if (numeric && x.op == Filter::Op::equals && !is_number(x.value))
      fail("--filter '{}': column {} holds numbers, '{}' is not one", f, x.column, x.value);
    out.push_back(std::move(x));
  }
  return out;
}

bool is_postgres_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string resolve_store_location(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("INFERLAB_DB"); env && *env) return env;
  return "results.db";
}

std::unique_ptr<ResultsStore> open_results_store(const std::string& location) {
  if (is_postgres_url(location)) return std::make_unique<PgResultsStore>(location);
  return std::make_unique<ResultsDb>(location);
}

std::string redact_url(const std::string& url) {
  std::string out = url;
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {  // scheme://user:password@host
    const auto at = out.find('@', scheme + 3);
    const auto slash = out.find('/', scheme + 3);
    const auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) && colon < at)
      out = out.substr(0, colon + 1) + "***" + out.substr(at);
  }
  if (const auto pw = out.find("password="); pw != std::string::npos) {  // ?password=...
    const auto end = out.find('&', pw);
    out = out.substr(0, pw + 9) + "***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::string redact_command_line(const std::string& command) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const auto at = command.find("postgres", pos);
    if (at == std::string::npos) break;
    const auto end = command.find_first_of(" '\"", at);
    const std::string token = command.substr(at, end == std::string::npos ? end : end - at);
    out += command.substr(pos, at - pos) + redact_url(token);
    pos = at + token.size();
  }
  return out + command.substr(pos);
}

}  // namespace inferlab::bench
