// Linear: y_t = W a_t + b, so ∂loss_i/∂W = Σ_t g_t a_tᵀ and ∂loss_i/∂b = Σ_t g_t. Either may be
// frozen (undefined in the trace: BitFit trains biases only).
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {

namespace {

/// Whether to form the per-example gradients G_i = Σ_t g_t a_tᵀ [B, d_out, d_in]: one batched
/// product gives both the norm and (weighted by c) the clipped sum, where the ghost norm costs
/// B T² (d_in + d_out) on top of the ordinary weight product B T d_in d_out (mixed ghost clipping,
/// Bu et al. 2022). G is kept when
/// - memory allows: at most twice what the layer already recorded (a and g), so wide layers over
///   short sequences (BERT-base) keep the ghost norm, and
/// - it is cheaper: G's memory traffic (written, then read for the norm and for the sum: 12 bytes
///   an entry) against the ghost norm's T² (d_in + d_out) extra multiply-adds, at 2 of them a byte
///   (per-layer timings on 2 cores, batch 256: at T = 32 a 128 × 128 layer's ghost norm took a
///   third of G's time; at T = 64 a 128 × 512 or 256 × 256 layer's G 0.8–0.9 of the ghost norm's).
bool keepPerExample(const LayerTrace& t) {
  const int64_t T = t.a.size(1), din = t.a.size(2), dout = t.g.size(2);
  constexpr int64_t kMultiplyAddsPerEntry = 24;
  return din * dout <= 2 * T * (din + dout) && kMultiplyAddsPerEntry * din * dout <= T * T * (din + dout);
}

/// ‖Σ_t g_t a_tᵀ‖² per example, the cheapest way; keeps the per-example gradients when allowed.
torch::Tensor weightSquaredNorms(LayerTrace& t) {
  const auto &a = t.a, &g = t.g;
  if (a.size(1) == 1) return a.squeeze(1).pow(2).sum(1) * g.squeeze(1).pow(2).sum(1);
  if (keepPerExample(t)) {
    // A few examples at a time, so that each block's norm is taken while the block is still in
    // cache; on the CPU the blocks shared among the threads (bmm would run them on one).
    const int64_t B = a.size(0), per = g.size(2) * a.size(2), step = std::max<int64_t>(1, (1 << 18) / per);
    t.perExample = torch::empty({B, g.size(2), a.size(2)}, a.options());
    auto norms = torch::empty({B}, a.options());
    const auto blocks = [&](int64_t first, int64_t last) {
      torch::NoGradGuard noGrad;  // out= products, nothing differentiated (grad mode is per thread)
      for (int64_t s = first * step; s < std::min(B, last * step); s += step) {
        const int64_t n = std::min(step, B - s);
        auto block = t.perExample.narrow(0, s, n);
        torch::bmm_out(block, g.narrow(0, s, n).transpose(1, 2), a.narrow(0, s, n));
        auto out = norms.narrow(0, s, n);
        torch::linalg_vector_norm_out(out, block.view({n, per}), 2, {1});  // no squared copy
      }
    };
    const int64_t count = (B + step - 1) / step;
    if (a.device().is_cpu()) at::parallel_for(0, count, 1, blocks);
    else blocks(0, count);
    return norms.pow(2);
  }
  // Ghost norm (Li et al. 2022): ‖Σ_t g_t a_tᵀ‖² = Σ_{t,s} (a_t·a_s)(g_t·g_s).
  const auto ghost = [](const torch::Tensor& inputs, const torch::Tensor& grads) {
    return (torch::bmm(inputs, inputs.transpose(1, 2)) * torch::bmm(grads, grads.transpose(1, 2)))
        .sum(std::vector<int64_t>{1, 2});
  };
  if (!a.device().is_cpu()) return ghost(a, g);
  // On the CPU a block of examples per thread: LibTorch's bmm runs its per-example products one
  // after another on one thread (BLAS stays on the calling thread, see configureThreads).
  const int64_t B = a.size(0);
  auto norms = torch::empty({B}, a.options());
  at::parallel_for(0, B, 1, [&](int64_t begin, int64_t end) {
    torch::NoGradGuard noGrad;  // grad mode is per thread; nothing here is differentiated
    norms.narrow(0, begin, end - begin).copy_(ghost(a.narrow(0, begin, end - begin), g.narrow(0, begin, end - begin)));
  });
  return norms;
}

/// Σ_i c_i x_i for x [B, ·like.shape], in a fresh tensor shaped like `like` (a .grad must not be a view).
torch::Tensor weightedSum(const torch::Tensor& factors, const torch::Tensor& x, const torch::Tensor& like) {
  auto out = torch::empty_like(like);
  auto row = out.view({1, -1});
  torch::mm_out(row, factors.view({1, -1}), x.reshape({x.size(0), -1}));
  return out;
}

}  // namespace

GradRule linearRule() {
  GradRule r;
  r.sequence = asSequence;
  r.addSquaredNorms = [](LayerTrace& t, torch::Tensor& sq) {
    if (t.weight.defined()) sq += weightSquaredNorms(t);
    if (t.bias.defined()) sq += t.g.sum(1).pow(2).sum(1);
  };
  r.writeGradients = [](const LayerTrace& t, const torch::Tensor& factors) {
    const int64_t d = t.g.size(2);
    if (t.weight.defined())
      t.weight.mutable_grad() =
          t.perExample.defined()
              ? weightedSum(factors, t.perExample, t.weight)
              : torch::matmul((t.g * factors).reshape({-1, d}).t(), t.a.reshape({-1, t.a.size(2)}));
    if (t.bias.defined()) t.bias.mutable_grad() = weightedSum(factors, t.g.sum(1), t.bias);
  };
  return r;
}

}  // namespace trustlab
