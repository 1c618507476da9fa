#include "privacy/per_example_clipping.h"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "layers/gradient_tape.h"
#include "privacy/grad_rules/grad_rule.h"

namespace trustlab {
namespace {

/// All calls of one kind on one layer, in call order (an LSTM cell is called once per time step).
struct LayerCalls {
  const GradRule* rule;
  torch::Tensor weight, bias;
  std::vector<torch::Tensor> inputs, grads;
};

/// Calls concatenated along time, [B, ΣT, ·]; a single call as it is (no copy).
torch::Tensor alongTime(const std::vector<torch::Tensor>& calls) {
  return calls.size() == 1 ? calls.front() : torch::cat(calls, 1);
}

/// One layer's weight seen through each kind of use: one use, or two when it is tied (GPT-2's token
/// embedding is also its LM head), whose per-example gradients add.
struct LayerUses {
  std::vector<std::pair<const GradRule*, LayerTrace>> uses;
  std::vector<std::string> kinds;

  torch::Tensor squaredNorms(int64_t B, const torch::TensorOptions& options) {
    auto sq = torch::zeros({B}, options);
    for (auto& [rule, trace] : uses) rule->addSquaredNorms(trace, sq);
    if (uses.size() == 1) return sq;
    const bool lookupsFirst = kinds[0] == "embedding";
    if (uses.size() != 2 || kinds[lookupsFirst ? 1 : 0] != "linear" || kinds[lookupsFirst ? 0 : 1] != "embedding")
      throw std::logic_error("a layer used as " + kinds[0] + " and " + kinds[1] + ": no rule for the tied gradient");
    addTiedEmbeddingCrossTerm(uses[lookupsFirst ? 0 : 1].second, uses[lookupsFirst ? 1 : 0].second, sq);
    return sq;
  }
  /// Writes the clipped gradient sum of every use, added up on a tied weight.
  void writeGradients(const torch::Tensor& factors) const {
    if (uses.size() == 1) {
      uses.front().first->writeGradients(uses.front().second, factors);
      return;
    }
    torch::Tensor total;
    for (const auto& [rule, trace] : uses) {
      rule->writeGradients(trace, factors);
      total = total.defined() ? total + trace.weight.grad() : trace.weight.grad();
    }
    uses.front().second.weight.mutable_grad() = total;
  }
};

}  // namespace

Registry<ClippingMode>& clippingModeRegistry() {
  static Registry<ClippingMode> r("clipping mode", "privacy.clipping", [](auto& reg) {
    const auto flat = [](const torch::Tensor& norms, double clip, double) {
      return (clip / (norms + 1e-6)).clamp_max(1.0);
    };
    reg.add({"flat", "one bound C on each example's whole gradient: c_i = min(1, C/‖g_i‖)"}, {flat, false});
    reg.add({"per_layer", "each of the L layers clipped to C/√L separately"}, {flat, true});
    reg.add({"auto", "automatic clipping (Bu et al. 2022): c_i = C/(‖g_i‖ + γ), no C to tune"},
            {[](const torch::Tensor& norms, double clip, double stability) { return clip / (norms + stability); },
             false});
  });
  return r;
}

torch::Tensor clippingFactors(const torch::Tensor& norms, const ClippingConfig& c) {
  return clippingModeRegistry().at(c.mode).factors(norms, c.clipNorm, c.stability);
}

ClippedGradients clippedGradientSum(torch::nn::Module& model, int64_t B, const ExampleLossFn& loss,
                                    const ClippingConfig& config) {
  GradientTape tape;
  ExampleLosses scored;
  {
    TapeScope scope(tape);
    scored = loss(0, B);
  }
  const auto& losses = scored.losses;
  // Group calls by layer and kind of use, in first-call order.
  using Key = std::pair<const torch::nn::Module*, std::string>;
  std::vector<Key> order;
  std::map<Key, LayerCalls> calls;
  std::vector<torch::Tensor> outputs;
  for (const auto& r : tape.records()) {
    const Key key{r.module, r.kind};
    // A frozen weight or bias (fine-tuning) has no gradient to clip: the rule sees it undefined.
    const auto trained = [](const torch::Tensor& p) { return p.defined() && p.requires_grad() ? p : torch::Tensor(); };
    auto [it, fresh] =
        calls.try_emplace(key, LayerCalls{&gradRuleRegistry().at(r.kind), trained(r.weight), trained(r.bias), {}, {}});
    if (fresh) order.push_back(key);
    it->second.inputs.push_back(r.input);
    outputs.push_back(r.output);
  }
  const auto grads = torch::autograd::grad({losses.sum()}, outputs, {}, /*retain_graph=*/false, false,
                                           /*allow_unused=*/true);
  size_t k = 0;
  for (const auto& r : tape.records()) {
    auto g = grads[k++];
    calls.at({r.module, r.kind}).grads.push_back(g.defined() ? g : torch::zeros_like(r.output));
  }
  // Every trainable parameter must be covered by the tape.
  std::set<const void*> covered;
  for (auto& [key, l] : calls)
    for (const auto& p : {l.weight, l.bias})
      if (p.defined()) covered.insert(p.unsafeGetTensorImpl());
  for (const auto& p : model.named_parameters())
    if (p.value().requires_grad() && !covered.count(p.value().unsafeGetTensorImpl()))
      throw std::logic_error("parameter '" + p.key() + "' is not in a tracked layer: it would escape clipping");

  // Each kind of use of a layer: its calls concatenated along time, [B, ΣT, ·].
  std::vector<const torch::nn::Module*> layerOrder;
  std::map<const torch::nn::Module*, LayerUses> layers;
  for (const auto& key : order) {
    auto& l = calls.at(key);
    std::vector<torch::Tensor> a, g;
    for (size_t i = 0; i < l.inputs.size(); ++i) {
      g.push_back(asSequence(l.grads[i], B));
      a.push_back(l.rule->sequence(l.inputs[i], B));
    }
    auto [it, fresh] = layers.try_emplace(key.first);
    if (fresh) layerOrder.push_back(key.first);
    it->second.uses.push_back({l.rule, LayerTrace{alongTime(a), alongTime(g), l.weight, l.bias}});
    it->second.kinds.push_back(key.second);
  }

  // Squared per-example norm of each layer's gradient, [B] per layer.
  const auto options = torch::TensorOptions().dtype(grads.front().scalar_type()).device(losses.device());
  std::vector<torch::Tensor> layerSq;
  for (const auto* m : layerOrder) layerSq.push_back(layers.at(m).squaredNorms(B, options));
  ClippedGradients out;
  out.perExampleNorms = torch::stack(layerSq).sum(0).sqrt();
  out.loss = losses.sum().detach();
  out.examples = B;
  out.correct = scored.correct;
  const auto global = clippingFactors(out.perExampleNorms, config).view({B, 1, 1});
  const bool perLayerMode = clippingModeRegistry().at(config.mode).perLayer;
  ClippingConfig perLayer = config;
  perLayer.clipNorm = config.clipNorm / std::sqrt(double(layerOrder.size()));

  // Book-keeping: the clipped sum is the ordinary gradient formula with re-weighted g.
  torch::NoGradGuard noGrad;
  for (size_t l = 0; l < layerOrder.size(); ++l) {
    const auto c = perLayerMode ? clippingFactors(layerSq[l].sqrt(), perLayer).view({B, 1, 1}) : global;
    layers.at(layerOrder[l]).writeGradients(c);
  }
  return out;
}

ClippedGradients naiveClippedGradientSum(torch::nn::Module& model, int64_t B, const ExampleLossFn& exampleLoss,
                                         const ClippingConfig& config) {
  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (const auto& p : model.named_parameters())
    if (p.value().requires_grad()) named.emplace_back(p.key(), p.value());
  std::vector<torch::Tensor> params;
  for (const auto& [name, p] : named) params.push_back(p);
  // Layer of each parameter: its name without the last component ("layers.0.ffn_in.weight" → …ffn_in).
  std::vector<std::string> layerOf;
  std::set<std::string> layerNames;
  for (const auto& [name, p] : named) {
    layerOf.push_back(name.substr(0, name.rfind('.')));
    layerNames.insert(layerOf.back());
  }
  const bool perLayerMode = clippingModeRegistry().at(config.mode).perLayer;
  ClippingConfig perLayer = config;
  perLayer.clipNorm = config.clipNorm / std::sqrt(double(layerNames.size()));
  std::vector<torch::Tensor> sums;
  for (const auto& p : params) sums.push_back(torch::zeros_like(p));
  ClippedGradients out;
  double lossSum = 0;
  for (int64_t i = 0; i < B; ++i) {
    const auto scored = exampleLoss(i, 1);
    const auto loss = scored.losses.sum();
    if (i == 0)
      out.perExampleNorms = torch::zeros({B}, torch::TensorOptions().dtype(torch::kFloat).device(loss.device()));
    out.correct += scored.correct;
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
      const auto f = perLayerMode ? clippingFactors(layerSq[layerOf[k]].sqrt(), perLayer) : factor;
      sums[k] += f * g[k];
    }
    lossSum += loss.item<double>();
  }
  for (size_t k = 0; k < params.size(); ++k) params[k].mutable_grad() = sums[k];
  out.loss = torch::tensor(lossSum);
  out.examples = B;
  return out;
}

ExampleLossFn classifierLoss(TextClassifierImpl& model, const Batch& batch) {
  return [&model, &batch](int64_t first, int64_t count) {
    auto ids = batch.ids.narrow(0, first, count);
    const auto lengths = batch.lengths.narrow(0, first, count);
    const auto labels = batch.labels.narrow(0, first, count);
    if (count == 1) ids = ids.narrow(1, 0, lengths[0].item<int64_t>());  // alone, without padding
    const auto logits = model.forward(ids, lengths);
    namespace F = torch::nn::functional;
    return ExampleLosses{F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().reduction(torch::kNone)),
                         long((logits.argmax(1) == labels).sum().item<int64_t>())};
  };
}

ClippedGradients clippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config) {
  return clippedGradientSum(model, batch.ids.size(0), classifierLoss(model, batch), config);
}

ClippedGradients naiveClippedGradientSum(TextClassifierImpl& model, const Batch& batch, const ClippingConfig& config) {
  return naiveClippedGradientSum(model, batch.ids.size(0), classifierLoss(model, batch), config);
}

}  // namespace trustlab
