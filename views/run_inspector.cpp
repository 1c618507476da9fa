#include "run_inspector.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHeaderView>
#include <QMenu>
#include <QShortcut>

#include "spec/privacy_caveats.h"
#include "store/privacy_ledger.h"
#include "store/run_store.h"

namespace trustlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

InspectorSection runSection(const RunRecord& r) {
  InspectorSection s{QObject::tr("Run %1").arg(r.id), {}};
  s.rows.push_back({QObject::tr("Status"), q(r.status)});
  if (!r.error.empty()) s.rows.push_back({QObject::tr("Error"), q(r.error), true});
  s.rows.push_back({QObject::tr("Name"), q(r.name)});
  s.rows.push_back({QObject::tr("Experiment"), q(r.experiment)});
  s.rows.push_back({QObject::tr("Started"), QDateTime::fromSecsSinceEpoch(qint64(r.startTime)).toString("yyyy-MM-dd hh:mm:ss")});
  if (r.endTime > 0) s.rows.push_back({QObject::tr("Duration"), QString::number(r.endTime - r.startTime, 'f', 1) + " s"});
  s.rows.push_back({QObject::tr("Seed"), QString::number(r.seed)});
  return s;
}

InspectorSection reproSection(const RunRecord& r) {
  InspectorSection s{QObject::tr("Reproducibility"), {}};
  s.rows.push_back({QObject::tr("Spec SHA-256"), q(r.specSha256)});
  s.rows.push_back({QObject::tr("Git commit"), r.repro.gitCommit.empty() ? QObject::tr("unknown") : q(r.repro.gitCommit)});
  s.rows.push_back({QObject::tr("TrustLab"), q(r.repro.trustlabVersion)});
  s.rows.push_back({QObject::tr("LibTorch"), q(r.repro.libtorchVersion)});
  if (!r.repro.qtVersion.empty()) s.rows.push_back({QObject::tr("Qt"), q(r.repro.qtVersion)});
  s.rows.push_back({QObject::tr("Host"), q(r.repro.host)});
  s.rows.push_back({QObject::tr("Device"), QObject::tr("%1, %2 threads").arg(q(r.repro.device)).arg(r.repro.threads)});
  s.expanded = false;
  return s;
}

/// ε of the whole ledger by every accountant first (what a reader wants), what that ε does not say
/// (the run's privacy caveats, in the error colour), then the raw rows.
std::vector<InspectorSection> privacySections(const RunStore& store, const RunRecord& run) {
  const auto ledger = store.ledger(run.id);
  if (ledger.empty()) return {};
  InspectorSection summary{QObject::tr("Privacy (δ = %1)").arg(ledger.back().delta, 0, 'g', 3), {}};
  summary.rows.push_back({QObject::tr("ε as trained (%1)").arg(q(ledger.back().accountant)),
                          QString::number(ledger.back().epsilon, 'f', 4)});
  for (const auto& accountant : accountantNames()) {
    try {
      summary.rows.push_back({QObject::tr("ε by %1").arg(q(accountant)),
                              QString::number(recomputeLedger(store, run.id, accountant).epsilon, 'f', 4)});
    } catch (const std::exception& e) {
      summary.rows.push_back({QObject::tr("ε by %1").arg(q(accountant)), q(e.what()), true});
    }
  }
  if (const auto v = run.params.find("privacy.vocabulary_epsilon"); v != run.params.end())
    summary.rows.push_back({QObject::tr("DP vocabulary"), QObject::tr("ε %1 alone, threshold τ %2 (included above)")
                                                              .arg(q(v->second), q(run.params.at("privacy.vocabulary_threshold_used")))});
  const std::string caveat = privacyCaveatTag("");
  for (const auto& [key, value] : run.tags)
    if (key.rfind(caveat, 0) == 0) summary.rows.push_back({QObject::tr("Caveat"), q(value), true});
  InspectorSection rows{QObject::tr("Ledger rows (%1)").arg(ledger.size()), {}, false};
  for (const auto& e : ledger)
    rows.rows.push_back({QObject::tr("step %1").arg(e.step), QString("σ %1 · q %2 · ε %3")
                                                                 .arg(e.noiseMultiplier, 0, 'g', 5)
                                                                 .arg(e.sampleRate, 0, 'g', 4)
                                                                 .arg(e.epsilon, 0, 'f', 4)});
  return {summary, rows};
}

