#pragma once
// The results store behind one interface, with two implementations of the same schema:
//   SQLite (ResultsDb, results_db.h): the embedded default, a file;
//   PostgreSQL (PgResultsStore, results_pg.h): `postgresql://...`, shared by many nodes.
// Every completed measurement is appended in its own transaction; an import of many rows is one
// transaction, so nothing half-written is ever visible.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace inferlab::bench {

enum class ColumnType { text, integer, real };
struct Column {
  const char* name;
  ColumnType type;
};
// The indexed columns, in table order (the whole record lives in the `result` column).
const std::vector<Column>& result_columns();

// One `--filter`: "COLUMN=VALUE" (equality) or "COLUMN~SUBSTRING".
struct Filter {
  enum class Op { equals, contains };
  std::string column;
  Op op = Op::equals;
  std::string value;
};
// Checks every filter against the columns (and "id"); throws Error naming the bad one.
std::vector<Filter> parse_filters(const std::vector<std::string>& filters);

class ResultsStore {
 public:
  virtual ~ResultsStore() = default;
  // Appends one row in its own transaction; `row` holds the columns (missing ones stay NULL)
  // and is also stored whole. Returns the row id.
  virtual std::int64_t append(const nlohmann::json& row) = 0;
  // Adds `rows` in one transaction (all or none); rows whose whole record is already stored
  // (same run_id and same JSON) are skipped, so importing a file twice adds nothing.
  // Returns how many rows were added.
  virtual std::size_t import_rows(const std::vector<nlohmann::json>& rows) = 0;
  // Rows matching every filter, oldest first, each with its "id".
  virtual std::vector<nlohmann::json> query(const std::vector<std::string>& filters) const = 0;
  virtual std::string integrity_check() const = 0;  // "ok" when sound
  virtual std::string location() const = 0;         // for messages (never a password)
};

bool is_postgres_url(const std::string& location);
// The store to use: `given` (--db) when not empty, else $INFERLAB_DB, else "results.db".
std::string resolve_store_location(const std::string& given);
// Opens (creating the table when absent) a SQLite file or a postgresql:// URL.
std::unique_ptr<ResultsStore> open_results_store(const std::string& location);
// `url` with any password replaced by "***" (for messages and records).
std::string redact_url(const std::string& url);
// A command line with the password of every postgresql:// URL in it redacted.
std::string redact_command_line(const std::string& command);

}  // namespace inferlab::bench
