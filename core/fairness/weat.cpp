#include "fairness/weat.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "data/gendered_corpus.h"
#include "util/errors.h"
#include "util/text.h"

namespace trustlab {
namespace {

torch::Tensor unitRows(const torch::Tensor& m) {
  const auto d = m.to(torch::kDouble);
  return d / d.norm(2, {1}, true).clamp_min(1e-12);
}

/// C(n, k), saturating at `cap` (only "is it at most the sample budget" matters).
double binomialCapped(long n, long k, double cap) {
  double c = 1;
  for (long i = 1; i <= k; ++i) {
    c = c * double(n - k + i) / double(i);
    if (c > cap) return cap + 1;
  }
  return std::round(c);
}

}  // namespace

WeatTest loadWeatTest(const std::string& path) {
  const auto j = nlohmann::json::parse(readFile(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(path, "is not a JSON object (a sent-bias test file)");
  WeatTest t;
  t.name = path.substr(path.find_last_of('/') + 1);
  const auto set = [&](const char* key, WeatSet& s) {
    if (!j.contains(key) || !j[key].is_object() || !j[key].contains("examples") || !j[key]["examples"].is_array())
      throw InputError(path, std::string("needs \"") + key + "\": {\"category\": …, \"examples\": [...]}");
    s.category = j[key].value("category", std::string(key));
    for (const auto& e : j[key]["examples"])
      if (e.is_string()) s.examples.push_back(e.get<std::string>());
    if (s.examples.empty()) throw InputError(path, std::string("\"") + key + "\" has no examples");
  };
  set("targ1", t.targ1);
  set("targ2", t.targ2);
  set("attr1", t.attr1);
  set("attr2", t.attr2);
  return t;
}

WeatTest occupationTest() {
  WeatTest t;
  t.name = kBuiltInOccupationTest;
  t.targ1 = {"MaleOccupations", maleOccupations()};
  t.targ2 = {"FemaleOccupations", femaleOccupations()};
  t.attr1 = {"MaleTerms", {"he", "his", "him"}};
  t.attr2 = {"FemaleTerms", {"she", "her"}};
  return t;
}

WeatTest lowerCased(WeatTest test) {
  for (auto* set : {&test.targ1, &test.targ2, &test.attr1, &test.attr2})
    for (auto& w : set->examples) w = toLowerAscii(w);
  return test;
}

std::vector<std::string> testWords(const WeatTest& test) {
  std::vector<std::string> words;
  for (const auto* set : {&test.targ1, &test.targ2, &test.attr1, &test.attr2})
    words.insert(words.end(), set->examples.begin(), set->examples.end());
  return words;
}

torch::Tensor associations(const torch::Tensor& W, const torch::Tensor& A, const torch::Tensor& B) {
  const auto w = unitRows(W);
  return w.matmul(unitRows(A).t()).mean(1) - w.matmul(unitRows(B).t()).mean(1);
}

WeatResult weat(const torch::Tensor& X, const torch::Tensor& Y, const torch::Tensor& A, const torch::Tensor& B,
                long samples, uint64_t seed) {
  if (X.size(0) < 1 || Y.size(0) < 1 || A.size(0) < 1 || B.size(0) < 1)
    throw InputError("weat", "every target and attribute set needs at least one embedding");
  const auto s = associations(torch::cat({X, Y}), A, B).cpu().contiguous();
  const long nx = X.size(0), n = s.size(0);
  const std::vector<double> v(s.data_ptr<double>(), s.data_ptr<double>() + n);
  const double sumX = std::accumulate(v.begin(), v.begin() + nx, 0.0), sumAll = std::accumulate(v.begin(), v.end(), 0.0);
  WeatResult r;
  r.statistic = sumX - (sumAll - sumX);
  const double meanX = sumX / double(nx), meanY = (sumAll - sumX) / double(n - nx);
  r.effectSize = n > 1 ? (meanX - meanY) / s.std(/*unbiased=*/true).item<double>() : 0;
  // S_i = 2·Σ_{X_i} s − Σ s, so comparing Σ_{X_i} s with the observed Σ_X s is enough.
  const double tolerance = 1e-12 * std::max(1.0, std::abs(sumX));
  long atLeast = 0;
  if (binomialCapped(n, nx, double(samples)) <= double(samples)) {
    r.exact = true;
    std::vector<char> inX(static_cast<size_t>(n), 0);
    std::fill(inX.end() - nx, inX.end(), 1);  // the smallest arrangement; next_permutation walks them all
    do {
      double t = 0;
      for (long i = 0; i < n; ++i)
        if (inX[size_t(i)]) t += v[size_t(i)];
      atLeast += t >= sumX - tolerance;
      ++r.partitions;
    } while (std::next_permutation(inX.begin(), inX.end()));
  } else {
    // The observed partition counts as one draw (sent-bias): p ≥ 1/samples.
    std::mt19937_64 rng(seed);
    std::vector<long> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0L);
    atLeast = 1;
    r.partitions = 1;
    for (long k = 1; k < samples; ++k, ++r.partitions) {
      std::shuffle(order.begin(), order.end(), rng);
      double t = 0;
      for (long i = 0; i < nx; ++i) t += v[size_t(order[size_t(i)])];
      atLeast += t >= sumX - tolerance;
    }
  }
  r.pValue = double(atLeast) / double(r.partitions);
  return r;
}

RandomEffects randomEffects(const std::vector<double>& es, const std::vector<double>& variances) {
  if (es.size() != variances.size() || es.size() < 2)
    throw InputError("ceat", "needs at least two effect sizes, each with its variance");
  double sw = 0, swe = 0, swe2 = 0, sw2 = 0;
  for (size_t i = 0; i < es.size(); ++i) {
    if (!(variances[i] > 0)) throw InputError("ceat", "every within-sample variance must be > 0");
    const double w = 1 / variances[i];
    sw += w, swe += w * es[i], swe2 += w * es[i] * es[i], sw2 += w * w;
  }
  RandomEffects r;
  r.q = swe2 - swe * swe / sw;
  const double df = double(es.size() - 1), c = sw - sw2 / sw;
  r.tau2 = r.q > df ? (r.q - df) / c : 0;
  double sv = 0, sve = 0;
  for (size_t i = 0; i < es.size(); ++i) {
    const double w = 1 / (variances[i] + r.tau2);
    sv += w, sve += w * es[i];
  }
  r.combined = sve / sv;
  r.se = std::sqrt(1 / sv);
  r.z = r.combined / r.se;
  r.pOneSided = 0.5 * std::erfc(r.z / std::sqrt(2.0));
  r.pTwoSided = std::erfc(std::abs(r.z) / std::sqrt(2.0));
  return r;
}

CeatResult ceat(const std::map<std::string, torch::Tensor>& pools, const WeatTest& test, long samples, uint64_t seed) {
  if (samples < 2) throw InputError("ceat", "needs at least 2 samples");
  CeatResult r;
  const auto present = [&](const WeatSet& set) {
    std::vector<const torch::Tensor*> out;
    for (const auto& w : set.examples) {
      const auto it = pools.find(w);
      if (it == pools.end() || it->second.size(0) == 0) r.missing.push_back(w);
      else out.push_back(&it->second);
    }
    if (out.empty()) throw InputError(test.name, "no " + set.category + " word has a contextual embedding");
    return out;
  };
  const auto X = present(test.targ1), Y = present(test.targ2), A = present(test.attr1), B = present(test.attr2);
  std::mt19937_64 rng(seed);
  const auto draw = [&](const std::vector<const torch::Tensor*>& words) {
    std::vector<torch::Tensor> rows;
    for (const auto* pool : words)
      rows.push_back((*pool)[long(std::uniform_int_distribution<long>(0, pool->size(0) - 1)(rng))]);
    return torch::stack(rows);
  };
  std::vector<double> variances;
  for (long i = 0; i < samples; ++i) {
    const auto x = draw(X), y = draw(Y), a = draw(A), b = draw(B);
    const auto s = associations(torch::cat({x, y}), a, b);
    const double sd = s.std(/*unbiased=*/true).item<double>();
    const double d = (s.narrow(0, 0, x.size(0)).mean() - s.narrow(0, x.size(0), y.size(0)).mean()).item<double>();
    r.effectSizes.push_back(sd > 0 ? d / sd : 0);
    variances.push_back(std::max(sd * sd, 1e-12));
  }
  r.combined = randomEffects(r.effectSizes, variances);
  return r;
}

}  // namespace trustlab
