#include "fairness/lm_corpus.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <numeric>
#include <random>

#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

/// A surface split into its leading spaces and the letters after them; false for anything else
/// (punctuation, digits, pieces of a word that another token starts).
bool splitSurface(const std::string& surface, std::string& prefix, std::string& word) {
  const size_t at = surface.find_first_not_of(' ');
  if (at == std::string::npos) return false;
  prefix = surface.substr(0, at);
  word = surface.substr(at);
  return std::all_of(word.begin(), word.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '\''; });
}

/// Rows `width` wide (so that a corpus's row sets concatenate), padded with `padding`.
LmRows padded(const std::vector<std::vector<long>>& rows, long width, long padding) {
  LmRows out{torch::full({long(rows.size()), width}, padding, torch::kLong), torch::zeros({long(rows.size())}, torch::kLong)};
  auto ids = out.ids.accessor<int64_t, 2>();
  auto lengths = out.lengths.accessor<int64_t, 1>();
  for (size_t i = 0; i < rows.size(); ++i) {
    lengths[long(i)] = long(rows[i].size());
    for (size_t j = 0; j < rows[i].size(); ++j) ids[long(i)][long(j)] = rows[i][j];
  }
  return out;
}

/// Whether `twin` lines up with `row`: the same length, differing only where both tokens swap.
bool alignedTwin(const std::vector<long>& row, const std::vector<long>& twin, const VocabularySwap& swap) {
  if (row.size() != twin.size()) return false;
  for (size_t t = 0; t < row.size(); ++t)
    if (row[t] != twin[t] && !(swap.swaps[size_t(row[t])] && swap.swaps[size_t(twin[t])])) return false;
  return true;
}

}  // namespace

namespace {
/// How a word LM's text is split (its vocabulary keeps the `maxSize` most frequent words).
TokenizerOptions lmWords(size_t maxSize = TokenizerOptions{}.maxSize) {
  TokenizerOptions o;
  o.type = kPunctuationTokenizer;
  o.maxSize = maxSize;
  return o;
}
}  // namespace

LmVocabulary LmVocabulary::ofWords(const std::vector<std::string>& sentences, size_t maxSize) {
  LmVocabulary v;
  v.words_ = Vocabulary::build(sentences, lmWords(maxSize));
  v.words_.add("<s>");
  v.words_.add("</s>");
  v.surfaces_ = v.words_.tokens();
  v.start_ = v.words_.id("<s>");
  v.end_ = v.words_.id("</s>");
  v.padding_ = Vocabulary::kPad;
  for (long id = 0; id < v.size(); ++id) v.bySurface_.emplace(v.surfaces_[size_t(id)], id);
  return v;
}

LmVocabulary LmVocabulary::ofTokenizer(std::shared_ptr<const PretrainedTokenizer> tokenizer, const std::string& boundary) {
  LmVocabulary v;
  const long id = tokenizer->tokenId(boundary);
  if (id < 0) throw InputError("distillation", "the teacher's tokenizer has no " + boundary + " token to start and end sentences with", 0, "tokenizer");
  v.start_ = v.end_ = v.padding_ = id;
  v.wordPrefix_ = " ";
  const auto& tokens = tokenizer->tokens();
  v.surfaces_.resize(tokens.size());
  for (size_t t = 0; t < tokens.size(); ++t)
    if (!tokens[t].empty()) {
      v.surfaces_[t] = tokenizer->decode({long(t)});
      v.bySurface_.emplace(v.surfaces_[t], long(t));
    }
  v.tokenizer_ = std::move(tokenizer);
  return v;
}

std::vector<long> LmVocabulary::encode(const std::string& text) const {
  std::vector<long> ids{start_};
  if (tokenizer_) {
    const auto pieces = tokenizer_->encode(text).ids;
    ids.insert(ids.end(), pieces.begin(), pieces.end());
  } else {
    for (const auto& word : tokenize(text, lmWords())) ids.push_back(words_.id(word));
  }
  return ids;
}

std::string LmVocabulary::decode(const std::vector<long>& ids) const {
  if (tokenizer_) return tokenizer_->decode(ids);
  std::string out;
  for (const long id : ids) out += (out.empty() ? "" : " ") + words_.token(id);
  return out;
}

long LmVocabulary::wordId(const std::string& word) const {
  if (tokenizer_) {
    const auto ids = tokenizer_->encode(wordPrefix_ + word).ids;
    return ids.empty() ? -1 : ids.front();
  }
  const long id = words_.id(toLowerAscii(word));
  return id == Vocabulary::kUnk ? -1 : id;
}

