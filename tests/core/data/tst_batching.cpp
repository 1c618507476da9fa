// Tests core/data/batching: length-bucketed epochs visit every row once in as many batches as a
// plain shuffled epoch, pad far less, are seeded, and still mix lengths across the epoch.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "data/batching.h"

using namespace trustlab;

namespace {

/// Padding over the whole epoch: Σ (batch size × longest − Σ lengths) / Σ lengths.
double paddingRatio(const std::vector<torch::Tensor>& batches, const torch::Tensor& lengths) {
  double padded = 0, real = 0;
  for (const auto& b : batches) {
    const auto l = lengths.index_select(0, b);
    padded += double(b.size(0) * l.max().item<long>());
    real += l.sum().item<double>();
  }
  return (padded - real) / real;
}

}  // namespace

class TestBatching : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void lengthBucketingKeepsTheEpochAndCutsPadding() {
    torch::manual_seed(0);
    const long n = 1000, B = 16;
    const auto lengths = torch::randint(1, 65, {n}, torch::kLong);
    const auto bucketed = lengthBucketedBatches(lengths, B, 7);
    const auto plain = epochBatches(n, B, true, 7);
    QCOMPARE(bucketed.size(), plain.size());
    std::multiset<long> seen;
    for (const auto& b : bucketed)
      for (long i = 0; i < b.size(0); ++i) seen.insert(b[i].item<long>());
    QCOMPARE(seen.size(), size_t(n));
    QCOMPARE(std::set<long>(seen.begin(), seen.end()).size(), size_t(n));  // each row once
    const double bucketedPadding = paddingRatio(bucketed, lengths), plainPadding = paddingRatio(plain, lengths);
    qInfo("padding per real token: %.3f bucketed, %.3f shuffled", bucketedPadding, plainPadding);
    QVERIFY(bucketedPadding < 0.2 * plainPadding);
    // Seeded: the same seed gives the same epoch, another seed another.
    const auto again = lengthBucketedBatches(lengths, B, 7), other = lengthBucketedBatches(lengths, B, 8);
    QVERIFY(torch::equal(again.front(), bucketed.front()) && torch::equal(again.back(), bucketed.back()));
    QVERIFY(!torch::equal(other.front(), bucketed.front()));
    // Batches come in a shuffled order, not shortest first.
    std::vector<long> longest;
    for (const auto& batch : bucketed) longest.push_back(lengths.index_select(0, batch).max().item<long>());
    QVERIFY(!std::is_sorted(longest.begin(), longest.end()));
  }
};

QTEST_APPLESS_MAIN(TestBatching)
#include "tst_batching.moc"
