#include "bench/results_pg.h"

#include <libpq-fe.h>

#include <memory>

#include "ir/error.h"

namespace inferlab::bench {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// libpq's messages end with a newline and may span lines: one line for ours.
std::string one_line(const char* msg) {
  std::string s = msg ? msg : "unknown error";
  for (auto& ch : s)
    if (ch == '\n') ch = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// A key unlikely to clash with other users of advisory locks on the same server.
constexpr long long kSchemaLock = 0x696e666572;  // "infer"

const char* pg_sql_type(ColumnType t) {
  return t == ColumnType::text ? "TEXT" : t == ColumnType::integer ? "BIGINT" : "DOUBLE PRECISION";
}

std::string pg_create_table_sql() {
  std::string sql = "CREATE TABLE IF NOT EXISTS measurements (id BIGSERIAL PRIMARY KEY";
  for (const auto& c : result_columns()) {
    sql += std::string(", ") + c.name + " " + pg_sql_type(c.type);
  }
  return sql + ", result TEXT NOT NULL)";
}

// Column values as text parameters (NULL for absent ones); the server converts to the column's
// type and rejects a value that does not fit (the import is then rolled back whole).
struct Params {
  std::vector<std::string> text;
  std::vector<bool> null;
  std::vector<const char*> ptrs() const {
    std::vector<const char*> p;
    for (std::size_t i = 0; i < text.size(); ++i) p.push_back(null[i] ? nullptr : text[i].c_str());
    return p;
  }
  void add(const nlohmann::json* v) {
    null.push_back(!v || v->is_null());
    text.push_back(null.back() ? "" : v->is_string() ? v->get<std::string>() : v->dump());
  }
};

}  // namespace

PgResultsStore::PgResultsStore(const std::string& url) : where_(redact_url(url)) {
  // Keywords first, then the URL (expanded), so that the URL's own settings win.
  // client_min_messages: no NOTICE lines ("relation already exists") on the user's terminal.
  const char* keys[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
  const char* vals[] = {"10", "inferlab", "-c client_min_messages=warning", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, vals, 1);
  if (!conn_) fail("results database {}: cannot connect: out of memory", where_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string msg = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    fail("results database {}: cannot connect: {}", where_, msg);
  }
  // Concurrent first writers would race on CREATE TABLE: serialise them on a lock.
  exec("BEGIN");
  try {
    exec(fmt::format("SELECT pg_advisory_xact_lock({})", kSchemaLock));
    exec(pg_create_table_sql());
    for (const auto& c : result_columns())  // columns added since the table was created
      exec(fmt::format("ALTER TABLE measurements ADD COLUMN IF NOT EXISTS {} {}", c.name,
                       pg_sql_type(c.type)));
    exec("CREATE INDEX IF NOT EXISTS measurements_run_id ON measurements (run_id)");
    exec("COMMIT");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

PgResultsStore::~PgResultsStore() {
  if (conn_) PQfinish(conn_);
}

void PgResultsStore::exec(const std::string& sql) const {
  Result r(PQexec(conn_, sql.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("results database {}: {}", where_, one_line(PQerrorMessage(conn_)));
}

std::int64_t PgResultsStore::insert(const nlohmann::json& row, bool skip_existing) {
  Params p;
  std::string cols, marks;
  int n = 0;
  for (const auto& c : result_columns()) {
    auto it = row.find(c.name);
    p.add(it == row.end() ? nullptr : &*it);
    cols += std::string(c.name) + ", ";
    marks += fmt::format("${}::{}, ", ++n, pg_sql_type(c.type));
  }
  const nlohmann::json whole = row.dump();
  p.add(&whole);
  const int result_param = ++n;
  std::string sql =
      "INSERT INTO measurements (" + cols + "result) SELECT " + marks + fmt::format("${}::text", n);
  if (skip_existing) {
    int run_id_param = 1;
    for (const auto& c : result_columns()) {
      if (std::string(c.name) == "run_id") break;
      ++run_id_param;
    }
    sql += fmt::format(
        " WHERE NOT EXISTS (SELECT 1 FROM measurements WHERE run_id IS NOT DISTINCT FROM "
        "${}::text AND result = ${}::text)",
        run_id_param, result_param);
  }
  sql += " RETURNING id";
  const auto ptrs = p.ptrs();
  Result r(PQexecParams(conn_, sql.c_str(), n, nullptr, ptrs.data(), nullptr, nullptr, 0),
           &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    fail("results database {}: {}", where_, one_line(PQerrorMessage(conn_)));
  return PQntuples(r.get()) == 1 ? std::stoll(PQgetvalue(r.get(), 0, 0)) : 0;
}

std::int64_t PgResultsStore::append(const nlohmann::json& row) {
  return insert(row, false);  // one statement: its own transaction
}

std::size_t PgResultsStore::import_rows(const std::vector<nlohmann::json>& rows) {
  exec("BEGIN");
  try {
    // Two imports of the same file at once would both see its rows as new: one at a time.
    exec(fmt::format("SELECT pg_advisory_xact_lock({})", kSchemaLock + 1));
    std::size_t added = 0;
    for (const auto& r : rows) added += insert(r, true) > 0 ? 1 : 0;
    exec("COMMIT");
    return added;
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::vector<nlohmann::json> PgResultsStore::query(const std::vector<std::string>& filters) const {
  std::string where;
  std::vector<std::string> values;
  for (const auto& f : parse_filters(filters)) {
    where += where.empty() ? " WHERE " : " AND ";
    values.push_back(f.value);
    const std::string param = fmt::format("${}", values.size());
    where += f.op == Filter::Op::equals ? f.column + " = " + param
                                        : "strpos(" + f.column + "::text, " + param + ") > 0";
  }
  const std::string sql = "SELECT id, result FROM measurements" + where + " ORDER BY id";
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(ptrs.size()), nullptr, ptrs.data(),
                        nullptr, nullptr, 0),
           &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    fail("results database {}: {}", where_, one_line(PQerrorMessage(conn_)));
  std::vector<nlohmann::json> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto j = nlohmann::json::parse(PQgetvalue(r.get(), i, 1));
    j["id"] = std::stoll(PQgetvalue(r.get(), i, 0));
    rows.push_back(std::move(j));
  }
  return rows;
}

std::string PgResultsStore::integrity_check() const {
  Result r(PQexec(conn_, "SELECT id, result FROM measurements ORDER BY id"), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return one_line(PQerrorMessage(conn_));
  for (int i = 0; i < PQntuples(r.get()); ++i)
    if (!nlohmann::json::accept(PQgetvalue(r.get(), i, 1)))
      return fmt::format("row {}: the stored record is not valid JSON", PQgetvalue(r.get(), i, 0));
  return "ok";
}

}  // namespace inferlab::bench
