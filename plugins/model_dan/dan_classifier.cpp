// Plugin: the deep averaging network ("dan", Iyyer et al. 2015): the mean of the token vectors,
// with word dropout (whole tokens left out of the mean while training), through `layers` ReLU
// layers of `hidden_size` units, then a linear layer. Built from tracked layers, so eDP-SGD
// clips it per example with the built-in gradient rules and no new privacy code.
#include <torch/torch.h>

#include "layers/tracked_layers.h"
#include "models/model_factory.h"
#include "plugins/plugin_api.h"

namespace {

struct DanClassifierOptions {
  DanClassifierOptions(int64_t vocab_size, int64_t num_classes) : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 128;
  TORCH_ARG(int64_t, hidden_size) = 128;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(double, word_dropout) = 0.1;
};

class DanClassifierImpl : public trustlab::TextClassifierImpl {
 public:
  explicit DanClassifierImpl(const DanClassifierOptions& o) : options(o) {
    embedding = register_module("embedding", trustlab::TrackedEmbedding(o.vocab_size(), o.embedding_dim()));
    int64_t width = o.embedding_dim();
    for (int64_t k = 0; k < o.layers(); ++k) {
      hidden.push_back(register_module("hidden" + std::to_string(k), trustlab::TrackedLinear(width, o.hidden_size())));
      width = o.hidden_size();
    }
    output = register_module("output", trustlab::TrackedLinear(width, o.num_classes()));
  }

  torch::Tensor embedTokens(const torch::Tensor& ids) override { return embedding(ids); }

  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) override {
    auto mask = trustlab::tokenMask(lengths, embedded.size(1));
    if (is_training() && options.word_dropout() > 0) {
      // Word dropout; a text that would lose every token keeps them all.
      const auto kept = mask & torch::bernoulli(torch::full(mask.sizes(), 1 - options.word_dropout(),
                                                            torch::TensorOptions().device(mask.device())))
                                   .to(torch::kBool);
      mask = torch::where(kept.any(1, true), kept, mask);
    }
    auto x = trustlab::maskedMean(embedded, mask);
    for (auto& layer : hidden) x = torch::relu(layer(x));
    return output(x);
  }

  torch::Tensor tokenEmbeddingTable() const override { return embedding->weight; }
  // Words are averaged before any layer sees them: a token's state is its vector.
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor&) override { return embedded; }

  DanClassifierOptions options;

 private:
  trustlab::TrackedEmbedding embedding{nullptr};
  std::vector<trustlab::TrackedLinear> hidden;
  trustlab::TrackedLinear output{nullptr};
};
TORCH_MODULE(DanClassifier);

trustlab::TextClassifierPtr makeDan(const trustlab::ModelConfig& c, int64_t vocab, int64_t classes, int64_t) {
  return DanClassifier(DanClassifierOptions(vocab, classes)
                           .embedding_dim(c.embeddingDim)
                           .hidden_size(c.hiddenSize)
                           .layers(c.layers > 0 ? c.layers : 2)
                           .word_dropout(c.dropout))
      .ptr();
}

void registerParts() {
  trustlab::modelRegistry().add(
      {"dan", "deep averaging network: mean of token vectors with word dropout, ReLU layers (Iyyer et al. 2015)"},
      {makeDan, {"embedding_dim", "hidden_size", "layers", "dropout"}, {}});
}

}  // namespace

TRUSTLAB_PLUGIN("Deep averaging network", "the DAN text classifier of Iyyer et al. 2015, trainable with eDP-SGD",
                registerParts)
