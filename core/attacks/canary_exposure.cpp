#include "attacks/canary_exposure.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

namespace trustlab {

torch::Tensor canaryLogProbabilities(TextClassifierImpl& model, const EncodedCanary& c, const torch::Tensor& candidates,
                                     const torch::Device& device) {
  torch::NoGradGuard noGrad;
  model.eval();
  const long P = long(c.prefix.size()), L = candidates.size(1), S = long(c.suffix.size()), T = P + L + S;
  const auto prefix = torch::tensor(c.prefix, torch::kLong), suffix = torch::tensor(c.suffix, torch::kLong);
  std::vector<torch::Tensor> out;
  constexpr long kBatch = 4096;
  for (long s = 0; s < candidates.size(0); s += kBatch) {
    const auto part = candidates.narrow(0, s, std::min(kBatch, candidates.size(0) - s));
    const long n = part.size(0);
    const auto ids = torch::cat({prefix.unsqueeze(0).expand({n, P}), part, suffix.unsqueeze(0).expand({n, S})}, 1).to(device);
    const auto lengths = torch::full({n}, T, torch::TensorOptions(torch::kLong).device(device));
    out.push_back(torch::log_softmax(model.forward(ids, lengths).to(torch::kDouble), 1).select(1, c.label).cpu());
  }
  return torch::cat(out);
}

Exposure canaryExposure(TextClassifierImpl& model, const EncodedCanary& c, const torch::Device& device, uint64_t seed,
                        double maxExact, long samples) {
  const long L = long(c.secret.size()), A = long(c.alphabet.size());
  const auto alphabet = torch::tensor(c.alphabet, torch::kLong);
  Exposure e;
  e.candidates = std::pow(double(A), double(L));
  e.exact = e.candidates <= maxExact;
  torch::Tensor positions;  // [N, L] indices into the alphabet
  if (e.exact) {
    // Every secret: position j's digit in base A of the candidate's number.
    const auto n = torch::arange(long(e.candidates), torch::kLong).unsqueeze(1);
    const auto place = torch::pow(torch::full({L}, A, torch::kLong), torch::arange(L - 1, -1, -1, torch::kLong));
    positions = n.div(place, "floor").remainder(A);
  } else {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    positions = torch::randint(0, A, {samples, L}, gen, torch::kLong);
  }
  const auto scores = canaryLogProbabilities(model, c, alphabet.index({positions}), device);
  const double secret =
      canaryLogProbabilities(model, c, torch::tensor(c.secret, torch::kLong).unsqueeze(0), device).item<double>();
  double greater = (scores > secret).sum().item<double>();
  double ties = (scores == secret).sum().item<double>();
  if (e.exact) ties -= 1;  // the secret itself is among the candidates
  const double fraction = (greater + ties / 2) / double(scores.size(0) - (e.exact ? 1 : 0));
  e.rank = 1 + fraction * (e.candidates - 1);
  e.exposure = std::log2(e.candidates) - std::log2(e.rank);
  return e;
}

}  // namespace trustlab
