// fuzz: the run-store opener. Any bytes where a store is expected (a truncated, corrupted or
// foreign SQLite file, or no database at all) give an InputError or StoreError naming the file;
// a store that opens is read as the CLI and the GUI read it (runs, metrics, ledger, ε recomputed,
// integrity), read-only and read-write (which migrates and marks dead runs killed).
// TRUSTLAB_FUZZ_WRITE_SEED=PATH: writes a small valid store there and exits (scripts/fuzz seeds).
#include <cstdlib>
#include <filesystem>

#include "../fuzz_input.h"
#include "store/privacy_ledger.h"
#include "store/run_store.h"
#include "util/errors.h"

namespace {

void writeSeed(const std::string& path) {
  std::filesystem::remove(path);
  trustlab::RunStore store(path);
  const auto spec = R"({"privacy": {"mode": "edp", "noise_multiplier": 1.1}})";
  const long long id = store.createRun("exp", "seed run", spec, "sha", 7, trustlab::captureRepro("cpu", 1));
  store.logParams(id, {{"dataset", "default"}, {"vocab_size", "155"}});
  store.setTag(id, "privacy.caveat.not_secure", "not secure mode");
  for (long step = 10; step <= 30; step += 10) {
    store.logMetrics(id, {{"train/loss", step, 1.0 / double(step), 1.7e9}});
    store.logLedger(id, {step, 1.1, 0.01, 0.1 * double(step), 1e-5, "rdp"});
  }
  store.finishRun(id, "finished");
  const long long failed = store.createRun("exp", "failed run", "{}", "sha", 8, trustlab::captureRepro("cpu", 1));
  store.logMetrics(failed, {{"valid/accuracy", 1, 0.5, 1.7e9}});
  store.finishRun(failed, "failed", "loss is NaN at step 1");
}

void readAll(const trustlab::RunStore& store) {
  for (const auto& r : store.listRuns()) {
    store.run(r.id);
    for (const auto& key : store.metricKeys(r.id)) store.metricHistory(r.id, key);
    if (!store.ledger(r.id).empty()) trustlab::recomputeLedger(store, r.id, "rdp");
  }
  store.integrityCheck();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* seed = std::getenv("TRUSTLAB_FUZZ_WRITE_SEED")) {
    writeSeed(seed);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto dir = trustlab::fuzz::scratch();
  for (const char* extra : {"store.sqlite-wal", "store.sqlite-shm"}) std::filesystem::remove(dir / extra);
  const auto path = trustlab::fuzz::write(dir, "store.sqlite", std::string(reinterpret_cast<const char*>(data), size));
  for (bool readOnly : {true, false}) {
    try {
      readAll(trustlab::RunStore(path, readOnly));
    } catch (const trustlab::InputError&) {
    } catch (const trustlab::StoreError&) {
    }
  }
  return 0;
}
