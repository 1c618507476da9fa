// core/fairness: intrinsic bias of embeddings. WEAT (Caliskan et al. 2017) and its sentence form
// SEAT (May et al. 2019): the effect size d with the ddof = 1 pooled deviation and the one-sided
// permutation p-value of sent-bias (exact over all equal-size partitions when there are at most
// `samples` of them, else sampled with the observed partition counted); the test files of
// sent-bias (one JSON object per file). CEAT's DerSimonian–Laird random-effects combination of
// many effect sizes (Guo & Caliskan 2021).
#pragma once
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace trustlab {

struct WeatSet {
  std::string category;
  std::vector<std::string> examples;
};
struct WeatTest {
  std::string name;
  WeatSet targ1, targ2, attr1, attr2;  ///< X, Y, A, B
};
/// Reads a sent-bias test file; throws InputError naming the file and the missing key.
WeatTest loadWeatTest(const std::string& path);
/// The built-in test of the generated gendered corpus: stereotypically male vs female occupations
/// (data/gendered_corpus.h) against he/his/him vs she/her.
WeatTest occupationTest();
/// How a front end names the built-in test in place of a file.
inline constexpr char kBuiltInOccupationTest[] = "occupations";
/// The test with every word lower-cased (corpora are matched lower-case).
WeatTest lowerCased(WeatTest test);
/// Every word of the test's four sets, in order X, Y, A, B.
std::vector<std::string> testWords(const WeatTest& test);

struct WeatResult {
  double statistic = 0;   ///< S = Σ_x s(x) − Σ_y s(y)
  double effectSize = 0;  ///< d
  double pValue = 1;      ///< one-sided, P[S_i ≥ S] (ties count)
  bool exact = false;
  long partitions = 0;    ///< partitions enumerated or sampled
};

/// s(w, A, B) = mean cos(w, a) − mean cos(w, b) for each row w of W.
torch::Tensor associations(const torch::Tensor& W, const torch::Tensor& A, const torch::Tensor& B);
/// Rows are embeddings (float or double, any device). X and Y may differ in size.
WeatResult weat(const torch::Tensor& X, const torch::Tensor& Y, const torch::Tensor& A, const torch::Tensor& B,
                long samples = 100000, uint64_t seed = 1111);

struct RandomEffects {
  double q = 0, tau2 = 0, combined = 0, se = 0, z = 0, pOneSided = 1, pTwoSided = 1;
};
/// DerSimonian–Laird over effect sizes `es` with within-sample variances `variances`.
RandomEffects randomEffects(const std::vector<double>& es, const std::vector<double>& variances);

struct CeatResult {
  RandomEffects combined;            ///< CES, its SE, z, one- and two-sided p
  std::vector<double> effectSizes;   ///< one per sample
  std::vector<std::string> missing;  ///< test words with no contextual embedding
};
/// CEAT: `samples` draws of one contextual embedding per word (from each word's pool [k, D]),
/// each giving a WEAT effect size ES_i and within-sample variance V_i (the ddof = 1 variance of
/// s(w, A, B) over X ∪ Y), combined by DerSimonian–Laird. Throws InputError when a set has no
/// word with a pool.
CeatResult ceat(const std::map<std::string, torch::Tensor>& pools, const WeatTest& test, long samples = 1000,
                uint64_t seed = 1);

}  // namespace trustlab
