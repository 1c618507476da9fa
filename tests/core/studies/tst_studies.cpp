// Tests studies: the dp-audit study at its quick size end to end — every white-box and black-box
// bound at or below the theoretical ε, the full-batch white-box bound within 2× of it, the report
// folder's files and headline numbers — and that running it again reuses every stored point.
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "studies/study.h"
#include "util/errors.h"

using namespace trustlab;

class TestStudies : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private Q_SLOTS:
  void dpAuditQuickBoundsTheoryAndReports() {
    RunStore store((dir_.path() + "/runs.sqlite").toStdString());
    StudyOptions o;
    o.store = &store;
    o.quick = true;
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
    QCOMPARE(int(store.listRuns(studyExperiment("dp-audit", true)).size()), 6);
    const auto again = runStudy("dp-audit", o);
    QCOMPARE(again.ran, 0);
    QCOMPARE(again.reused, 6);
    QCOMPARE(again.headlineJson, out.headlineJson);
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
