#include "models/lstm.h"

#include <torch/torch.h>

namespace trustlab {

LstmLayerImpl::LstmLayerImpl(const LstmLayerOptions& o) : options(o) {
  const int64_t H = o.hidden_size();
  inputProjection = register_module("input", TrackedLinear(o.input_size(), 4 * H));
  hiddenProjection =
      register_module("hidden", TrackedLinear(torch::nn::LinearOptions(H, 4 * H).bias(false)));
  // Forget-gate bias 1 (Jozefowicz et al. 2015): remember by default early in training.
  torch::NoGradGuard g;
  inputProjection->bias.narrow(0, H, H).fill_(1.0);
}

torch::Tensor LstmLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1), H = options.hidden_size();
  // The reverse direction reads each sequence backwards *within its length* (a gather, as packed
  // sequences do), so both directions run the same unmasked recursion: with right padding, the
  // states reached after a sequence's end are never read.
  torch::Tensor order;
  torch::Tensor input = x;
  if (options.reverse()) {
    const auto lengths = mask.sum(1, /*keepdim=*/true);
    const auto t = torch::arange(T, lengths.options()).unsqueeze(0).expand({B, T});
    order = torch::where(t < lengths, lengths - 1 - t, t);
    input = x.gather(1, order.unsqueeze(-1).expand({B, T, x.size(2)}));
  }
  // All input projections in one matmul; only the recurrent part runs step by step.
  // unbind, not select(1, t): select's backward would materialise a zero [B, T, 4H] gradient per
  // step (quadratic in T); unbind's backward stacks the T step gradients once.
  const auto projected = inputProjection(input).unbind(1);  // T × [B, 4H], gates i, f, o, g
  auto h = torch::zeros({B, H}, x.options());
  auto c = torch::zeros({B, H}, x.options());
  std::vector<torch::Tensor> outputs(static_cast<size_t>(T));
  for (int64_t t = 0; t < T; ++t) {
    // split/chunk (not narrow): their backward concatenates instead of zero-filling per slice.
    const auto gates = (projected[size_t(t)] + hiddenProjection(h)).split_with_sizes({3 * H, H}, 1);
    const auto ifo = torch::sigmoid(gates[0]).chunk(3, 1);
    const auto g = torch::tanh(gates[1]);
    c = ifo[1] * c + ifo[0] * g;
    h = ifo[2] * torch::tanh(c);
    outputs[size_t(t)] = h;
  }
  auto out = torch::stack(outputs, 1);
  if (options.reverse()) out = out.gather(1, order.unsqueeze(-1).expand({B, T, H}));
  return out * mask.unsqueeze(-1).to(out.scalar_type());
}

}  // namespace trustlab
