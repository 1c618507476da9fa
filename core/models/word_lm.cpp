#include "models/word_lm.h"

#include <torch/torch.h>

#include "util/errors.h"

namespace trustlab {

WordLmImpl::WordLmImpl(const WordLmOptions& o) : options(o) {
  tokens = register_module("tokens", torch::nn::Embedding(o.vocab_size(), o.dim()));
  positions = register_module("positions", torch::nn::Embedding(o.max_length(), o.dim()));
  encoder = register_module(
      "encoder", torch::nn::TransformerEncoder(torch::nn::TransformerEncoderOptions(
                                                   torch::nn::TransformerEncoderLayerOptions(o.dim(), o.heads())
                                                       .dim_feedforward(o.ffn_dim())
                                                       .dropout(o.dropout()),
                                                   o.layers())));
  output = register_module("output", torch::nn::Linear(o.dim(), o.vocab_size()));
}

torch::Tensor WordLmImpl::forward(const torch::Tensor& ids) { return output(hidden(ids)); }

torch::Tensor WordLmImpl::hidden(const torch::Tensor& ids) {
  const int64_t T = ids.size(1);
  if (T > options.max_length()) throw InputError("distill.max_length", "a sequence is longer than the model's maximum");
  const auto position = torch::arange(T, ids.options());
  auto x = tokens(ids) + positions(position).unsqueeze(0);
  // Causal mask: -inf above the diagonal; padding needs no key mask since it only follows the text.
  const auto mask = torch::full({T, T}, -std::numeric_limits<float>::infinity(), x.options()).triu(1);
  return encoder(x.transpose(0, 1), mask).transpose(0, 1);
}

}  // namespace trustlab
