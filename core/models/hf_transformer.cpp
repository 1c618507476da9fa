#include "models/hf_transformer.h"

#include <torch/torch.h>

#include <algorithm>

#include "layers/gradient_tape.h"
#include "models/attention.h"
#include "pretrained/hf_weights.h"
#include "pretrained/safetensors.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// Registers `module` at the dotted `path` under `root`, creating the plain modules between (so
/// its parameters are named path.weight, as in the Hugging Face checkpoint).
template <typename Holder>
Holder registerAt(torch::nn::Module& root, const std::string& path, Holder module) {
  const auto parts = split(path, '.');
  torch::nn::Module* parent = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto children = parent->named_children();
    const auto* found = children.find(parts[i]);
    parent = found ? found->get() : parent->register_module(parts[i], std::make_shared<torch::nn::Module>()).get();
  }
  return parent->register_module(parts.back(), module);
}

/// Each family's names for the same parts.
struct HfNames {
  const char *word, *position, *tokenType, *embeddingNorm, *finalNorm;
  const char *block, *query, *key, *value, *qkv, *attentionOut, *norm1, *ffnIn, *ffnOut, *norm2;
};

const HfNames& namesOf(const std::string& modelType) {
  static const HfNames bert{"embeddings.word_embeddings", "embeddings.position_embeddings",
                            "embeddings.token_type_embeddings", "embeddings.LayerNorm", nullptr,
                            "encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value", nullptr,
                            "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                            "output.LayerNorm"};
  static const HfNames distilbert{"embeddings.word_embeddings", "embeddings.position_embeddings", nullptr,
                                  "embeddings.LayerNorm", nullptr, "transformer.layer.", "attention.q_lin",
                                  "attention.k_lin", "attention.v_lin", nullptr, "attention.out_lin", "sa_layer_norm",
                                  "ffn.lin1", "ffn.lin2", "output_layer_norm"};
  static const HfNames gpt2{"wte", "wpe", nullptr, nullptr, "ln_f", "h.", nullptr, nullptr, nullptr, "attn.c_attn",
                            "attn.c_proj", "ln_1", "mlp.c_fc", "mlp.c_proj", "ln_2"};
  if (modelType == "gpt2") return gpt2;
  if (modelType == "distilbert") return distilbert;
  return bert;  // and RoBERTa
}

}  // namespace

HfBody::HfBody(torch::nn::Module& root, const HfConfig& c) : config_(c) {
  const auto& n = namesOf(c.modelType);
  const int64_t D = c.hiddenSize;
  word_ = registerAt(root, n.word, TrackedEmbedding(c.vocabSize, D));
  position_ = registerAt(root, n.position, TrackedEmbedding(c.maxPositions, D));
  if (n.tokenType) tokenType_ = registerAt(root, n.tokenType, TrackedEmbedding(c.typeVocabSize, D));
  if (n.embeddingNorm) embeddingNorm_ = registerAt(root, n.embeddingNorm, TrackedLayerNorm(D, c.layerNormEps));
  for (int64_t l = 0; l < c.layers; ++l) {
    const std::string p = blockPrefix(l);
    Block b;
    if (n.qkv) {
      b.qkv = registerAt(root, p + n.qkv, TrackedLinear(D, 3 * D));
    } else {
      b.query = registerAt(root, p + n.query, TrackedLinear(D, D));
      b.key = registerAt(root, p + n.key, TrackedLinear(D, D));
      b.value = registerAt(root, p + n.value, TrackedLinear(D, D));
    }
    b.attentionOut = registerAt(root, p + n.attentionOut, TrackedLinear(D, D));
    b.norm1 = registerAt(root, p + n.norm1, TrackedLayerNorm(D, c.layerNormEps));
    b.ffnIn = registerAt(root, p + n.ffnIn, TrackedLinear(D, c.intermediateSize));
    b.ffnOut = registerAt(root, p + n.ffnOut, TrackedLinear(c.intermediateSize, D));
    b.norm2 = registerAt(root, p + n.norm2, TrackedLayerNorm(D, c.layerNormEps));
    blocks_.push_back(b);
  }
  if (n.finalNorm) finalNorm_ = registerAt(root, n.finalNorm, TrackedLayerNorm(D, c.layerNormEps));
  hiddenDropout_ = root.register_module("hidden_dropout", torch::nn::Dropout(c.hiddenDropout));
  attentionDropout_ = root.register_module("attention_dropout", torch::nn::Dropout(c.attentionDropout));
}

