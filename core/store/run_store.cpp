#include "store/run_store.h"

#include <limits>

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <unordered_map>

#include "store/sqlite_statement.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/private_files.h"

namespace trustlab {

double RunRecord::metric(const std::string& key) const {
  const auto it = latestMetrics.find(key);
  return it == latestMetrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}
namespace {

constexpr int kSchemaVersion = 1;
constexpr double kStaleHeartbeatSeconds = 3600;  // other hosts: no heartbeat for an hour = killed

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS experiments(
  experiment_id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, creation_time REAL NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  run_id INTEGER PRIMARY KEY AUTOINCREMENT, run_uuid TEXT UNIQUE NOT NULL,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('running','finished','failed','killed')),
  start_time REAL NOT NULL, end_time REAL, heartbeat REAL,
  spec_json TEXT NOT NULL, spec_sha256 TEXT NOT NULL, seed INTEGER NOT NULL,
  git_commit TEXT, trustlab_version TEXT, libtorch_version TEXT, qt_version TEXT,
  host TEXT, hostname TEXT, pid INTEGER, device TEXT, threads INTEGER, error TEXT);
CREATE TABLE IF NOT EXISTS params(
  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, key TEXT NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY (run_id, key));
CREATE TABLE IF NOT EXISTS metrics(
  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, key TEXT NOT NULL,
  step INTEGER NOT NULL, value REAL, is_nan INTEGER NOT NULL DEFAULT 0, timestamp REAL NOT NULL);
CREATE INDEX IF NOT EXISTS metrics_run_key_step ON metrics(run_id, key, step);
CREATE TABLE IF NOT EXISTS latest_metrics(
  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, key TEXT NOT NULL,
  step INTEGER NOT NULL, value REAL, is_nan INTEGER NOT NULL DEFAULT 0, timestamp REAL NOT NULL,
  PRIMARY KEY (run_id, key));
CREATE TABLE IF NOT EXISTS tags(
  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, key TEXT NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY (run_id, key));
CREATE TABLE IF NOT EXISTS privacy_ledger(
  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, step INTEGER NOT NULL,
  noise_multiplier REAL NOT NULL, sample_rate REAL NOT NULL, accountant TEXT NOT NULL,
  epsilon REAL, delta REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_run_step ON privacy_ledger(run_id, step);
)sql";

std::string newUuid() {
  std::random_device rd;
  std::string s;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) s.push_back(hex[rd() % 16]);
  return s;
}

/// Runs `body` in one write transaction through `exec` (the store's own, whose errors name the
/// file): committed when it returns, rolled back when it throws.
template <class Exec, class Body>
void inTransaction(sqlite3* db, Exec&& exec, Body&& body) {
  exec("BEGIN IMMEDIATE");
  try {
    body();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

bool processAlive(long pid) { return pid > 0 && (kill(pid_t(pid), 0) == 0 || errno == EPERM); }

const char* kRunColumns =
    "r.run_id, r.run_uuid, e.name, r.name, r.status, r.spec_json, r.spec_sha256, r.seed, r.git_commit, "
    "r.trustlab_version, r.libtorch_version, r.qt_version, r.host, r.device, r.threads, r.pid, r.start_time, "
    "r.end_time, r.error";

RunRecord readRun(const Statement& s) {
  RunRecord r;
  r.id = s.integer(0);
  r.uuid = s.text(1);
  r.experiment = s.text(2);
  r.name = s.text(3);
  r.status = s.text(4);
  r.specJson = s.text(5);
  r.specSha256 = s.text(6);
  r.seed = static_cast<unsigned long long>(s.integer(7));
  r.repro.gitCommit = s.text(8);
  r.repro.trustlabVersion = s.text(9);
  r.repro.libtorchVersion = s.text(10);
  r.repro.qtVersion = s.text(11);
  r.repro.host = s.text(12);
  r.repro.device = s.text(13);
  r.repro.threads = int(s.integer(14));
  r.pid = long(s.integer(15));
  r.startTime = s.real(16);
  r.endTime = s.isNull(17) ? 0 : s.real(17);
  r.error = s.text(18);
  return r;
}

/// Fills r.latestMetrics from latest_metrics (NaN where is_nan).
void readLatestMetrics(sqlite3* db, RunRecord& r) {
  Statement m(db, "SELECT key, value, is_nan FROM latest_metrics WHERE run_id = ?");
  m.bind(1, r.id);
  while (m.step()) r.latestMetrics[m.text(0)] = m.integer(2) ? std::nan("") : m.real(1);
}

/// Throws StoreError when the store was written by a newer TrustLab (a schema this one cannot read).
void requireKnownSchema(sqlite3* db, const std::string& path) {
  Statement v(db, "PRAGMA user_version");
  v.step();
  if (v.integer(0) > kSchemaVersion)
    throw InputError(path, "run store written by a newer TrustLab (schema " + std::to_string(v.integer(0)) + ")");
}

/// Every run's params and tags in two queries (not two per run: a store holds thousands).
void readParamsAndTags(sqlite3* db, std::vector<RunRecord>& runs) {
  std::unordered_map<long long, RunRecord*> byId;
  for (auto& r : runs) byId[r.id] = &r;
  for (const auto& [table, member] : {std::pair{"params", &RunRecord::params}, std::pair{"tags", &RunRecord::tags}}) {
    Statement q(db, std::string("SELECT run_id, key, value FROM ") + table);
    while (q.step())
      if (const auto it = byId.find(q.integer(0)); it != byId.end()) (it->second->*member)[q.text(1)] = q.text(2);
  }
}

}  // namespace

std::string runArtifactDir(const std::string& storePath, long long runId) {
  return storePath + ".artifacts/run-" + std::to_string(runId);
}

std::string defaultStorePath() {
  if (const char* env = std::getenv("TRUSTLAB_STORE"); env && *env) return env;
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home) base = std::string(home) + "/.local/share";
  else base = ".";
  const auto dir = std::filesystem::path(base) / "trustlab";
  try {
    createPrivateDirectories(dir);
  } catch (const InputError&) {
    // Said by the store's own open, naming the file.
  }
  return (dir / "runs.sqlite").string();
}

