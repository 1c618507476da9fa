#include "data/dataset_registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <filesystem>

#include "data/default_corpus.h"
#include "util/errors.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trustlab {

namespace {
struct Provider {
  KnownDataset description;
  std::function<Dataset()> load;
};
std::mutex& providersMutex() {
  static std::mutex m;
  return m;
}
std::vector<Provider>& providers() {
  static std::vector<Provider> p;
  return p;
}
}  // namespace

void registerDatasetProvider(const KnownDataset& description, std::function<Dataset()> load) {
  std::lock_guard<std::mutex> lock(providersMutex());
  auto& ps = providers();
  ps.erase(std::remove_if(ps.begin(), ps.end(), [&](const Provider& p) { return p.description.name == description.name; }),
           ps.end());
  ps.push_back({description, std::move(load)});
}

std::vector<KnownDataset> knownDatasets() {
  static const std::vector<KnownDataset> builtIn = {
      {"default", "generated assistant intents (18), names, gendered words, heavy-tailed users", "",
       "generated"},
      {"snips", "SNIPS 2017, Goo et al. 2018 split (7 intents)", "snips2017/goo2018_split", "seq-label"},
      {"snips-raw", "SNIPS 2017 raw JSON with slot entities (7 intents)", "snips2017", "snips-raw"},
      {"atis", "ATIS, Goo et al. 2018 split", "atis", "seq-label"},
      {"hwu64", "HWU64 (64 intents, DNNC split)", "hwu64", "seq-label"},
      {"clinc150", "CLINC150 in-scope (150 intents)", "clinc150/data_full.json", "clinc"},
      {"clinc150-oos", "CLINC150 with out-of-scope as a class", "clinc150/data_full.json", "clinc-oos"},
      {"banking77", "Banking77 (77 intents)", "banking77", "table"},
      {"massive", "MASSIVE en-US intents (60), SetFit JSONL", "massive_en_us", "table"},
      {"sst2", "SST-2 binary sentiment", "sst2", "table"},
  };
  std::vector<KnownDataset> all = builtIn;
  std::lock_guard<std::mutex> lock(providersMutex());
  for (const auto& p : providers()) all.push_back(p.description);
  return all;
}

namespace {
std::string searchUpwards(fs::path start) {
  std::error_code ec;
  start = fs::weakly_canonical(start, ec);
  for (fs::path p = start; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "shared" / "data" / "README.md", ec)) return (p / "shared" / "data").string();
    if (p == p.parent_path()) break;
  }
  return {};
}

std::string executableDir() {
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::string detectFormat(const std::string& path) {
  const fs::path p(path);
  if (fs::is_directory(p)) {
    if (fs::exists(p / "train" / "seq.in")) return "seq-label";
    if (fs::exists(p / "goo2018_split")) return "snips-raw";
    if (fs::exists(p / "data_full.json")) return "clinc";
    return "table";
  }
  if (endsWith(path, ".json")) {
    // CLINC-style files are JSON objects; JSONL rows are handled by the table loader.
    return path.find("data_") != std::string::npos || p.filename() == "clinc.json" ? "clinc" : "table";
  }
  return "table";
}
}  // namespace

std::string dataRoot() {
  if (const char* env = std::getenv("TRUSTLAB_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  if (auto r = searchUpwards(fs::current_path(ec)); !r.empty()) return r;
  return searchUpwards(executableDir());
}

std::string knownDatasetPath(const KnownDataset& d) {
  if (d.relativePath.empty()) return {};
  const auto root = dataRoot();
  if (root.empty()) return {};
  const auto p = fs::path(root) / d.relativePath;
  return fs::exists(p) ? p.string() : std::string();
}

Dataset loadDataset(const DatasetRequest& req) {
  std::string path = req.nameOrPath;
  std::string format = req.format;
  {
    std::lock_guard<std::mutex> lock(providersMutex());
    for (const auto& p : providers())
      if (p.description.name == req.nameOrPath) return p.load();
  }
  std::string name;
  for (const auto& k : knownDatasets()) {
    if (k.name != req.nameOrPath) continue;
    if (k.format == "generated") return generateDefaultCorpus();
    path = knownDatasetPath(k);
    if (path.empty())
      throw InputError("dataset", "'" + k.name + "' needs " + k.relativePath +
                                      " under the data root (set TRUSTLAB_DATA_DIR; looked in '" +
                                      dataRoot() + "')");
    if (format.empty()) format = k.format;
    name = k.name;
  }
  if (!fs::exists(path))
    throw InputError(path, "no such dataset name or path (try `trustlab-cli datasets list`)", 0, "dataset");
  if (format.empty()) format = detectFormat(path);
  Dataset d;
  if (format == "seq-label") d = loadSeqLabelSplits(path);
  else if (format == "snips-raw") d = loadSnipsRaw(path);
  else if (format == "clinc" || format == "clinc-oos") {
    const auto file = fs::is_directory(path) ? (fs::path(path) / "data_full.json").string() : path;
    d = loadClinc(file, format == "clinc-oos");
  } else if (format == "table") d = loadTableDataset(path, req.columns);
  else throw InputError("dataset.format", "unknown format '" + format +
                                                  "' (seq-label, snips-raw, clinc, clinc-oos, table)");
  if (!name.empty()) d.name = name;
  if (d.train.empty()) throw InputError(path, "no training examples");
  return d;
}

}  // namespace trustlab