std::string HfBody::blockPrefix(int64_t layer) const {
  return namesOf(config_.modelType).block + std::to_string(layer) + ".";
}

std::vector<TrackedLinear> HfBody::attentionProjections() const {
  std::vector<TrackedLinear> out;
  for (const auto& b : blocks_)
    for (const auto& layer : {b.query, b.key, b.value, b.qkv})
      if (layer) out.push_back(layer);
  return out;
}

torch::Tensor HfBody::embedTokens(const torch::Tensor& ids) { return word_(ids); }

torch::Tensor HfBody::positionIds(const torch::Tensor& mask) {
  const int64_t B = mask.size(0), T = mask.size(1);
  TORCH_CHECK(T + config_.positionOffset() <= config_.maxPositions, "sequence length ", T, " exceeds the model's ",
              config_.maxPositions, " positions");
  if (config_.modelType == "roberta")  // padding_idx + 1, 2, … at real tokens; padding_idx at padding
    return (mask.to(torch::kLong).cumsum(1) * mask) + config_.padTokenId;
  auto ids = torch::arange(T, torch::TensorOptions(torch::kLong).device(mask.device())).unsqueeze(0);
  // Under a gradient tape each example looks its positions up itself, so its gradient is its own.
  return GradientTape::active() ? ids.expand({B, T}) : ids;
}

torch::Tensor HfBody::activation(const torch::Tensor& x) const {
  if (config_.activation == "gelu_new") return torch::gelu(x, "tanh");
  if (config_.activation == "relu") return torch::relu(x);
  return torch::gelu(x);
}

/// Q, K and V. Separate named layers (BERT family) become one product over their concatenated
/// weights, as PyTorch's in_proj, unless a tape traces each layer's use or one has an adapter.
std::vector<torch::Tensor> HfBody::projections(Block& b, const torch::Tensor& x) {
  if (b.qkv) return b.qkv(x).chunk(3, -1);
  const std::vector<TrackedLinear> layers{b.query, b.key, b.value};
  const bool separate = GradientTape::active() || std::any_of(layers.begin(), layers.end(), [](const TrackedLinear& l) {
                          return l->hasLowRankAdapter() || !l->bias.defined();
                        });
  if (separate) return {b.query(x), b.key(x), b.value(x)};
  return torch::linear(x, torch::cat({b.query->weight, b.key->weight, b.value->weight}),
                       torch::cat({b.query->bias, b.key->bias, b.value->bias}))
      .chunk(3, -1);
}

torch::Tensor HfBody::attention(Block& b, const torch::Tensor& x, const torch::Tensor& allowed) {
  const auto qkv = projections(b, x);
  return b.attentionOut(multiHeadAttention(qkv[0], qkv[1], qkv[2], config_.heads, allowed, attentionDropout_));
}

torch::Tensor HfBody::forwardEmbedded(const torch::Tensor& tokens, const torch::Tensor& mask) {
  const int64_t B = tokens.size(0), T = tokens.size(1);
  auto x = tokens + position_(positionIds(mask));
  if (tokenType_) x = x + tokenType_(torch::zeros({B, T}, torch::TensorOptions(torch::kLong).device(tokens.device())));
  if (embeddingNorm_) x = embeddingNorm_(x);
  x = hiddenDropout_(x);
  auto allowed = mask.view({B, 1, 1, T});
  if (config_.causal()) allowed = allowed & torch::ones({T, T}, mask.options()).tril().view({1, 1, T, T});
  for (auto& b : blocks_) {
    if (config_.causal()) {  // pre-LN
      x = x + hiddenDropout_(attention(b, b.norm1(x), allowed));
      x = x + hiddenDropout_(b.ffnOut(activation(b.ffnIn(b.norm2(x)))));
    } else {  // post-LN
      x = b.norm1(x + hiddenDropout_(attention(b, x, allowed)));
      x = b.norm2(x + hiddenDropout_(b.ffnOut(activation(b.ffnIn(x)))));
    }
  }
  return finalNorm_ ? finalNorm_(x) : x;
}

torch::Tensor HfBody::lmLogits(const torch::Tensor& hidden) {
  TORCH_CHECK(config_.tiedEmbeddings, "a ", config_.modelType, " model has no tied LM head");
  return word_->project(hidden);
}

HfTransformerImpl::HfTransformerImpl(const HfConfig& config) : body(*this, config) { initHfWeights(*this); }

