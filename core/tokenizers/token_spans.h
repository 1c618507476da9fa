// core/tokenizers: which tokens of a pretrained encoding lie inside a byte span of its text (a
// word found in the text, located among its subword pieces by their offsets).
#pragma once
#include <utility>
#include <vector>

#include "tokenizers/pretrained_tokenizer.h"

namespace trustlab {

/// Positions of the tokens whose bytes lie inside [span.first, span.second); special tokens
/// (empty spans) never do.
std::vector<long> tokensInside(const TokenEncoding& e, std::pair<size_t, size_t> span);

}  // namespace trustlab
