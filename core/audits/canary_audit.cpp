#include "audits/canary_audit.h"

#include <algorithm>
#include <chrono>

#include "audits/canary_report.h"
#include "spec/prepared_data.h"
#include "util/errors.h"
#include "util/runtime.h"
#include "util/text.h"

namespace trustlab {

EncodedCanary encodeCanary(const Canary& canary, const ExperimentSpec& spec, const PreparedData& data) {
  EncodedCanary c;
  const auto tokenizer = tokenizerFor(spec);
  auto tokens = canaryTokens(canary.prefix, canary.secret, data.vocabulary, tokenizer);
  c.prefix = std::move(tokens.before);
  c.secret = std::move(tokens.words);
  c.suffix = std::move(tokens.after);
  if (c.prefix.size() + c.secret.size() + c.suffix.size() > tokenizer.maxLength)
    throw InputError("audit.canary_length", "prefix and secret exceed data.max_length: the secret would be cut off");
  // Each symbol as it reads in the secret's place (GPT-2's " 7" is not its "7").
  for (const auto& t : canaryAlphabet(spec.audit.canaryAlphabet))
    c.alphabet.push_back(canaryTokens(canary.prefix, {t}, data.vocabulary, tokenizer).words.front());
  c.label = data.labelIndex.at(canary.label);
  return c;
}

namespace {

/// The recovered secret as text after the prefix (a pretrained tokenizer's tokens decoded).
std::string recoveredWords(const std::vector<long>& ids, const ExperimentSpec& spec, const PreparedData& data) {
  const auto tokenizer = tokenizerFor(spec);
  if (!tokenizer.pretrained.empty()) return " " + trim(sharedPretrainedTokenizer(tokenizer.pretrained)->decode(ids));
  std::string out;
  for (long id : ids) out += " " + data.vocabulary.token(id);
  return out;
}

}  // namespace

CanaryAuditResult auditCanaries(TextClassifierImpl& model, const ExperimentSpec& spec, const PreparedData& data,
                                const InversionOptions& inversion) {
  const auto t0 = std::chrono::steady_clock::now();
  if (data.canaries.empty()) throw InputError("audit.canaries", "this run planted no canaries (set audit.canaries > 0)");
  const auto device = parseDevice(spec.training.device);
  CanaryAuditResult r;
  r.randomGuessTokens = 1.0 / double(canaryAlphabet(spec.audit.canaryAlphabet).size());
  for (size_t k = 0; k < data.canaries.size(); ++k) {
    const auto c = encodeCanary(data.canaries[k], spec, data);
    CanaryReport rep;
    rep.text = data.canaries[k].text();
    rep.exposure = canaryExposure(model, c, device, spec.training.seed + k);
    rep.inversion = invertCanary(model, c, device, spec.training.seed + 31 * k, inversion);
    rep.recoveredText = data.canaries[k].prefix + recoveredWords(rep.inversion.recovered, spec, data);
    r.meanExposure += rep.exposure.exposure;
    r.maxExposure = std::max(r.maxExposure, rep.exposure.exposure);
    r.tokensRecovered += rep.inversion.tokensRecovered;
    r.extractionRate += rep.inversion.extracted ? 1 : 0;
    r.canaries.push_back(std::move(rep));
  }
  const double n = double(r.canaries.size());
  r.meanExposure /= n;
  r.tokensRecovered /= n;
  r.extractionRate /= n;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

Audit canaryAudit() {
  Audit a;
  a.family = AuditFamily::Privacy;
  a.prefix = "audit/canary/";
  a.metrics = [] {
    return std::vector<AuditMetricKey>{{"exposure", "canary exposure", "bits", true},
                                       {"tokens_recovered", "inverted secret tokens", "", true},
                                       {"extracted", "canaries extracted whole", "", false}};
  };
  a.run = [](const AuditedRun& run, const AuditRequest& request) {
    const auto r = auditCanaries(*run.model, run.spec, run.data, optionsOr(request, InversionOptions{}));
    AuditOutcome out;
    out.metrics = {{"exposure", r.meanExposure}, {"tokens_recovered", r.tokensRecovered}, {"extracted", r.extractionRate}};
    out.summary = describeCanaries(r);
    out.json = canaryJson(r);
    out.report = r;
    return out;
  };
  return a;
}

}  // namespace trustlab
