#include "data/dataset_registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "data/default_corpus.h"
#include "util/errors.h"
#include "util/paths.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trustlab {

Registry<DatasetFormat>& datasetFormatRegistry() {
  static Registry<DatasetFormat> r("dataset format", "data.format", [](auto& reg) {
    reg.add({"seq-label", "folders train/valid/test with seq.in and label files (Goo et al. 2018)"},
            {[](const std::string& path, const TableColumns&) { return loadSeqLabelSplits(path); }});
    reg.add({"snips-raw", "SNIPS 2017 raw JSON, one folder per intent"},
            {[](const std::string& path, const TableColumns&) { return loadSnipsRaw(path); }});
    const auto clinc = [](bool outOfScope) {
      return [outOfScope](const std::string& path, const TableColumns&) {
        return loadClinc(fs::is_directory(path) ? (fs::path(path) / "data_full.json").string() : path, outOfScope);
      };
    };
    reg.add({"clinc", "CLINC150 JSON (in-scope intents)"}, {clinc(false)});
    reg.add({"clinc-oos", "CLINC150 JSON with out-of-scope as a class"}, {clinc(true)});
    reg.add({"table", "CSV (RFC 4180), TSV or JSONL rows, or a folder of train/valid/test tables"},
            {[](const std::string& path, const TableColumns& columns) { return loadTableDataset(path, columns); }});
  });
  return r;
}

Registry<DatasetSource>& datasetRegistry() {
  static Registry<DatasetSource> r("dataset", "data.dataset", [](auto& reg) {
    reg.add({"default", "generated assistant intents (18), names, gendered words, heavy-tailed users"},
            {"", "", [] { return generateDefaultCorpus(); }});
    const auto files = [&reg](const char* name, const char* description, const char* path, const char* format) {
      reg.add({name, description}, {path, format, nullptr});
    };
    files("snips", "SNIPS 2017, Goo et al. 2018 split (7 intents)", "snips2017/goo2018_split", "seq-label");
    files("snips-raw", "SNIPS 2017 raw JSON with slot entities (7 intents)", "snips2017", "snips-raw");
    files("atis", "ATIS, Goo et al. 2018 split", "atis", "seq-label");
    files("hwu64", "HWU64 (64 intents, DNNC split)", "hwu64", "seq-label");
    files("clinc150", "CLINC150 in-scope (150 intents)", "clinc150/data_full.json", "clinc");
    files("clinc150-oos", "CLINC150 with out-of-scope as a class", "clinc150/data_full.json", "clinc-oos");
    files("banking77", "Banking77 (77 intents)", "banking77", "table");
    files("massive", "MASSIVE en-US intents (60), SetFit JSONL", "massive_en_us", "table");
    files("sst2", "SST-2 binary sentiment", "sst2", "table");
  });
  return r;
}

std::vector<KnownDataset> knownDatasets() {
  std::vector<KnownDataset> all;
  const auto& reg = datasetRegistry();
  for (const auto& item : reg.items()) {
    const auto& source = reg.at(item.name);
    all.push_back({item.name, item.description, source.relativePath, source.format});
  }
  return all;
}

void registerDatasetProvider(const KnownDataset& d, std::function<Dataset()> load) {
  datasetRegistry().add({d.name, d.description}, {d.relativePath, d.format, std::move(load)});
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
  std::string name;
  if (const auto* source = datasetRegistry().find(req.nameOrPath)) {
    if (source->make) return source->make();
    path = knownDatasetPath({req.nameOrPath, "", source->relativePath, source->format});
    if (path.empty())
      throw InputError("dataset", "'" + req.nameOrPath + "' needs " + source->relativePath +
                                      " under the data root (set TRUSTLAB_DATA_DIR; looked in '" + dataRoot() + "')");
    if (format.empty()) format = source->format;
    name = req.nameOrPath;
  }
  if (!fs::exists(path))
    throw InputError(path, "no such dataset name or path (try `trustlab-cli datasets list`)", 0, "dataset");
  if (format.empty()) format = detectFormat(path);
  Dataset d = datasetFormatRegistry().at(format).load(path, req.columns);
  if (!name.empty()) d.name = name;
  if (d.train.empty()) throw InputError(path, "no training examples");
  return d;
}

}  // namespace trustlab
