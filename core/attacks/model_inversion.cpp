#include "attacks/model_inversion.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

namespace trustlab {

InversionResult invertCanary(TextClassifierImpl& model, const EncodedCanary& c, const torch::Device& device,
                             uint64_t seed, const InversionOptions& o) {
  model.eval();  // no dropout: the attacker queries the deployed model
  const long R = o.restarts, P = long(c.prefix.size()), L = long(c.secret.size()), A = long(c.alphabet.size()),
             S = long(c.suffix.size());
  const auto longOnDevice = torch::TensorOptions(torch::kLong).device(device);
  const auto table = model.tokenEmbeddingTable().detach();
  const auto alphabetVectors = table.index_select(0, torch::tensor(c.alphabet, longOnDevice));      // [A, D]
  const auto prefixVectors = table.index_select(0, torch::tensor(c.prefix, longOnDevice)).unsqueeze(0).expand({R, P, -1});
  const auto suffixVectors = table.index_select(0, torch::tensor(c.suffix, longOnDevice)).unsqueeze(0).expand({R, S, -1});
  const auto lengths = torch::full({R}, P + L + S, longOnDevice);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto logits = (0.01 * torch::randn({R, L, A}, gen, torch::kFloat)).to(device).requires_grad_(true);
  torch::optim::Adam opt({logits}, torch::optim::AdamOptions(o.lr));
  for (int step = 0; step < o.steps; ++step) {
    const double t = o.steps > 1 ? double(step) / double(o.steps - 1) : 1.0;
    const double temperature = o.startTemperature * std::pow(o.endTemperature / o.startTemperature, t);
    const auto u = torch::rand({R, L, A}, gen, torch::kFloat).clamp(1e-10, 1 - 1e-7).to(device);
    const auto relaxed = torch::softmax((logits - torch::log(-torch::log(u))) / temperature, -1);  // Gumbel-softmax
    const auto input = torch::cat({prefixVectors, torch::matmul(relaxed, alphabetVectors), suffixVectors}, 1);
    const auto loss = -torch::log_softmax(model.forwardEmbedded(input, lengths), 1).select(1, c.label).sum();
    // Only the relaxed tokens move: gradients for them alone, the model's own stay untouched.
    logits.mutable_grad() = torch::autograd::grad({loss}, {logits})[0];
    opt.step();
  }
  // Read each start off by argmax and keep the one the model likes best.
  const auto alphabet = torch::tensor(c.alphabet, torch::kLong);
  const auto candidates = alphabet.index({logits.detach().argmax(-1).cpu()});  // [R, L]
  const auto best = canaryLogProbabilities(model, c, candidates, device).argmax().item<int64_t>();
  InversionResult r;
  long right = 0;
  for (long j = 0; j < L; ++j) {
    r.recovered.push_back(candidates[best][j].item<int64_t>());
    right += r.recovered.back() == c.secret[size_t(j)];
  }
  r.tokensRecovered = double(right) / double(L);
  r.extracted = right == L;
  return r;
}

}  // namespace trustlab
