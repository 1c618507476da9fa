#include "audits/weat_audit.h"

#include <torch/torch.h>

#include "audits/weat_report.h"
#include "util/errors.h"

namespace trustlab {

EmbeddingWeatReport auditWeat(const AuditedRun& run, const WeatTest& test, const WeatAuditOptions& options) {
  EmbeddingWeatReport r;
  r.test = test;
  const auto table = run.model->tokenEmbeddingTable().detach().to(torch::kCPU, torch::kDouble);
  const auto tokenizer = tokenizerFor(run.spec);
  const auto encode = [&](const WeatSet& set) {
    std::vector<torch::Tensor> rows;
    for (const auto& e : set.examples) {
      // A word's vector: the mean of its tokens' rows (a pretrained tokenizer's subword pieces,
      // without the model's special tokens; a word-level vocabulary's unknown words are dropped).
      std::vector<long> known;
      for (const auto& token : tokenize(e, tokenizer)) {
        const long id = run.data.vocabulary.id(token);
        if (!tokenizer.pretrained.empty() || id != Vocabulary::kUnk) known.push_back(id);
      }
      if (known.empty()) {
        r.dropped.push_back(e);
        continue;
      }
      rows.push_back(table.index_select(0, torch::tensor(known, torch::kLong)).mean(0));
    }
    if (rows.empty())
      throw InputError(test.name, "none of the " + set.category + " examples has a token in the run's vocabulary");
    return torch::stack(rows);
  };
  r.result = weat(encode(test.targ1), encode(test.targ2), encode(test.attr1), encode(test.attr2), options.samples,
                  options.seed);
  return r;
}

Audit weatAudit() {
  Audit a;
  a.family = AuditFamily::Fairness;
  a.prefix = "fairness/weat/{scope}/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"effect_size", "WEAT effect size ({scope})", "", true},
                                       {"p_value", "WEAT p-value ({scope})", "", false}};
  };
  a.argument.kind = AuditArgument::File;
  a.argument.help = "WEAT/SEAT test (sent-bias format)";
  a.argument.fileFilter = "Association tests (*.jsonl *.json)";
  a.argument.dataFolder = "weat_seat";
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    const auto r = auditWeat(run, loadWeatTest(request.argument), optionsOr(request, WeatAuditOptions{}));
    AuditOutcome out;
    out.scope = r.test.name.substr(0, r.test.name.find('.'));
    out.metrics = {{"effect_size", r.result.effectSize}, {"p_value", r.result.pValue}};
    out.summary = describeWeat(r);
    out.json = weatJson(r);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