HfTransformer loadHfTransformer(const HfModelFolder& folder, WeightMatch* report) {
  HfTransformer model(folder.settings);
  const auto match = loadHfWeights(*model, folder.settings.modelType, *openHfWeights(folder));
  if (report) *report = match;
  model->eval();
  return model;
}

HfPooling defaultPooling(const HfConfig& config) { return config.causal() ? HfPooling::Last : HfPooling::First; }

HfClassifierImpl::HfClassifierImpl(const HfConfig& c, int64_t classes, HfPooling pooling)
    : body(*this, c), pooling_(pooling) {
  const int64_t D = c.hiddenSize;
  if (c.modelType == "bert") dense_ = registerAt(*this, "pooler.dense", TrackedLinear(D, D));
  if (c.modelType == "distilbert") dense_ = registerAt(*this, "pre_classifier", TrackedLinear(D, D));
  if (c.modelType == "roberta") dense_ = registerAt(*this, "classifier.dense", TrackedLinear(D, D));
  const char* out = c.modelType == "gpt2" ? "score" : c.modelType == "roberta" ? "classifier.out_proj" : "classifier";
  out_ = registerAt(*this, out, TrackedLinear(torch::nn::LinearOptions(D, classes).bias(c.modelType != "gpt2")));
  dropout_ = register_module("head_dropout", torch::nn::Dropout(c.hiddenDropout));
  initHfWeights(*this);
}

std::vector<std::string> HfClassifierImpl::headParameters() const {
  std::vector<std::string> names;
  for (const auto& layer : {dense_, out_})
    if (!layer.is_empty())
      for (const auto& p : named_parameters())
        if (p.value().is_same(layer->weight) || (layer->bias.defined() && p.value().is_same(layer->bias)))
          names.push_back(p.key());
  return names;
}

torch::Tensor HfClassifierImpl::tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  return body.forwardEmbedded(embedded, tokenMask(lengths, embedded.size(1)));
}

torch::Tensor HfClassifierImpl::forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  const int64_t B = embedded.size(0), T = embedded.size(1);
  const auto mask = tokenMask(lengths, T);
  const auto hidden = tokenStates(embedded, lengths);
  torch::Tensor pooled;
  switch (pooling_) {
    case HfPooling::First: pooled = hidden.select(1, 0); break;
    case HfPooling::Mean: pooled = maskedMean(hidden, mask); break;
    case HfPooling::Last:
      pooled = hidden.index({torch::arange(B, lengths.options()), (lengths - 1).to(torch::kLong)});
      break;
  }
  const auto& type = body.config().modelType;
  if (type == "bert") pooled = torch::tanh(dense_(pooled));  // BERT's pooler, then dropout
  if (type == "roberta") pooled = torch::tanh(dense_(dropout_(pooled)));
  if (type == "distilbert") pooled = torch::relu(dense_(pooled));
  return out_(dropout_(pooled));
}

HfTransformer studentOf(const HfTransformerImpl& teacher, int64_t layers) {
  auto config = teacher.body.config();
  const int64_t n = config.layers;
  if (layers < 1 || layers > n)
    throw InputError("distillation", "must be between 1 and the teacher's " + std::to_string(n) + " layers", 0, "student_layers");
  config.layers = layers;
  HfTransformer student(config);
  const auto source = teacher.named_parameters();
  student->to(source.begin()->value().device());
  torch::NoGradGuard noGrad;
  for (auto& p : student->named_parameters()) {
    std::string name = p.key();
    for (int64_t i = 0; i < layers; ++i)
      if (const auto prefix = student->body.blockPrefix(i); name.rfind(prefix, 0) == 0) {
        name = teacher.body.blockPrefix(i * n / layers) + name.substr(prefix.size());
        break;
      }
    p.value().copy_(source[name]);
  }
  return student;
}

void initHfWeights(torch::nn::Module& model) {
  torch::NoGradGuard noGrad;
  for (const auto& m : model.modules(/*include_self=*/false)) {
    if (auto* norm = m->as<TrackedLayerNormImpl>()) {
      norm->weight.fill_(1);
      norm->bias.zero_();
    } else if (auto* linear = m->as<TrackedLinearImpl>()) {
      linear->weight.normal_(0, 0.02);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = m->as<TrackedEmbeddingImpl>()) {
      embedding->weight.normal_(0, 0.02);
    }
  }
}

}  // namespace trustlab
