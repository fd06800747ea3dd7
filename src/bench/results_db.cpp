#include "bench/results_db.h"

#include <sqlite3.h>

#include <algorithm>

#include "ir/error.h"

namespace inferlab::bench {
namespace {

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

void exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail("results database {}: {}", path, msg);
  }
}

// Databases written before sweeps existed lack the sweep_id column (rows of a parameter sweep
// carry their sweep's id so an interrupted sweep resumes).
bool has_sweep_id_column(sqlite3* db, const std::string& path) {
  Stmt st;
  if (sqlite3_prepare_v2(db,
                         "SELECT 1 FROM pragma_table_info('measurements') WHERE name='sweep_id'",
                         -1, &st.s, nullptr) != SQLITE_OK)
    fail("results database {}: {}", path, sqlite3_errmsg(db));
  return sqlite3_step(st.s) == SQLITE_ROW;
}

void add_sweep_id_column(sqlite3* db, const std::string& path) {
  if (has_sweep_id_column(db, path)) return;
  // Job-array tasks may open an old database at once: the loser of the race finds the column.
  if (sqlite3_exec(db, "ALTER TABLE measurements ADD COLUMN sweep_id TEXT", nullptr, nullptr,
                   nullptr) != SQLITE_OK &&
      !has_sweep_id_column(db, path))
    fail("results database {}: cannot add the sweep_id column: {}", path, sqlite3_errmsg(db));
}

}  // namespace

const std::vector<std::string>& ResultsDb::columns() {
  static const std::vector<std::string> c{
      "time",    "kind",    "backend",   "model",      "scenario",       "batch",
      "streams", "threads", "precision", "repetition", "throughput_fps", "p50_ms",
      "p90_ms",  "p99_ms",  "mean_ms",   "run_id",     "sweep_id"};
  return c;
}

ResultsDb::ResultsDb(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
    sqlite3_close(db_);
    db_ = nullptr;
    fail("results database {}: {}", path, msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec(db_, "PRAGMA journal_mode=WAL", path_);
  exec(db_, "PRAGMA synchronous=FULL", path_);
  exec(db_,
       "CREATE TABLE IF NOT EXISTS measurements ("
       "id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT, kind TEXT, backend TEXT, model TEXT, "
       "scenario TEXT, batch INTEGER, streams INTEGER, threads INTEGER, precision TEXT, "
       "repetition INTEGER, throughput_fps REAL, p50_ms REAL, p90_ms REAL, p99_ms REAL, "
       "mean_ms REAL, run_id TEXT, result TEXT NOT NULL)",
       path_);
  add_sweep_id_column(db_, path_);
}

ResultsDb::~ResultsDb() {
  sqlite3_close(db_);
}

std::int64_t ResultsDb::append(const nlohmann::json& row) {
  std::string cols, marks;
  for (const auto& c : columns()) {
    cols += c + ", ";
    marks += "?, ";
  }
  const std::string sql = "INSERT INTO measurements (" + cols + "result) VALUES (" + marks + "?)";
  exec(db_, "BEGIN IMMEDIATE", path_);
  Stmt st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK) {
    exec(db_, "ROLLBACK", path_);
    fail("results database {}: {}", path_, sqlite3_errmsg(db_));
  }
  int i = 1;
  for (const auto& c : columns()) {
    auto it = row.find(c);
    if (it == row.end() || it->is_null())
      sqlite3_bind_null(st.s, i);
    else if (it->is_number_integer())
      sqlite3_bind_int64(st.s, i, it->get<std::int64_t>());
    else if (it->is_number())
      sqlite3_bind_double(st.s, i, it->get<double>());
    else if (it->is_string())
      sqlite3_bind_text(st.s, i, it->get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_text(st.s, i, it->dump().c_str(), -1, SQLITE_TRANSIENT);
    ++i;
  }
  const std::string whole = row.dump();
  sqlite3_bind_text(st.s, i, whole.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_DONE) {
    const std::string msg = sqlite3_errmsg(db_);
    exec(db_, "ROLLBACK", path_);
    fail("results database {}: {}", path_, msg);
  }
  exec(db_, "COMMIT", path_);
  return sqlite3_last_insert_rowid(db_);
}

std::vector<nlohmann::json> ResultsDb::query(const std::vector<std::string>& filters) const {
  std::string where;
  std::vector<std::string> values;
  const auto& cols = columns();
  for (const auto& f : filters) {
    const auto pos = f.find_first_of("=~");
    if (pos == std::string::npos || pos == 0)
      fail("malformed --filter '{}': expected COLUMN=VALUE or COLUMN~SUBSTRING", f);
    const std::string col = f.substr(0, pos);
    if (col != "id" && std::find(cols.begin(), cols.end(), col) == cols.end()) {
      std::string known = "id";
      for (const auto& c : cols) known += ", " + c;
      fail("--filter: unknown column '{}' (columns: {})", col, known);
    }
    where += where.empty() ? " WHERE " : " AND ";
    if (f[pos] == '=') {
      where += col + " = ?";
      values.push_back(f.substr(pos + 1));
    } else {
      where += "instr(" + col + ", ?) > 0";
      values.push_back(f.substr(pos + 1));
    }
  }
  const std::string sql = "SELECT id, result FROM measurements" + where + " ORDER BY id";
  Stmt st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
    fail("results database {}: {}", path_, sqlite3_errmsg(db_));
  for (std::size_t i = 0; i < values.size(); ++i)
    sqlite3_bind_text(st.s, static_cast<int>(i + 1), values[i].c_str(), -1, SQLITE_TRANSIENT);
  std::vector<nlohmann::json> rows;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    auto j = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 1)));
    j["id"] = sqlite3_column_int64(st.s, 0);
    rows.push_back(std::move(j));
  }
  if (rc != SQLITE_DONE) fail("results database {}: {}", path_, sqlite3_errmsg(db_));
  return rows;
}

std::string ResultsDb::integrity_check() const {
  Stmt st;
  if (sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &st.s, nullptr) != SQLITE_OK)
    return sqlite3_errmsg(db_);
  std::string out;
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    if (!out.empty()) out += "; ";
    out += reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0));
  }
  return out;
}

}  // namespace inferlab::bench
