#include "models/lstm.h"

#include <torch/torch.h>

namespace trustlab {

LstmLayerImpl::LstmLayerImpl(const LstmLayerOptions& o) : options(o) {
  const int64_t H = o.hidden_size();
  inputProjection = register_module("input", torch::nn::Linear(o.input_size(), 4 * H));
  hiddenProjection =
      register_module("hidden", torch::nn::Linear(torch::nn::LinearOptions(H, 4 * H).bias(false)));
  // Forget-gate bias 1 (Jozefowicz et al. 2015): remember by default early in training.
  torch::NoGradGuard g;
  inputProjection->bias.narrow(0, H, H).fill_(1.0);
}

torch::Tensor LstmLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1), H = options.hidden_size();
  // All input projections in one matmul; only the recurrent part runs step by step.
  const auto projected = inputProjection(x);  // [B, T, 4H]
  const auto stepMask = mask.unsqueeze(-1);   // [B, T, 1]
  auto h = torch::zeros({B, H}, x.options());
  auto c = torch::zeros({B, H}, x.options());
  std::vector<torch::Tensor> outputs(static_cast<size_t>(T));
  for (int64_t s = 0; s < T; ++s) {
    const int64_t t = options.reverse() ? T - 1 - s : s;
    const auto gates = projected.select(1, t) + hiddenProjection(h);
    const auto chunks = gates.chunk(4, 1);
    const auto i = torch::sigmoid(chunks[0]);
    const auto f = torch::sigmoid(chunks[1]);
    const auto g = torch::tanh(chunks[2]);
    const auto o = torch::sigmoid(chunks[3]);
    const auto cNew = f * c + i * g;
    const auto hNew = o * torch::tanh(cNew);
    const auto m = stepMask.select(1, t);
    c = torch::where(m, cNew, c);
    h = torch::where(m, hNew, h);
    outputs[size_t(t)] = hNew * m;
  }
  return torch::stack(outputs, 1);
}

}  // namespace trustlab
