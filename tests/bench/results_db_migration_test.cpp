#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "inferlab/lab/results_db.h"

namespace fs = std::filesystem;

TEST(ResultsDbMigration, OldDatabaseGainsTheSweepIdColumn) {
  const fs::path d = fs::temp_directory_path() / ("inferlab-dbmig-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string path = (d / "old.db").string();
  {  // The schema before sweeps existed, with one row.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE measurements (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "time TEXT, kind TEXT, backend TEXT, model TEXT, scenario TEXT, batch "
                           "INTEGER, streams INTEGER, threads INTEGER, precision TEXT, repetition "
                           "INTEGER, throughput_fps REAL, p50_ms REAL, p90_ms REAL, p99_ms REAL, "
                           "mean_ms REAL, run_id TEXT, result TEXT NOT NULL);"
                           "INSERT INTO measurements (kind, result) VALUES ('summary', "
                           "'{\"kind\":\"summary\"}')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  inferlab::bench::ResultsDb a(path), b(path);  // opened twice: the second finds the column
  a.append({{"kind", "sweep_point"}, {"sweep_id", "sweep-1"}});
  EXPECT_EQ(a.query({}).size(), 2u);
  EXPECT_EQ(b.query({"sweep_id=sweep-1"}).size(), 1u);
  EXPECT_EQ(a.integrity_check(), "ok");
  fs::remove_all(d);
}
