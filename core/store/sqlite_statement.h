// core/store: a RAII prepared statement with checked binds/steps; every failure becomes a
// StoreError naming the database file (e.g. "database or disk is full").
#pragma once
#include <sqlite3.h>

#include <string>

namespace trustlab {

/// SQLite's message for the last failure on `db`, with the likely cause when a write could not
/// reach the disk (a full disk and a file-size limit read as "disk I/O error" otherwise).
std::string sqliteFailure(sqlite3* db);

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, long long v);
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::string& v);
  Statement& bindNull(int i);
  /// True when a row is available; false when done.
  bool step();
  void reset();

  long long integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  bool isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  void check(int rc, const char* what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace trustlab
