#include "audits/audited_run.h"

#include <torch/torch.h>

#include "store/checkpoint.h"
#include "training/metrics.h"
#include "util/errors.h"
#include "util/runtime.h"

namespace trustlab {

AuditedRun loadRunForAudit(const RunStore& store, long long runId) {
  const std::string name = "run " + std::to_string(runId);
  const auto rec = store.run(runId);
  if (!rec) throw InputError(store.path(), "no such run", 0, name);
  const auto it = rec->tags.find("checkpoint");
  if (rec->status != "finished" || it == rec->tags.end())
    throw InputError(store.path(), "the run is " + rec->status + " and has no checkpoint to audit", 0, name);
  auto ck = loadCheckpoint(it->second);
  AuditedRun r{ck.spec, prepareData(ck.spec, &ck.vocabulary), ck.model};
  r.model->to(parseDevice(r.spec.training.device));
  return r;
}

std::vector<double> classProbabilities(const AuditedRun& run, const std::vector<std::string>& texts,
                                       const std::string& label) {
  std::vector<Example> examples;
  for (const auto& t : texts) examples.push_back({t, label, "", "", {}});
  const auto encoded = encodeSplit(examples, run.data.vocabulary, run.data.labelIndex, tokenizerFor(run.spec));
  const auto p = predictProbabilities(*run.model, encoded, 512, parseDevice(run.spec.training.device))
                     .select(1, run.data.labelIndex.at(label))
                     .contiguous();
  return {p.data_ptr<double>(), p.data_ptr<double>() + p.numel()};
}

std::string positiveClassFor(const AuditedRun& run, const std::string& requested) {
  const auto& index = run.data.labelIndex;
  if (!requested.empty()) {
    if (!index.count(requested))
      throw InputError("audit", "'" + requested + "' is not a label of this run", 0, "positive_label");
    return requested;
  }
  for (const char* guess : {"1", "positive", "pos"})
    if (index.count(guess)) return guess;
  throw InputError("audit", "the run's labels have no obvious positive class: name one", 0, "positive_label");
}

}  // namespace trustlab
