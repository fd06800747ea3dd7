#pragma once
// The SQLite results store (the embedded default): every completed measurement is appended as
// soon as it completes, in its own transaction, with WAL journaling and synchronous=FULL, so a
// run killed at any point loses nothing that had completed and never leaves the file corrupt.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/results_store.h"

struct sqlite3;

namespace inferlab::bench {

class ResultsDb final : public ResultsStore {
 public:
  explicit ResultsDb(const std::string& path);  // creates the file and table when absent
  ~ResultsDb() override;
  ResultsDb(const ResultsDb&) = delete;
  ResultsDb& operator=(const ResultsDb&) = delete;

  std::int64_t append(const nlohmann::json& row) override;
  std::size_t import_rows(const std::vector<nlohmann::json>& rows) override;
  // Rows matching every filter "column=value" / "column~substring", oldest first.
  std::vector<nlohmann::json> query(const std::vector<std::string>& filters) const override;
  std::string integrity_check() const override;  // SQLite's PRAGMA integrity_check
  std::string location() const override { return path_; }
  const std::string& path() const { return path_; }

  // Names of the indexed columns (result_columns()).
  static const std::vector<std::string>& columns();

 private:
  void add_missing_columns();
  // Inserts one row inside the caller's transaction; with `skip_existing`, a row whose record
  // is already stored is not added. Returns whether it was added.
  bool insert(const nlohmann::json& row, bool skip_existing);
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace inferlab::bench
