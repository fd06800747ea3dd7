#pragma once
// The PostgreSQL results store (libpq): the same table as the SQLite store, so many nodes can
// write at once. Each append is one INSERT (its own transaction, committed synchronously); an
// import is one transaction. A writer killed mid-way loses only what it had not committed: the
// server rolls back its open transaction.
#include <string>

#include "inferlab/lab/results_store.h"

struct pg_conn;

namespace inferlab::bench {

class PgResultsStore final : public ResultsStore {
 public:
  // `url`: postgresql://[user[:password]@][host][:port][/dbname][?param=value...] (libpq's URI
  // syntax; PGPASSWORD, PGPASSFILE and the other PG* variables apply). Connects, then creates
  // the table when absent. Throws Error naming what failed (connection, authentication, SQL).
  explicit PgResultsStore(const std::string& url);
  ~PgResultsStore() override;
  PgResultsStore(const PgResultsStore&) = delete;
  PgResultsStore& operator=(const PgResultsStore&) = delete;

  std::int64_t append(const nlohmann::json& row) override;
  std::size_t import_rows(const std::vector<nlohmann::json>& rows) override;
  std::vector<nlohmann::json> query(const std::vector<std::string>& filters) const override;
  // Every stored record parses as JSON (page-level integrity is the server's job).
  std::string integrity_check() const override;
  std::string location() const override { return where_; }

 private:
  // The new row's id, or 0 when `skip_existing` found the record already stored.
  std::int64_t insert(const nlohmann::json& row, bool skip_existing);
  void exec(const std::string& sql) const;
  std::string where_;  // the URL without its password
  pg_conn* conn_ = nullptr;
};

}  // namespace inferlab::bench
