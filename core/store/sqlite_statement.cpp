#include "store/sqlite_statement.h"

#include "util/errors.h"

namespace trustlab {

std::string sqliteFailure(sqlite3* db) {
  const int code = sqlite3_extended_errcode(db);
  std::string message = sqlite3_errmsg(db);
  if (code == SQLITE_FULL || code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_TRUNCATE)
    message += " (the disk is full or a file-size limit was reached; runs stored before are kept)";
  return message;
}

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr), "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::check(int rc, const char* what) const {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  const char* file = sqlite3_db_filename(db_, "main");
  throw StoreError(std::string(file ? file : "run store") + ": " + what + " failed: " + sqliteFailure(db_));
}

Statement& Statement::bind(int i, long long v) { check(sqlite3_bind_int64(stmt_, i, v), "bind"); return *this; }
Statement& Statement::bind(int i, double v) { check(sqlite3_bind_double(stmt_, i, v), "bind"); return *this; }
Statement& Statement::bind(int i, const std::string& v) {
  check(sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}
Statement& Statement::bindNull(int i) { check(sqlite3_bind_null(stmt_, i), "bind"); return *this; }

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  check(rc, "write/read");
  return rc == SQLITE_ROW;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, col))) : std::string();
}

}  // namespace trustlab