ReproInfo captureRepro(const std::string& device, int threads, const std::string& qtVersion) {
  const auto b = buildInfo();
  return {b.gitCommit, b.trustlabVersion, b.libtorchVersion, qtVersion, hostDescription(), device, threads};
}

namespace {

constexpr char kNotAStore[] = "is not a TrustLab run store (the file is not an SQLite database)";

/// InputError naming `path` when it cannot be a run store whatever the disk does: a folder, a
/// file in a folder that does not exist, or (readers) no file at all.
void requireStorePath(const std::string& path, bool readOnly) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty()) throw InputError("run store", "no path given");
  if (fs::is_directory(path, ec)) throw InputError(path, "is a folder; a run store is a file (e.g. " + path + "/runs.sqlite)");
  const auto parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec)) throw InputError(path, "cannot create a run store: folder " + parent.string() + " does not exist");
  if (readOnly && !fs::exists(path, ec)) throw InputError(path, "no run store there (no such file)");
  // SQLite would take a short file for an empty database and write over it: any file that is
  // not empty must start with SQLite's header.
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0) {
    char header[16] = {};
    std::ifstream(path, std::ios::binary).read(header, sizeof header);
    if (std::memcmp(header, "SQLite format 3", 16) != 0)
      throw InputError(path, kNotAStore);
  }
}

}  // namespace