long LmVocabulary::surfaceId(const std::string& surface) const {
  const auto it = bySurface_.find(surface);
  return it == bySurface_.end() ? -1 : it->second;
}

std::vector<long> LmVocabulary::banned() const {
  if (tokenizer_) return {};
  return {Vocabulary::kPad, Vocabulary::kUnk};
}

std::string LmVocabulary::kind() const { return tokenizer_ ? tokenizer_->format() : "words"; }

VocabularySwap vocabularySwap(const LmVocabulary& v, const GenderSwapper& swapper) {
  const long V = v.size();
  std::vector<long> sigma(static_cast<size_t>(V));
  std::iota(sigma.begin(), sigma.end(), 0L);
  VocabularySwap s;
  s.swaps.assign(size_t(V), false);
  std::string prefix, word;
  for (long t = 0; t < V; ++t) {
    if (!splitSurface(v.surfaces()[size_t(t)], prefix, word)) continue;
    const auto lower = toLowerAscii(word);
    const auto partner = swapper.partner(lower);
    if (partner.empty() || swapper.partner(partner) != lower) continue;
    if (const long id = v.surfaceId(prefix + matchCase(partner, word)); id >= 0) {
      sigma[size_t(t)] = id;
      s.swaps[size_t(t)] = true;
    }
    // her ↔ {his, him} for each spelling of "her" the vocabulary has.
    if (lower == "her") {
      std::array<long, 3> triple{t, v.surfaceId(prefix + matchCase("his", word)), v.surfaceId(prefix + matchCase("him", word))};
      if (triple[1] < 0 && triple[2] < 0) continue;
      for (const long id : triple)
        if (id >= 0) s.swaps[size_t(id)] = true;
      s.herHisHim.push_back(triple);
    }
  }
  s.sigma = torch::tensor(sigma, torch::kLong);
  return s;
}

LmRows LmRows::select(const torch::Tensor& index) const {
  const auto picked = lengths.index_select(0, index);
  const long width = std::max<long>(2, picked.max().item<long>());
  return {ids.index_select(0, index).narrow(1, 0, width), picked};
}

LmCorpus buildLmCorpus(const std::vector<std::string>& sentences, const GenderSwapper& swapper, const LmCorpusOptions& o) {
  if (sentences.size() < 10) throw InputError("distill.corpus", "needs at least 10 sentences");
  std::vector<std::string> swapped, all = sentences;
  for (const auto& s : sentences) swapped.push_back(swapper.swap(s).text);
  all.insert(all.end(), swapped.begin(), swapped.end());  // swapped words get ids too
  LmCorpus c{o.tokenizer.empty() ? LmVocabulary::ofWords(all, o.maxVocabulary) : LmVocabulary::ofTokenizer(sharedPretrainedTokenizer(o.tokenizer))};
  c.swap = vocabularySwap(c.vocabulary, swapper);
  const auto encodeSentence = [&](const std::string& text) {
    auto ids = c.vocabulary.encode(text);
    ids.push_back(c.vocabulary.end());
    if (long(ids.size()) > o.maxLength) ids.resize(size_t(o.maxLength));
    return ids;
  };
  std::vector<size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::shuffle(order.begin(), order.end(), std::mt19937_64(o.seed));
  const size_t nValid = std::max<size_t>(1, size_t(double(sentences.size()) * o.validFraction));
  std::vector<std::vector<long>> train, trainSwapped, valid;
  std::vector<uint8_t> aligned;
  for (size_t k = 0; k < order.size(); ++k) {
    const auto ids = encodeSentence(sentences[order[k]]);
    if (k < nValid) {
      valid.push_back(ids);
      continue;
    }
    auto twin = encodeSentence(swapped[order[k]]);
    aligned.push_back(alignedTwin(ids, twin, c.swap));
    train.push_back(ids);
    trainSwapped.push_back(std::move(twin));
  }
  const long width = std::max<long>(2, o.maxLength), pad = c.vocabulary.padding();
  c.train = padded(train, width, pad);
  c.trainSwapped = padded(trainSwapped, width, pad);
  c.valid = padded(valid, width, pad);
  c.twinAligned = torch::tensor(std::vector<int64_t>(aligned.begin(), aligned.end()), torch::kLong).to(torch::kBool);
  return c;
}

}  // namespace trustlab
