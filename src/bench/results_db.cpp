#include "inferlab/lab/results_db.h"

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

const char* sql_type(ColumnType t) {
  return t == ColumnType::text ? "TEXT" : t == ColumnType::integer ? "INTEGER" : "REAL";
}

std::string create_table_sql() {
  std::string sql = "CREATE TABLE IF NOT EXISTS measurements (id INTEGER PRIMARY KEY AUTOINCREMENT";
  for (const auto& c : result_columns()) sql += fmt::format(", {} {}", c.name, sql_type(c.type));
  return sql + ", result TEXT NOT NULL)";
}

void bind_value(sqlite3_stmt* s, int i, const nlohmann::json* v) {
  if (!v || v->is_null())
    sqlite3_bind_null(s, i);
  else if (v->is_number_integer())
    sqlite3_bind_int64(s, i, v->get<std::int64_t>());
  else if (v->is_number())
    sqlite3_bind_double(s, i, v->get<double>());
  else if (v->is_string())
    sqlite3_bind_text(s, i, v->get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_text(s, i, v->dump().c_str(), -1, SQLITE_TRANSIENT);
}

// Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back and rethrows on any error.
template <typename F>
auto in_transaction(sqlite3* db, const std::string& path, F&& body) {
  exec(db, "BEGIN IMMEDIATE", path);
  try {
    auto r = body();
    exec(db, "COMMIT", path);
    return r;
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace

const std::vector<std::string>& ResultsDb::columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& c : result_columns()) n.emplace_back(c.name);
    return n;
  }();
  return names;
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
  exec(db_, create_table_sql(), path_);
  add_missing_columns();
  exec(db_, "CREATE INDEX IF NOT EXISTS measurements_run_id ON measurements (run_id)", path_);
}

// Databases written before a column existed get it (NULL in their old rows).
void ResultsDb::add_missing_columns() {
  std::vector<std::string> have;
  {
    Stmt st;
    if (sqlite3_prepare_v2(db_, "PRAGMA table_info(measurements)", -1, &st.s, nullptr) != SQLITE_OK)
      fail("results database {}: {}", path_, sqlite3_errmsg(db_));
    while (sqlite3_step(st.s) == SQLITE_ROW)
      have.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 1)));
  }
  for (const auto& c : result_columns()) {
    if (std::find(have.begin(), have.end(), c.name) != have.end()) continue;
    char* err = nullptr;
    const std::string sql =
        fmt::format("ALTER TABLE measurements ADD COLUMN {} {}", c.name, sql_type(c.type));
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      // Another process opening the same store may have added it a moment ago.
      if (msg.find("duplicate column") == std::string::npos)
        fail("results database {}: {}", path_, msg);
    }
  }
}

ResultsDb::~ResultsDb() {
  sqlite3_close(db_);
}

bool ResultsDb::insert(const nlohmann::json& row, bool skip_existing) {
  const std::string whole = row.dump();
  const auto run_id = row.find("run_id");
  if (skip_existing) {
    Stmt st;
    if (sqlite3_prepare_v2(db_, "SELECT 1 FROM measurements WHERE run_id IS ? AND result = ?", -1,
                           &st.s, nullptr) != SQLITE_OK)
      fail("results database {}: {}", path_, sqlite3_errmsg(db_));
    bind_value(st.s, 1, run_id == row.end() ? nullptr : &*run_id);
    sqlite3_bind_text(st.s, 2, whole.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) == SQLITE_ROW) return false;
  }
  std::string cols, marks;
  for (const auto& c : result_columns()) {
    cols += std::string(c.name) + ", ";
    marks += "?, ";
  }
  const std::string sql = "INSERT INTO measurements (" + cols + "result) VALUES (" + marks + "?)";
  Stmt st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
    fail("results database {}: {}", path_, sqlite3_errmsg(db_));
  int i = 1;
  for (const auto& c : result_columns()) {
    auto it = row.find(c.name);
    bind_value(st.s, i++, it == row.end() ? nullptr : &*it);
  }
  sqlite3_bind_text(st.s, i, whole.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_DONE)
    fail("results database {}: {}", path_, sqlite3_errmsg(db_));
  return true;
}

std::int64_t ResultsDb::append(const nlohmann::json& row) {
  return in_transaction(db_, path_, [&] {
    insert(row, false);
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  });
}

std::size_t ResultsDb::import_rows(const std::vector<nlohmann::json>& rows) {
  return in_transaction(db_, path_, [&] {
    std::size_t added = 0;
    for (const auto& r : rows) added += insert(r, true) ? 1 : 0;
    return added;
  });
}

std::vector<nlohmann::json> ResultsDb::query(const std::vector<std::string>& filters) const {
  std::string where;
  std::vector<std::string> values;
  for (const auto& f : parse_filters(filters)) {
    where += where.empty() ? " WHERE " : " AND ";
    where += f.op == Filter::Op::equals ? f.column + " = ?" : "instr(" + f.column + ", ?) > 0";
    values.push_back(f.value);
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
