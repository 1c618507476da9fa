// core/models: the Hugging Face Transformer families TrustLab builds (BERT, DistilBERT, RoBERTa,
// GPT-2) from the tracked layers, so eDP-SGD sees every weight, with every parameter registered
// under the name Hugging Face gives it ("encoder.layer.0.attention.self.query.weight", "h.0.attn.
// c_attn.weight"), so a hub checkpoint loads by name (pretrained/hf_weights.h).
//   BERT, RoBERTa: word + position + token-type embeddings → LayerNorm → post-LN layers
//     (x = LN(x + attention(x)); x = LN(x + FFN(x))), GELU; RoBERTa numbers positions from
//     padding_idx + 1. DistilBERT: the same without token types, with its own names.
//   GPT-2: token + position embeddings → pre-LN causal layers (x += attention(LN(x)); x += FFN(LN(x))),
//     tanh GELU → final LN; the LM head is the token embedding, transposed (tied).
// Devlin et al. 2019; Sanh et al. 2019; Liu et al. 2019; Radford et al. 2019.
#pragma once
#include <torch/nn/modules/dropout.h>

#include <string>
#include <vector>

#include "layers/tracked_layers.h"
#include "models/text_classifier.h"
#include "pretrained/hf_config.h"

namespace trustlab {

/// The network of one family, registered into a module under Hugging Face's names (not itself a
/// module, so that a classifier and a bare model can both hold it at their root, as the hub's base
/// and task checkpoints do).
class HfBody {
 public:
  HfBody(torch::nn::Module& root, const HfConfig& config);
  const HfConfig& config() const { return config_; }

  /// ids [B, T] → token vectors [B, T, D] (the word embedding alone).
  torch::Tensor embedTokens(const torch::Tensor& ids);
  /// Token vectors [B, T, D] and the mask of real tokens [B, T] (bool, right padding) →
  /// last_hidden_state [B, T, D] as Hugging Face defines it (after GPT-2's final LayerNorm).
  torch::Tensor forwardEmbedded(const torch::Tensor& tokens, const torch::Tensor& mask);
  /// GPT-2's LM head: hidden [B, T, D] → logits [B, T, V] through the token embedding (tied; the
  /// tape sees it as a second use of that weight).
  torch::Tensor lmLogits(const torch::Tensor& hidden);
  TrackedEmbedding wordEmbeddings() const { return word_; }
  /// The parameter-name prefix of block `layer` (0-based: "encoder.layer.3."), for the
  /// fine-tuning modes that freeze by layer.
  std::string blockPrefix(int64_t layer) const;
  /// The attention's input projections (query, key, value; GPT-2's fused c_attn), where LoRA goes.
  std::vector<TrackedLinear> attentionProjections() const;
  /// GPT-2's final LayerNorm, or nullptr.
  TrackedLayerNorm finalNorm() const { return finalNorm_; }

 private:
  struct Block {
    TrackedLinear query{nullptr}, key{nullptr}, value{nullptr}, qkv{nullptr};  ///< qkv: GPT-2's fused projection
    TrackedLinear attentionOut{nullptr}, ffnIn{nullptr}, ffnOut{nullptr};
    TrackedLayerNorm norm1{nullptr}, norm2{nullptr};  ///< post-LN: after attention / FFN; GPT-2: before them
  };
  torch::Tensor positionIds(const torch::Tensor& mask);
  torch::Tensor activation(const torch::Tensor& x) const;
  std::vector<torch::Tensor> projections(Block& b, const torch::Tensor& x);
  torch::Tensor attention(Block& b, const torch::Tensor& x, const torch::Tensor& allowed);

  HfConfig config_;
  TrackedEmbedding word_{nullptr}, position_{nullptr}, tokenType_{nullptr};
  TrackedLayerNorm embeddingNorm_{nullptr}, finalNorm_{nullptr};
  std::vector<Block> blocks_;
  torch::nn::Dropout hiddenDropout_{nullptr}, attentionDropout_{nullptr};
};

/// The bare model (Hugging Face's BertModel, GPT2Model; GPT-2's LM head through lmLogits).
class HfTransformerImpl : public torch::nn::Module {
 public:
  explicit HfTransformerImpl(const HfConfig& config);
  /// ids [B, T]; mask [B, T] bool, true at real tokens → last_hidden_state [B, T, D].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) { return body.forwardEmbedded(body.embedTokens(ids), mask); }
  HfBody body;
};
TORCH_MODULE(HfTransformer);

/// How a sequence becomes one vector for classification.
enum class HfPooling { First, Mean, Last };

/// Sequence classification as Hugging Face's XxxForSequenceClassification heads do it, under their
/// names: BERT: pooler (dense + tanh on [CLS]) → classifier; DistilBERT: pre_classifier + ReLU →
/// classifier; RoBERTa: classifier.dense + tanh → classifier.out_proj; GPT-2: score (no bias) on
/// the last real token. `pooling` may replace the family's choice of token by the mean (or the
/// last token).
class HfClassifierImpl : public TextClassifierImpl {
 public:
  HfClassifierImpl(const HfConfig& config, int64_t classes, HfPooling pooling);
  torch::Tensor embedTokens(const torch::Tensor& ids) override { return body.embedTokens(ids); }
  torch::Tensor forwardEmbedded(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  torch::Tensor tokenEmbeddingTable() const override { return body.wordEmbeddings()->weight; }
  torch::Tensor tokenStates(const torch::Tensor& embedded, const torch::Tensor& lengths) override;
  bool causalStates() const override { return body.config().causal(); }
  /// The head's parameters, which a base checkpoint lacks (they start from the initialisation).
  std::vector<std::string> headParameters() const;
  HfBody body;

 private:
  HfPooling pooling_;
  TrackedLinear dense_{nullptr}, out_{nullptr};  ///< dense_: the hidden projection before the output (none for GPT-2)
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(HfClassifier);

/// The family's pooling: First for the encoders, Last for GPT-2.
HfPooling defaultPooling(const HfConfig& config);

/// A model folder's bare model with its weights (float32, CPU); `report`, when given, receives the
/// loading report (what the checkpoint held that the model does not use).
HfTransformer loadHfTransformer(const HfModelFolder& folder, WeightMatch* report = nullptr);

/// A shallower model of the teacher's family and width, initialised from it (DistilBERT, Sanh et al.
/// 2019; DistilGPT-2): its embeddings, final norm and, for student block i of k, teacher block
/// ⌊i·n/k⌋ of n — one of two at half the depth. On the teacher's device. InputError unless
/// 1 ≤ layers ≤ n.
HfTransformer studentOf(const HfTransformerImpl& teacher, int64_t layers);

/// Hugging Face's initialisation (_init_weights): linear and embedding weights N(0, 0.02), biases
/// 0, LayerNorm 1 and 0. For random-weight models of a config's shapes; a checkpoint overwrites it.
void initHfWeights(torch::nn::Module& model);

}  // namespace trustlab
