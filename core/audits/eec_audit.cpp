#include "audits/eec_audit.h"

#include "audits/eec_report.h"
#include "data/dataset_registry.h"
#include "util/errors.h"

namespace trustlab {

EecAuditReport auditEec(const AuditedRun& run, const std::string& eecPath, const std::string& positiveLabel) {
  const auto sentences = loadEec(eecPath);
  std::vector<std::string> texts;
  for (const auto& s : sentences) texts.push_back(s.sentence);
  return {eecGenderGap(sentences, classProbabilities(run, texts, positiveLabel)), positiveLabel};
}

Audit eecAudit() {
  Audit a;
  a.family = AuditFamily::Fairness;
  a.prefix = "fairness/eec/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"mean_difference", "EEC female − male", "", true},
                                       {"p_value", "EEC p-value", "", false}};
  };
  a.argument.kind = AuditArgument::File;
  a.argument.help = "Equity Evaluation Corpus (Equity-Evaluation-Corpus.csv)";
  a.argument.fileFilter = "CSV files (*.csv)";
  a.argument.dataFolder = "eec";
  a.argument.defaultValue = [](const AuditedRun&) {
    const auto root = dataRoot();
    if (root.empty())
      throw InputError("eec", "no data root (TRUSTLAB_DATA_DIR): give the EEC corpus (Equity-Evaluation-Corpus.csv)");
    return root + "/eec/Equity-Evaluation-Corpus.csv";
  };
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    const auto r = auditEec(run, request.argument, positiveClassFor(run, request.positiveLabel));
    AuditOutcome out;
    out.metrics = {{"mean_difference", r.gap.overall.meanDifference}, {"p_value", r.gap.overall.pValue}};
    out.summary = describeEec(r);
    out.json = eecJson(r);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
