#include "interop/mlflow_export.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "interop/export_files.h"
#include "store/run_tags.h"

namespace trustlab {
namespace {

namespace fs = std::filesystem;

long long millis(double seconds) { return std::llround(seconds * 1000.0); }

/// A YAML single-quoted scalar ('' escapes a quote).
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// MLflow's RunStatus numbers (RUNNING 1, FINISHED 3, FAILED 4, KILLED 5).
int mlflowStatus(const std::string& status) {
  return status == "finished" ? 3 : status == "failed" ? 4 : status == "killed" ? 5 : 1;
}

std::string experimentMeta(const fs::path& folder, int id, const std::string& name, double created) {
  std::ostringstream y;
  y << "artifact_location: " << quoted("file://" + folder.string()) << "\ncreation_time: " << millis(created)
    << "\nexperiment_id: '" << id << "'\nlast_update_time: " << millis(created) << "\nlifecycle_stage: active\nname: "
    << quoted(name) << "\n";
  return y.str();
}

std::string runMeta(const fs::path& folder, const RunRecord& r, const std::string& runId, int experimentId) {
  std::ostringstream y;
  y << "artifact_uri: " << quoted("file://" + (folder / "artifacts").string())
    << "\nend_time: " << (r.endTime > 0 ? std::to_string(millis(r.endTime)) : std::string("null"))
    << "\nentry_point_name: ''\nexperiment_id: '" << experimentId << "'\nlifecycle_stage: active\nrun_id: " << runId
    << "\nrun_name: " << quoted(r.name) << "\nrun_uuid: " << runId
    << "\nsource_name: 'trustlab'\nsource_type: 4\nsource_version: " << quoted(r.repro.gitCommit)
    << "\nstart_time: " << millis(r.startTime) << "\nstatus: " << mlflowStatus(r.status)
    << "\ntags: []\nuser_id: 'trustlab'\n";
  return y.str();
}

/// The run's tags as MLflow knows them: its name, note and source commit under mlflow.*, the
/// rest (the engine's records and the researcher's tags) as they are.
std::map<std::string, std::string> mlflowTags(const RunRecord& r) {
  std::map<std::string, std::string> tags{{"mlflow.runName", r.name}, {"mlflow.source.name", "trustlab"},
                                          {"trustlab.run_id", std::to_string(r.id)},
                                          {"trustlab.spec_sha256", r.specSha256}};
  if (!r.repro.gitCommit.empty()) tags["mlflow.source.git.commit"] = r.repro.gitCommit;
  for (const auto& [k, v] : r.tags) tags[k == kNoteTag ? "mlflow.note.content" : k] = v;
  return tags;
}

}  // namespace

InteropExport exportToMlflow(const RunStore& store, std::vector<long long> runIds, const std::string& dir) {
  const auto runs = runsToExport(store, runIds);
  const fs::path root = fs::absolute(dir);
  std::map<std::string, int> experiments;  // by name: ids 1, 2, … in name order
  std::map<std::string, double> created;
  for (const auto& r : runs) {
    experiments[r.experiment] = 0;
    created[r.experiment] = created.count(r.experiment) ? std::min(created[r.experiment], r.startTime) : r.startTime;
  }
  int next = 1;
  for (auto& [name, id] : experiments) {
    id = next++;
    const fs::path folder = root / std::to_string(id);
    writeExportFile(folder / "meta.yaml", experimentMeta(folder, id, name, created[name]));
  }
  InteropExport out;
  for (const auto& r : runs) {
    std::string runId = r.uuid;
    runId.erase(std::remove(runId.begin(), runId.end(), '-'), runId.end());
    const int experimentId = experiments.at(r.experiment);
    const fs::path folder = root / std::to_string(experimentId) / runId;
    writeExportFile(folder / "meta.yaml", runMeta(folder, r, runId, experimentId));
    for (const auto& [k, v] : r.params) writeExportFile(folder / "params" / keyPath(k), v);
    for (const auto& [k, v] : mlflowTags(r)) writeExportFile(folder / "tags" / keyPath(k), v);
    for (const auto& key : store.metricKeys(r.id)) {
      std::ostringstream lines;
      lines.precision(17);
      for (const auto& p : store.metricHistory(r.id, key)) {
        lines << millis(p.time) << ' ' << p.value << ' ' << p.step << '\n';
        ++out.metricPoints;
      }
      writeExportFile(folder / "metrics" / keyPath(key), lines.str());
    }
    writeExportFile(folder / "artifacts" / "spec.json", r.specJson + "\n");  // what reproduces the run
    out.runs.push_back(folder.string());
  }
  return out;
}

}  // namespace trustlab
