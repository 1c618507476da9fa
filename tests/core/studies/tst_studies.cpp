// Tests studies end to end, each at the smallest size that exercises every step (the methods'
// effects are tested at the modules': role reversal in tst_fairness, the audits in
// tst_privacy_audit): the fl-selection study (smoke) — a held-out perplexity for each selection ×
// data setting and the centralised reference, the headline differences, the per-round figure and
// a second run reusing every point; the dp-audit study (quick, the privacy check itself) — every
// white-box and black-box bound at or below the theoretical ε, the full-batch white-box bound
// within 2× of it, the report folder's files and headline numbers, and a second run reusing every
// stored point; the fairness-consistency study (smoke, with ../shared/data/sst2): every intrinsic
// × extrinsic correlation with a BCa interval around it, the aligned test's words; the
// distillation study (smoke, with SST-2): four students, each saved, fine-tuned and audited
// downstream. Sizes are named and unknown ones refused.
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "data/dataset_registry.h"
#include "studies/study.h"
#include "util/errors.h"

using namespace trustlab;

class TestStudies : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private Q_SLOTS:
  void flSelectionSmokeComparesSelections() {
    RunStore store((dir_.path() + "/fl.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    o.size = StudySize::smoke;
    o.outputDir = (dir_.path() + "/fl-selection").toStdString();
    const auto out = runStudy("fl-selection", o);
    QCOMPARE(out.ran, 5);  // {uniform, activity} × {static, continual}, and centralised
    const auto h = nlohmann::json::parse(out.headlineJson);
    const auto& perplexity = h["perplexity"];
    for (const char* condition : {"uniform_static", "activity_static", "uniform_continual", "activity_continual", "centralised"}) {
      const double p = perplexity.value(condition, std::nan(""));
      QVERIFY2(p > 1 && p < 1000, qPrintable(QString("%1: %2").arg(condition).arg(p)));
      QVERIFY(h["top3_accuracy"][condition].get<double>() >= h["top1_accuracy"][condition].get<double>());
    }
    QCOMPARE(h["activity_minus_uniform_static"].get<double>(),
             perplexity["activity_static"].get<double>() - perplexity["uniform_static"].get<double>());
    QCOMPARE(h["activity_minus_uniform_continual"].get<double>(),
             perplexity["activity_continual"].get<double>() - perplexity["uniform_continual"].get<double>());
    for (const char* file : {"report.md", "conditions.csv", "perplexity-per-round.csv", "perplexity-per-round.tex", "perplexity-by-texts.csv",
                             "versions.json", "specs/fl-selection.json", "specs/fl-selection-centralised.json"})
      QVERIFY2(std::filesystem::exists(o.outputDir + "/" + file), file);
    // The figure: a held-out curve for each federated condition (every 5 rounds of 10) and the reference.
    std::ifstream csv(o.outputDir + "/perplexity-per-round.csv");
    std::map<std::string, int> points;
    for (std::string line; std::getline(csv, line);) ++points[line.substr(0, line.find(','))];
    QCOMPARE(points["uniform (static)"], 2);
    QCOMPARE(points["centralised (final)"], 2);
    const auto again = runStudy("fl-selection", o);
    QCOMPARE(again.ran, 0);
    QCOMPARE(again.reused, 5);
  }
  void dpAuditQuickBoundsTheoryAndReports() {
    RunStore store((dir_.path() + "/runs.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    o.size = StudySize::quick;
    o.outputDir = (dir_.path() + "/dp-audit").toStdString();
    const auto out = runStudy("dp-audit", o);
    QCOMPARE(out.ran, 6);  // ε ∈ {1, 4, 8} × {full batch, Poisson}
    const auto h = nlohmann::json::parse(out.headlineJson);
    for (const std::string setting : {"full_batch", "poisson"})
      for (const std::string eps : {"1", "4", "8"}) {
        const double theory = h["theoretical_epsilon"][setting][eps], whiteBox = h["epsilon_lower_bound"][setting][eps];
        const double lossAttack = h["loss_attack_epsilon_lower_bound"][setting][eps];
        const auto where = QString("%1 ε=%2: white-box %3, loss %4, theory %5")
                               .arg(setting.c_str(), eps.c_str()).arg(whiteBox).arg(lossAttack).arg(theory);
        QVERIFY2(std::abs(theory - std::stod(eps)) < 0.01, qPrintable(where));
        QVERIFY2(whiteBox <= theory && lossAttack <= theory, qPrintable(where));  // above: a privacy bug
        if (setting == "full_batch") QVERIFY2(whiteBox >= theory / 2, qPrintable(where));
      }
    for (const char* file : {"report.md", "epsilon.csv", "empirical-epsilon.csv", "empirical-epsilon.tex",
                             "versions.json", "specs/full-batch.json", "specs/poisson.json"})
      QVERIFY2(std::filesystem::exists(o.outputDir + "/" + file), file);
    QCOMPARE(QString::fromStdString(out.files.front()), QString::fromStdString(o.outputDir + "/report.md"));
    std::ifstream md(o.outputDir + "/report.md");
    const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
    QVERIFY(text.find("| full batch (q = 1) | 4 |") != std::string::npos);
    // Every run is stored under the study's experiment; a second run trains nothing.
    QCOMPARE(int(store.listRuns(studyExperiment("dp-audit", StudySize::quick)).size()), 6);
    const auto again = runStudy("dp-audit", o);
    QCOMPARE(again.ran, 0);
    QCOMPARE(again.reused, 6);
    QCOMPARE(again.headlineJson, out.headlineJson);
  }
  void fairnessConsistencySmokeCorrelatesEveryPair() {
    if (!std::filesystem::exists(dataRoot() + "/sst2/train.tsv")) QSKIP("needs ../shared/data/sst2");
    RunStore store((dir_.path() + "/fairness.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    o.size = StudySize::smoke;
    o.outputDir = (dir_.path() + "/fairness-consistency").toStdString();
    const auto out = runStudy("fairness-consistency", o);
    QCOMPARE(out.ran, 4);  // {bag, bilstm} × CDA off/on
    const auto h = nlohmann::json::parse(out.headlineJson);
    QCOMPARE(h["runs"].get<int>(), 4);
    // Every intrinsic test (the aligned ones always) against every tabulated extrinsic metric.
    const auto& rho = h["spearman"];
    for (const char* test : {"fairness/weat/aligned/effect_size", "fairness/ceat/aligned/effect_size"}) {
      QVERIFY2(rho.contains(test), test);
      for (const char* metric : {"fairness/flip_rate", "fairness/ctf_gap", "fairness/dp_difference"}) {
        QVERIFY2(rho[test][metric].is_number(), metric);
        QVERIFY(std::abs(rho[test][metric].get<double>()) <= 1);
      }
    }
    for (const char* kind : {"standard", "aligned"}) QVERIFY(h["mean_abs_spearman"][kind].get<double>() <= 1);
    // The aligned test: the swapper's gendered words against the most polar review words.
    std::ifstream testFile(o.outputDir + "/aligned.jsonl");
    const auto aligned = nlohmann::json::parse(testFile);
    const auto has = [&](const char* set, const char* word) {
      const auto& e = aligned[set]["examples"];
      return std::find(e.begin(), e.end(), word) != e.end();
    };
    QVERIFY(has("targ1", "he") && has("targ2", "she") && !has("targ1", "she"));
    QCOMPARE(aligned["attr1"]["examples"].size(), size_t(25));
    QCOMPARE(aligned["attr2"]["examples"].size(), size_t(25));
    for (const char* file : {"report.md", "correlations.csv", "runs.csv", "aligned-corpus.txt", "intrinsic-vs-extrinsic.csv"})
      QVERIFY2(std::filesystem::exists(o.outputDir + "/" + file), file);
    // Every interval is a BCa interval around its estimate: in correlations.csv, low ≤ ρ ≤ high.
    std::ifstream csv(o.outputDir + "/correlations.csv");
    std::string line;
    std::getline(csv, line);
    int rows = 0;
    while (std::getline(csv, line)) {
      const auto f = QString::fromStdString(line).split(',');
      if (f[6] == "—") continue;
      ++rows;
      QVERIFY2(f[7].toDouble() <= f[6].toDouble() + 1e-9 && f[6].toDouble() <= f[8].toDouble() + 1e-9, line.c_str());
    }
    QVERIFY(rows > 100);
    // A second run reuses every run and every audit.
    const auto again = runStudy("fairness-consistency", o);
    QCOMPARE(again.ran, 0);
    QCOMPARE(again.headlineJson, out.headlineJson);
  }
  void distillationSmokeSavesFineTunesAndAuditsEveryStudent() {
    if (!std::filesystem::exists(dataRoot() + "/sst2/train.tsv")) QSKIP("needs ../shared/data/sst2");
    RunStore store((dir_.path() + "/distillation.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    o.size = StudySize::smoke;
    o.outputDir = (dir_.path() + "/distillation").toStdString();
    const auto out = runStudy("distillation", o);
    QCOMPARE(out.ran, 4);  // kd, cda, perturb, both
    const auto h = nlohmann::json::parse(out.headlineJson);
    const double teacher = h["teacher_disparity"];
    QVERIFY2(teacher >= 0 && teacher <= 1, out.headlineJson.c_str());
    for (const std::string m : {"kd", "cda", "perturb", "both"}) {
      const double generation = h["generation_disparity"][m], accuracy = h["downstream_accuracy"][m];
      const double flips = h["downstream_flip_rate"][m], gap = h["downstream_ctf_gap"][m];
      QVERIFY2(generation >= 0 && generation <= 1 && flips >= 0 && flips <= 1 && gap >= 0 && gap <= 1, m.c_str());
      QVERIFY2(accuracy > 0 && accuracy <= 1, m.c_str());  // each saved student was fine-tuned and tested downstream
    }
    for (const char* file : {"report.md", "methods.csv", "generation-vs-downstream.csv", "generation-vs-downstream.tex",
                             "versions.json", "specs/student-kd-seed1.json"})
      QVERIFY2(std::filesystem::exists(o.outputDir + "/" + file), file);
    std::ifstream md(o.outputDir + "/report.md");
    const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
    QVERIFY(text.find("(distillation, smoke)") != std::string::npos);
    QVERIFY(text.find("trustlab-cli study distillation --size smoke") != std::string::npos);
    QCOMPARE(int(store.listRuns(studyExperiment("distillation", StudySize::smoke)).size()), 8);  // 4 students, 4 downstream runs
    const auto again = runStudy("distillation", o);
    QCOMPARE(again.ran, 0);
    QCOMPARE(again.reused, 4);
    QCOMPARE(again.headlineJson, out.headlineJson);
  }
  void sizesAreNamed() {
    QCOMPARE(studySizeRegistry().names(), (std::vector<std::string>{"full", "quick", "smoke"}));
    for (const auto& name : studySizeRegistry().names()) QCOMPARE(studySizeName(studySizeRegistry().at(name)), name);
    QCOMPARE(studyExperiment("dp-audit", StudySize::full), std::string("study:dp-audit"));
    QCOMPARE(studyExperiment("dp-audit", StudySize::smoke), std::string("study:dp-audit:smoke"));
    QVERIFY_THROWS_EXCEPTION(InputError, studySizeRegistry().at("tiny"));
  }
  void unknownStudyIsNamed() {
    RunStore store((dir_.path() + "/other.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    QVERIFY_THROWS_EXCEPTION(InputError, runStudy("dp-audti", o));
  }
};

QTEST_APPLESS_MAIN(TestStudies)
#include "tst_studies.moc"