template <typename Map, typename Format>
InspectorSection mapSection(const QString& title, const Map& map, Format format, bool expanded) {
  InspectorSection s{title, {}, expanded};
  for (const auto& [k, v] : map) s.rows.push_back({q(k), format(v)});
  return s;
}

}  // namespace

std::vector<InspectorSection> inspectRun(const RunStore& store, long long runId) {
  const auto r = store.run(runId);
  if (!r) return {{QObject::tr("Run %1").arg(runId), {{QObject::tr("Status"), QObject::tr("not in this store"), true}}}};
  std::vector<InspectorSection> sections{runSection(*r)};
  for (auto& s : privacySections(store, *r)) sections.push_back(std::move(s));
  sections.push_back(mapSection(QObject::tr("Latest metrics"), r->latestMetrics,
                                [](double v) { return QString::number(v, 'g', 6); }, true));
  sections.push_back(mapSection(QObject::tr("Parameters"), r->params, q, false));
  if (!r->tags.empty()) sections.push_back(mapSection(QObject::tr("Tags"), r->tags, q, true));
  sections.push_back(reproSection(*r));
  return sections;
}

RunInspector::RunInspector(QWidget* parent) : QTreeWidget(parent) {
  setColumnCount(2);
  setHeaderLabels({tr("Field"), tr("Value")});
  header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  header()->setStretchLastSection(true);
  setTextElideMode(Qt::ElideMiddle);  // a hash keeps its start and end
  setWordWrap(false);
  setUniformRowHeights(true);
  setAlternatingRowColors(true);
  setSelectionMode(QAbstractItemView::ExtendedSelection);
  setMinimumWidth(220);
  new QShortcut(QKeySequence::Copy, this, this, &RunInspector::copySelection, Qt::WidgetShortcut);
  setContextMenuPolicy(Qt::CustomContextMenu);
  connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    QMenu menu;
    menu.addAction(tr("Copy"), this, &RunInspector::copySelection);
    if (!specJson_.isEmpty())
      menu.addAction(tr("Copy spec (JSON)"), this, [this] { QApplication::clipboard()->setText(specJson_); });
    menu.exec(viewport()->mapToGlobal(pos));
  });
  showSections({{tr("No run selected"), {{tr("Select a run in the Runs table."), QString()}}}});
}

void RunInspector::showRun(qlonglong runId, const QString& storePath) {
  try {
    const RunStore store(storePath.toStdString(), true);
    const auto run = store.run(runId);
    specJson_ = run ? q(run->specJson) : QString();
    showSections(inspectRun(store, runId));
  } catch (const std::exception& e) {
    specJson_.clear();
    showSections({{tr("Cannot read run %1").arg(runId), {{storePath, q(e.what()), true}}}});
  }
}

void RunInspector::showSections(const std::vector<InspectorSection>& sections) {
  clear();
  for (const auto& s : sections) {
    auto* top = new QTreeWidgetItem(this, {s.title});
    top->setFirstColumnSpanned(true);
    QFont bold = top->font(0);
    bold.setBold(true);
    top->setFont(0, bold);
    for (const auto& row : s.rows) {
      auto* item = new QTreeWidgetItem(top, {row.key, row.value});
      item->setToolTip(0, row.key);
      item->setToolTip(1, row.value);  // the whole value, however narrow the column
      if (row.error) item->setForeground(1, QColor("#b00020"));
    }
    top->setExpanded(s.expanded);
  }
}

void RunInspector::copySelection() const {
  QStringList lines;
  for (const auto* item : selectedItems())
    lines << (item->text(1).isEmpty() ? item->text(0) : item->text(0) + '\t' + item->text(1));
  if (!lines.isEmpty()) QApplication::clipboard()->setText(lines.join('\n'));
}

}  // namespace trustlab
