#include "run_inspector.h"

#include <QDateTime>

#include "store/privacy_ledger.h"
#include "store/run_store.h"

namespace trustlab {
namespace {
QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
QString row(const QString& k, const QString& v) { return QString("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(k, v); }
}  // namespace

RunInspector::RunInspector(QWidget* parent) : QTextBrowser(parent) {
  setPlaceholderText(tr("Select a run in the run browser."));
}

void RunInspector::showRun(qlonglong runId, const QString& storePath) {
  try {
    const RunStore store(storePath.toStdString(), true);
    const auto r = store.run(runId);
    if (!r) {
      setHtml(tr("Run %1 not found.").arg(runId));
      return;
    }
    QString html = QString("<h3>Run %1 — %2</h3><table>").arg(r->id).arg(esc(r->status));
    html += row(tr("Experiment"), esc(r->experiment)) + row(tr("Name"), esc(r->name));
    html += row(tr("Started"), QDateTime::fromSecsSinceEpoch(qint64(r->startTime)).toString(Qt::ISODate));
    if (r->endTime > 0) html += row(tr("Duration"), QString::number(r->endTime - r->startTime, 'f', 1) + " s");
    if (!r->error.empty()) html += row(tr("Error"), "<span style='color:#b00020'>" + esc(r->error) + "</span>");
    html += row(tr("Seed"), QString::number(r->seed)) + row(tr("Spec SHA-256"), "<tt>" + esc(r->specSha256) + "</tt>");
    html += row(tr("Git commit"), r->repro.gitCommit.empty() ? tr("unknown") : "<tt>" + esc(r->repro.gitCommit) + "</tt>");
    html += row(tr("Versions"), QString("TrustLab %1, LibTorch %2, Qt %3")
                                    .arg(esc(r->repro.trustlabVersion), esc(r->repro.libtorchVersion),
                                         r->repro.qtVersion.empty() ? "-" : esc(r->repro.qtVersion)));
    html += row(tr("Host"), esc(r->repro.host)) +
            row(tr("Device"), esc(r->repro.device) + QString(", %1 threads").arg(r->repro.threads));
    html += "</table><h4>Latest metrics</h4><table>";
    for (const auto& [k, v] : r->latestMetrics) html += row(esc(k), QString::number(v, 'g', 6));
    html += "</table><h4>Parameters</h4><table>";
    for (const auto& [k, v] : r->params) html += row(esc(k), esc(v));
    for (const auto& [k, v] : r->tags) html += row(tr("tag ") + esc(k), esc(v));
    html += "</table>";
    const auto ledger = store.ledger(runId);
    if (!ledger.empty()) {
      html += "<h4>Privacy ledger</h4><table><tr><th>step</th><th>σ</th><th>q</th><th>ε</th><th>δ</th><th>accountant</th></tr>";
      for (const auto& e : ledger)
        html += QString("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                    .arg(e.step).arg(e.noiseMultiplier).arg(e.sampleRate).arg(e.epsilon).arg(e.delta).arg(esc(e.accountant));
      html += "</table><p>Recomputed from the ledger: ";
      for (const auto& acc : accountantNames()) {
        const auto r = recomputeLedger(ledger, acc);
        html += QString("%1 ε = %2; ").arg(QString::fromStdString(acc)).arg(r.epsilon, 0, 'f', 4);
      }
      html += "</p>";
    }
    html += "<h4>Spec</h4><pre>" + esc(r->specJson) + "</pre>";
    setHtml(html);
  } catch (const std::exception& e) {
    setHtml("<span style='color:#b00020'>" + esc(e.what()) + "</span>");
  }
}

}  // namespace trustlab
