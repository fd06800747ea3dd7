#pragma once
// The results store: every completed measurement is appended to a SQLite database as soon as
// it completes, in its own transaction, with WAL journaling and synchronous=FULL, so a run
// killed at any point loses nothing that had completed and never leaves the file corrupt.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

struct sqlite3;

namespace inferlab::bench {

class ResultsDb {
 public:
  explicit ResultsDb(const std::string& path);  // creates the file and table when absent
  ~ResultsDb();
  ResultsDb(const ResultsDb&) = delete;
  ResultsDb& operator=(const ResultsDb&) = delete;

  // Appends one row; `row` holds the columns below (missing ones stay NULL) and is also stored
  // whole in the `result` column. Returns the row id.
  std::int64_t append(const nlohmann::json& row);

  // Rows matching every filter "column=value" / "column~substring", oldest first.
  std::vector<nlohmann::json> query(const std::vector<std::string>& filters) const;

  std::string integrity_check() const;  // "ok" when sound
  const std::string& path() const { return path_; }

  // Indexed columns (the rest lives in the JSON `result`).
  static const std::vector<std::string>& columns();

 private:
  void add_missing_columns();
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace inferlab::bench
