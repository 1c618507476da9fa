#include "tokenizers/token_spans.h"

namespace trustlab {

std::vector<long> tokensInside(const TokenEncoding& e, std::pair<size_t, size_t> span) {
  std::vector<long> out;
  for (size_t t = 0; t < e.offsets.size(); ++t)
    if (e.offsets[t].first < e.offsets[t].second && e.offsets[t].first >= span.first && e.offsets[t].second <= span.second)
      out.push_back(long(t));
  return out;
}

}  // namespace trustlab