RunStore::RunStore(const std::string& path, bool readOnly) : path_(path) {
  requireStorePath(path, readOnly);
  if (!readOnly) createPrivateFile(path);  // SQLite gives its -wal and -shm files the same mode
  const int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(path + ": cannot open run store: " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    // Reading the schema version reads the header: a file that is no database fails here, at once.
    if (readOnly) {
      requireKnownSchema(db_, path);
      // SQLite reads a file shorter than its header as an empty database: no runs table, no store.
      Statement t(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runs'");
      t.step();
      if (t.integer(0) == 0) throw InputError(path, "is not a TrustLab run store (no runs table)");
      return;
    }
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    requireKnownSchema(db_, path);
    exec(std::string("BEGIN IMMEDIATE;") + kSchema + "PRAGMA user_version=" + std::to_string(kSchemaVersion) +
         "; COMMIT;");
    recoverKilledRuns();
  } catch (const StoreError& e) {
    // A file that is no SQLite database is the user's input, not a failing disk.
    const bool notADatabase = sqlite3_errcode(db_) == SQLITE_NOTADB;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    if (notADatabase) throw InputError(path, kNotAStore);
    throw;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

RunStore::~RunStore() {
  if (db_) sqlite3_close(db_);
}

void RunStore::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    throw StoreError(path_ + ": " + sqliteFailure(db_));
  }
}

long long RunStore::experimentId(const std::string& name) {
  Statement ins(db_, "INSERT OR IGNORE INTO experiments(name, creation_time) VALUES (?, ?)");
  ins.bind(1, name).bind(2, unixSeconds()).step();
  Statement q(db_, "SELECT experiment_id FROM experiments WHERE name = ?");
  q.bind(1, name);
  q.step();
  return q.integer(0);
}

long long RunStore::createRun(const std::string& experiment, const std::string& name, const std::string& specJson,
                              const std::string& specSha256, unsigned long long seed, const ReproInfo& repro) {
  long long id = 0;
  inTransaction(db_, [this](const char* sql) { exec(sql); }, [&] {
    const long long exp = experimentId(experiment);
    Statement s(db_,
                "INSERT INTO runs(run_uuid, experiment_id, name, status, start_time, heartbeat, spec_json, "
                "spec_sha256, seed, git_commit, trustlab_version, libtorch_version, qt_version, host, hostname, "
                "pid, device, threads) VALUES (?,?,?,'running',?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const double t = unixSeconds();
    s.bind(1, newUuid()).bind(2, exp).bind(3, name).bind(4, t).bind(5, t).bind(6, specJson).bind(7, specSha256);
    s.bind(8, static_cast<long long>(seed)).bind(9, repro.gitCommit).bind(10, repro.trustlabVersion);
    s.bind(11, repro.libtorchVersion).bind(12, repro.qtVersion).bind(13, repro.host).bind(14, hostName());
    s.bind(15, static_cast<long long>(getpid())).bind(16, repro.device).bind(17, static_cast<long long>(repro.threads));
    s.step();
    id = sqlite3_last_insert_rowid(db_);
  });
  return id;
}

void RunStore::logParams(long long run, const std::map<std::string, std::string>& params) {
  inTransaction(db_, [this](const char* sql) { exec(sql); }, [&] {
    Statement s(db_, "INSERT OR REPLACE INTO params(run_id, key, value) VALUES (?,?,?)");
    for (const auto& [k, v] : params) {
      s.bind(1, run).bind(2, k).bind(3, v).step();
      s.reset();
    }
  });
}

void RunStore::setTag(long long run, const std::string& key, const std::string& value) {
  Statement s(db_, "INSERT OR REPLACE INTO tags(run_id, key, value) VALUES (?,?,?)");
  s.bind(1, run).bind(2, key).bind(3, value).step();
}

void RunStore::removeTag(long long run, const std::string& key) {
  Statement s(db_, "DELETE FROM tags WHERE run_id = ? AND key = ?");
  s.bind(1, run).bind(2, key).step();
}

void RunStore::renameRun(long long run, const std::string& name) {
  Statement s(db_, "UPDATE runs SET name = ? WHERE run_id = ?");
  s.bind(1, name).bind(2, run).step();
}

void RunStore::logMetrics(long long run, const std::vector<Metric>& metrics) {
  inTransaction(db_, [this](const char* sql) { exec(sql); }, [&] {
    Statement ins(db_, "INSERT INTO metrics(run_id, key, step, value, is_nan, timestamp) VALUES (?,?,?,?,?,?)");
    Statement latest(db_,
                     "INSERT OR REPLACE INTO latest_metrics(run_id, key, step, value, is_nan, timestamp) "
                     "VALUES (?,?,?,?,?,?)");
    for (auto* st : {&ins, &latest}) {
      for (const auto& m : metrics) {
        st->bind(1, run).bind(2, m.key).bind(3, static_cast<long long>(m.step));
        if (std::isnan(m.value)) st->bindNull(4);
        else st->bind(4, m.value);
        st->bind(5, static_cast<long long>(std::isnan(m.value))).bind(6, m.time).step();
        st->reset();
      }
    }
    Statement hb(db_, "UPDATE runs SET heartbeat = ? WHERE run_id = ?");
    hb.bind(1, unixSeconds()).bind(2, run).step();
  });
}

void RunStore::logLedger(long long run, const LedgerEntry& e) {
  Statement s(db_,
              "INSERT INTO privacy_ledger(run_id, step, noise_multiplier, sample_rate, accountant, epsilon, delta) "
              "VALUES (?,?,?,?,?,?,?)");
  s.bind(1, run).bind(2, static_cast<long long>(e.step)).bind(3, e.noiseMultiplier).bind(4, e.sampleRate);
  s.bind(5, e.accountant).bind(6, e.epsilon).bind(7, e.delta).step();
}

void RunStore::finishRun(long long run, const std::string& status, const std::string& error) {
  Statement s(db_, "UPDATE runs SET status = ?, end_time = ?, error = ? WHERE run_id = ?");
  s.bind(1, status).bind(2, unixSeconds()).bind(3, error).bind(4, run).step();
}

void RunStore::resumeRun(long long run, long step) {
  inTransaction(db_, [this](const char* sql) { exec(sql); }, [&] {
    for (const char* table : {"metrics", "privacy_ledger"}) {
      Statement s(db_, std::string("DELETE FROM ") + table + " WHERE run_id = ? AND step > ?");
      s.bind(1, run).bind(2, static_cast<long long>(step)).step();
    }
    Statement clear(db_, "DELETE FROM latest_metrics WHERE run_id = ?");
    clear.bind(1, run).step();
    // The latest value of each key is its last row by step, then by insertion.
    Statement latest(db_,
                     "INSERT INTO latest_metrics(run_id, key, step, value, is_nan, timestamp) "
                     "SELECT run_id, key, step, value, is_nan, timestamp FROM metrics m WHERE run_id = ?1 AND "
                     "rowid = (SELECT rowid FROM metrics WHERE run_id = ?1 AND key = m.key "
                     "ORDER BY step DESC, rowid DESC LIMIT 1)");
    latest.bind(1, run).step();
    Statement u(db_,
                "UPDATE runs SET status = 'running', end_time = NULL, error = NULL, heartbeat = ?, pid = ?, "
                "hostname = ? WHERE run_id = ?");
    u.bind(1, unixSeconds()).bind(2, static_cast<long long>(getpid())).bind(3, hostName()).bind(4, run).step();
  });
}

void RunStore::deleteRun(long long run) {
  Statement s(db_, "DELETE FROM runs WHERE run_id = ?");
  s.bind(1, run).step();
}

std::vector<RunRecord> RunStore::listRuns(const std::string& filter) const {
  Statement s(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs r JOIN experiments e USING (experiment_id) WHERE ?1 = '' OR r.name LIKE ?2 "
                       "OR e.name LIKE ?2 OR r.status LIKE ?2 OR r.spec_json LIKE ?2 OR CAST(r.run_id AS TEXT) = ?1 "
                       "ORDER BY r.run_id DESC");
  s.bind(1, filter).bind(2, "%" + filter + "%");
  std::vector<RunRecord> runs;
  while (s.step()) runs.push_back(readRun(s));
  for (auto& r : runs) readLatestMetrics(db_, r);
  readParamsAndTags(db_, runs);
  return runs;
}

std::optional<RunRecord> RunStore::run(long long id) const {
  Statement s(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  RunRecord r = readRun(s);
  readLatestMetrics(db_, r);
  Statement p(db_, "SELECT key, value FROM params WHERE run_id = ?");
  p.bind(1, id);
  while (p.step()) r.params[p.text(0)] = p.text(1);
  Statement t(db_, "SELECT key, value FROM tags WHERE run_id = ?");
  t.bind(1, id);
  while (t.step()) r.tags[t.text(0)] = t.text(1);
  return r;
}

std::vector<std::string> RunStore::metricKeys(long long run) const {
  Statement s(db_, "SELECT key FROM latest_metrics WHERE run_id = ? ORDER BY key");
  s.bind(1, run);
  std::vector<std::string> keys;
  while (s.step()) keys.push_back(s.text(0));
  return keys;
}

std::vector<MetricPoint> RunStore::metricHistory(long long run, const std::string& key) const {
  Statement s(db_, "SELECT step, value, is_nan, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid");
  s.bind(1, run).bind(2, key);
  std::vector<MetricPoint> points;
  while (s.step()) points.push_back({long(s.integer(0)), s.integer(2) ? std::nan("") : s.real(1), s.real(3)});
  return points;
}

std::vector<LedgerEntry> RunStore::ledger(long long run) const {
  Statement s(db_,
              "SELECT step, noise_multiplier, sample_rate, epsilon, delta, accountant FROM privacy_ledger "
              "WHERE run_id = ? ORDER BY step, rowid");
  s.bind(1, run);
  std::vector<LedgerEntry> out;
  while (s.step()) out.push_back({long(s.integer(0)), s.real(1), s.real(2), s.real(3), s.real(4), s.text(5)});
  return out;
}

int RunStore::recoverKilledRuns() {
  Statement s(db_, "SELECT run_id, hostname, pid, heartbeat FROM runs WHERE status = 'running'");
  std::vector<long long> dead;
  const std::string here = hostName();
  const double t = unixSeconds();
  while (s.step()) {
    const bool sameHost = s.text(1) == here;
    const bool gone = sameHost ? !processAlive(long(s.integer(2))) : t - s.real(3) > kStaleHeartbeatSeconds;
    if (gone) dead.push_back(s.integer(0));
  }
  for (long long id : dead) {
    Statement u(db_,
                "UPDATE runs SET status = 'killed', end_time = COALESCE(heartbeat, start_time), "
                "error = 'process ended without finishing the run' WHERE run_id = ? AND status = 'running'");
    u.bind(1, id).step();
  }
  return int(dead.size());
}

std::vector<std::string> RunStore::integrityCheck() const {
  std::vector<std::string> problems;
  Statement check(db_, "PRAGMA integrity_check");
  while (check.step()) problems.push_back(check.text(0));
  return problems;
}

}  // namespace trustlab
