// core/experiment: the run store, one SQLite file in WAL mode with an MLflow-like schema
// (experiments, runs, params, metrics, latest_metrics, tags) plus reproducibility columns and a
// privacy ledger. Each RunStore owns one connection: use one per thread (WAL lets the GUI read
// while a worker writes). A run left "running" by a dead process is marked "killed" on open.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trustlab {

struct ReproInfo {
  std::string gitCommit, trustlabVersion, libtorchVersion, qtVersion, host, device;
  int threads = 0;
};
/// $TRUSTLAB_STORE, else $XDG_DATA_HOME/trustlab/runs.sqlite (~/.local/share/...); the folder is
/// created. Shared by the GUI and the CLI so both see the same runs.
std::string defaultStorePath();
/// The folder beside the store holding a run's files (checkpoint, ROC curves, federated clients):
/// <store>.artifacts/run-<id>.
std::string runArtifactDir(const std::string& storePath, long long runId);

ReproInfo captureRepro(const std::string& device, int threads, const std::string& qtVersion = {});

struct RunRecord {
  long long id = 0;
  std::string uuid, experiment, name, status;  ///< status: running, finished, failed, killed
  std::string specJson, specSha256, error;
  unsigned long long seed = 0;
  ReproInfo repro;
  long pid = 0;
  double startTime = 0, endTime = 0;  ///< seconds since the Unix epoch; endTime 0 while running
  std::map<std::string, double> latestMetrics;
  std::map<std::string, std::string> params, tags;
  /// The latest value of metric `key`; NaN when the run has none.
  double metric(const std::string& key) const;
};

struct MetricPoint {
  long step = 0;
  double value = 0;
  double time = 0;
};

struct LedgerEntry {
  long step = 0;
  double noiseMultiplier = 0, sampleRate = 0, epsilon = 0, delta = 0;
  std::string accountant;
};

class RunStore {
 public:
  /// Opens or creates `path` (created 0600, util/private_files.h). InputError naming it when the
  /// path cannot be a store (a folder, a missing folder, not a database, a newer schema),
  /// StoreError when the disk fails. A read-only store neither creates, migrates nor recovers:
  /// readers (GUI views) never wait for writers.
  explicit RunStore(const std::string& path, bool readOnly = false);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  long long createRun(const std::string& experiment, const std::string& name, const std::string& specJson,
                      const std::string& specSha256, unsigned long long seed, const ReproInfo& repro);
  void logParams(long long run, const std::map<std::string, std::string>& params);
  void setTag(long long run, const std::string& key, const std::string& value);
  /// Removes a tag (nothing when it is not set).
  void removeTag(long long run, const std::string& key);
  void renameRun(long long run, const std::string& name);

  struct Metric {
    std::string key;
    long step;
    double value, time;
  };
  /// Writes all metrics in one transaction (durable on return) and refreshes the heartbeat.
  void logMetrics(long long run, const std::vector<Metric>& metrics);
  void logLedger(long long run, const LedgerEntry& entry);
  void finishRun(long long run, const std::string& status, const std::string& error = {});
  /// Reopens a stopped or killed run to continue it from `step` in this process: running again,
  /// with the metrics and ledger rows logged after `step` (after the state it resumes from)
  /// dropped, the latest metrics recomputed, and the end time and error cleared.
  void resumeRun(long long run, long step);
  void deleteRun(long long run);

  std::vector<RunRecord> listRuns(const std::string& filter = {}) const;  ///< newest first
  std::optional<RunRecord> run(long long id) const;
  std::vector<std::string> metricKeys(long long run) const;
  std::vector<MetricPoint> metricHistory(long long run, const std::string& key) const;
  std::vector<LedgerEntry> ledger(long long run) const;

  /// Marks runs whose process is gone as killed; returns how many. Called by the constructor.
  int recoverKilledRuns();
  /// SQLite's PRAGMA integrity_check: {"ok"} for a sound store, else the problems it lists.
  std::vector<std::string> integrityCheck() const;

 private:
  void exec(const std::string& sql) const;
  long long experimentId(const std::string& name);
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace trustlab
