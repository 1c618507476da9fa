#include "privacy/per_example_clipping.h"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "privacy/gradient_tape.h"

namespace trustlab {
namespace {

using Kind = TapeRecord::Kind;

/// All calls of one layer, each as [B, T_call, ·] (2-D calls get T = 1), concatenated in time.
struct LayerCalls {
  Kind kind;
  torch::Tensor weight, bias;
  std::vector<torch::Tensor> inputs, grads;
};

torch::Tensor asSequence(const torch::Tensor& t, int64_t batch) {
  return t.dim() == 2 && t.size(0) == batch ? t.unsqueeze(1) : t.reshape({batch, -1, t.size(-1)});
}

/// Squared per-example norms [B] of a Linear weight's gradient Σ_t g_t a_tᵀ, and of its bias.
void linearNorms(const torch::Tensor& a, const torch::Tensor& g, bool hasBias, torch::Tensor& sq) {
  const int64_t T = a.size(1), din = a.size(2), dout = g.size(2);
  if (T == 1) {
    sq += a.squeeze(1).pow(2).sum(1) * g.squeeze(1).pow(2).sum(1);
  } else if (T * T <= din * dout) {
    // Ghost norm: ‖Σ_t g_t a_tᵀ‖² = Σ_{t,s} (a_t·a_s)(g_t·g_s).
    sq += (torch::bmm(a, a.transpose(1, 2)) * torch::bmm(g, g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
  } else {
    sq += torch::bmm(g.transpose(1, 2), a).pow(2).sum(std::vector<int64_t>{1, 2});
  }
  if (hasBias) sq += g.sum(1).pow(2).sum(1);
}

/// Squared per-example norms of an embedding gradient: rows of equal token ids add up, so
/// ‖·‖² = Σ_{t,s} [id_t = id_s] (g_t·g_s), computed per example without a B×V×D tensor.
void embeddingNorms(const torch::Tensor& ids, const torch::Tensor& g, torch::Tensor& sq) {
  const auto same = (ids.unsqueeze(2) == ids.unsqueeze(1)).to(g.scalar_type());
  sq += (same * torch::bmm(g, g.transpose(1, 2))).sum(std::vector<int64_t>{1, 2});
}

}  // namespace

torch::Tensor clippingFactors(const torch::Tensor& norms, const ClippingConfig& c) {
  if (c.mode == "auto") return c.clipNorm / (norms + c.stability);
  // flat, and per layer (called with one layer's norms and its share of C)
  return (c.clipNorm / (norms + 1e-6)).clamp_max(1.0);
}

ClippedGradients clippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config) {
  const int64_t B = batch.ids.size(0);
  GradientTape tape;
  torch::Tensor losses;
  long correct = 0;
  {
    TapeScope scope(tape);
    const auto logits = model.forward(batch.ids, batch.lengths);
    losses = torch::nn::functional::cross_entropy(logits, batch.labels,
                                                  torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    correct = (logits.argmax(1) == batch.labels).sum().item<int64_t>();
  }
  // Group calls by layer, in first-call order (an LSTM cell is called once per time step).
  std::vector<const torch::nn::Module*> order;
  std::map<const torch::nn::Module*, LayerCalls> layers;
  std::vector<torch::Tensor> outputs;
  for (const auto& r : tape.records()) {
    auto [it, fresh] = layers.try_emplace(r.module, LayerCalls{r.kind, r.weight, r.bias, {}, {}});
    if (fresh) order.push_back(r.module);
    it->second.inputs.push_back(r.input);
    outputs.push_back(r.output);
  }
  const auto grads = torch::autograd::grad({losses.sum()}, outputs, {}, /*retain_graph=*/false, false,
                                           /*allow_unused=*/true);
  size_t k = 0;
  for (const auto& r : tape.records()) {
    auto g = grads[k++];
    layers.at(r.module).grads.push_back(g.defined() ? g : torch::zeros_like(r.output));
  }
  // Every trainable parameter must be covered by the tape.
  std::set<const void*> covered;
  for (auto& [m, l] : layers) {
    covered.insert(l.weight.unsafeGetTensorImpl());
    if (l.bias.defined()) covered.insert(l.bias.unsafeGetTensorImpl());
  }
  for (const auto& p : model.named_parameters())
    if (p.value().requires_grad() && !covered.count(p.value().unsafeGetTensorImpl()))
      throw std::logic_error("parameter '" + p.key() + "' is not in a tracked layer: it would escape clipping");

  // Concatenate each layer's calls along time: [B, ΣT, ·].
  struct Stacked {
    LayerCalls* layer;
    torch::Tensor a, g;
  };
  std::vector<Stacked> stacked;
  for (const auto* m : order) {
    auto& l = layers.at(m);
    std::vector<torch::Tensor> a, g;
    for (size_t i = 0; i < l.inputs.size(); ++i) {
      g.push_back(asSequence(l.grads[i], B));
      a.push_back(l.kind == Kind::Embedding ? l.inputs[i].reshape({B, -1}) : asSequence(l.inputs[i], B));
    }
    stacked.push_back({&l, torch::cat(a, 1), torch::cat(g, 1)});
  }

  // Squared per-example norm of each layer's gradient, [B] per layer.
  std::vector<torch::Tensor> layerSq;
  for (const auto& s : stacked) {
    auto sq = torch::zeros({B}, batch.ids.options().dtype(grads.front().scalar_type()));
    switch (s.layer->kind) {
      case Kind::Linear: linearNorms(s.a, s.g, s.layer->bias.defined(), sq); break;
      case Kind::Embedding: embeddingNorms(s.a, s.g, sq); break;
      case Kind::LayerNorm:
        sq += (s.g * s.a).sum(1).pow(2).sum(1) + s.g.sum(1).pow(2).sum(1);
        break;
    }
    layerSq.push_back(sq);
  }
  ClippedGradients out;
  out.perExampleNorms = torch::stack(layerSq).sum(0).sqrt();
  out.loss = losses.sum().detach();
  out.examples = B;
  out.correct = correct;
  const auto global = clippingFactors(out.perExampleNorms, config).view({B, 1, 1});
  ClippingConfig perLayer = config;
  perLayer.clipNorm = config.clipNorm / std::sqrt(double(stacked.size()));

  // Book-keeping: the clipped sum is the ordinary gradient formula with re-weighted g.
  torch::NoGradGuard noGrad;
  for (size_t l = 0; l < stacked.size(); ++l) {
    const auto& s = stacked[l];
    const auto c = config.mode == "per_layer" ? clippingFactors(layerSq[l].sqrt(), perLayer).view({B, 1, 1}) : global;
    const auto cg = s.g * c;
    const int64_t d = cg.size(2);
    torch::Tensor w, b;
    switch (s.layer->kind) {
      case Kind::Linear:
        w = torch::matmul(cg.reshape({-1, d}).t(), s.a.reshape({-1, s.a.size(2)}));
        if (s.layer->bias.defined()) b = cg.sum(std::vector<int64_t>{0, 1});
        break;
      case Kind::Embedding:
        w = torch::zeros_like(s.layer->weight).index_add_(0, s.a.reshape({-1}), cg.reshape({-1, d}));
        break;
      case Kind::LayerNorm:
        w = (cg * s.a).sum(std::vector<int64_t>{0, 1});
        b = cg.sum(std::vector<int64_t>{0, 1});
        break;
    }
    s.layer->weight.mutable_grad() = w;
    if (b.defined()) s.layer->bias.mutable_grad() = b;
  }
  return out;
}

ClippedGradients naiveClippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config) {
  const int64_t B = batch.ids.size(0);
  auto named = model.named_parameters();
  auto params = model.parameters();
  // Layer of each parameter: its name without the last component ("layers.0.ffn_in.weight" → …ffn_in).
  std::vector<std::string> layerOf;
  std::set<std::string> layerNames;
  for (const auto& p : named) {
    layerOf.push_back(p.key().substr(0, p.key().rfind('.')));
    layerNames.insert(layerOf.back());
  }
  ClippingConfig perLayer = config;
  perLayer.clipNorm = config.clipNorm / std::sqrt(double(layerNames.size()));
  std::vector<torch::Tensor> sums;
  for (const auto& p : params) sums.push_back(torch::zeros_like(p));
  ClippedGradients out;
  out.perExampleNorms = torch::zeros({B}, torch::TensorOptions().dtype(torch::kFloat).device(batch.ids.device()));
  double lossSum = 0;
  for (int64_t i = 0; i < B; ++i) {
    const auto len = batch.lengths[i].item<int64_t>();
    // The example alone, without the batch's padding (its gradient must not depend on it).
    const auto ids = batch.ids.narrow(0, i, 1).narrow(1, 0, len);
    const auto logits = model.forward(ids, batch.lengths.narrow(0, i, 1));
    const auto loss = torch::nn::functional::cross_entropy(logits, batch.labels.narrow(0, i, 1));
    out.correct += (logits.argmax(1) == batch.labels.narrow(0, i, 1)).sum().item<int64_t>();
    const auto g = torch::autograd::grad({loss}, params, {}, false, false, /*allow_unused=*/true);
    auto sq = torch::zeros({}, out.perExampleNorms.options());
    for (const auto& t : g)
      if (t.defined()) sq += t.pow(2).sum();
    const auto norm = sq.sqrt();
    out.perExampleNorms[i] = norm;
    const auto factor = clippingFactors(norm, config);
    std::map<std::string, torch::Tensor> layerSq;
    for (size_t k = 0; k < params.size(); ++k) {
      auto& acc = layerSq[layerOf[k]];
      const auto contribution = g[k].defined() ? g[k].pow(2).sum() : torch::zeros({}, norm.options());
      acc = acc.defined() ? acc + contribution : contribution;
    }
    for (size_t k = 0; k < params.size(); ++k) {
      if (!g[k].defined()) continue;
      const auto f = config.mode == "per_layer" ? clippingFactors(layerSq[layerOf[k]].sqrt(), perLayer) : factor;
      sums[k] += f * g[k];
    }
    lossSum += loss.item<double>();
  }
  for (size_t k = 0; k < params.size(); ++k) params[k].mutable_grad() = sums[k];
  out.loss = torch::tensor(lossSum);
  out.examples = B;
  return out;
}

}  // namespace trustlab
