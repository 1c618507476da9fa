#include "models/text_classifier.h"

#include <torch/torch.h>

namespace trustlab {

torch::Tensor tokenMask(const torch::Tensor& lengths, int64_t T) {
  return torch::arange(T, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
}

torch::Tensor maskedMean(const torch::Tensor& x, const torch::Tensor& mask) {
  const auto m = mask.unsqueeze(-1).to(x.scalar_type());
  return (x * m).sum(1) / m.sum(1).clamp_min(1.0);
}

}  // namespace trustlab
