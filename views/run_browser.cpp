#include "run_browser.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "audits/audit.h"
#include "store/run_filter.h"
#include "store/run_groups.h"
#include "store/run_store.h"
#include "store/run_tags.h"
#include "run_table_model.h"

namespace trustlab {

/// Words match any column's text; an expression is evaluated on the run behind each row. A group's
/// row shows when one of its runs does (recursive filtering).
class RunFilterProxy : public QSortFilterProxyModel {
 public:
  explicit RunFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) { setRecursiveFilteringEnabled(true); }
  void setExpression(std::optional<RunFilter> expression) {
    expression_ = std::move(expression);
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    const auto* model = static_cast<const RunTableModel*>(sourceModel());
    const RunRecord* run = model->run(model->index(row, 0, parent));
    if (!run) return false;
    return expression_ ? expression_->matches(*run) : QSortFilterProxyModel::filterAcceptsRow(row, parent);
  }

 private:
  std::optional<RunFilter> expression_;
};

RunBrowser::RunBrowser(QWidget* parent)
    : QWidget(parent), model_(new RunTableModel(this)), proxy_(new RunFilterProxy(this)),
      table_(new QTreeView(this)), filter_(new QLineEdit(this)), groupBy_(new QComboBox(this)) {
  proxy_->setSourceModel(model_);
  connect(model_, &RunTableModel::writeFailed, this, &RunBrowser::errorOccurred);
  proxy_->setSortRole(Qt::UserRole);
  proxy_->setFilterKeyColumn(-1);  // match any column
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->header()->setStretchLastSection(true);
  // One line of text per run: tens of runs in view, as in MLflow's and W&B's tables.
  table_->setUniformRowHeights(true);
  table_->setAllColumnsShowFocus(true);
  table_->setRootIsDecorated(false);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideMiddle);
  table_->setMinimumHeight(90);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QWidget::customContextMenuRequested, this, &RunBrowser::showContextMenu);
  filter_->setObjectName("runFilter");
  filter_->setPlaceholderText(tr("Filter: words, or e.g. privacy.target_epsilon < 3 and test/accuracy > 0.9"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, this, &RunBrowser::setFilter);
  table_->header()->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_->header(), &QWidget::customContextMenuRequested, this, &RunBrowser::showColumnMenu);
  model_->setExtraColumns(QSettings().value("runs/columns").toStringList());
  groupBy_->setObjectName("runGroupBy");
  groupBy_->setToolTip(tr("Group the runs: each group's row shows its size and the mean ± standard deviation of "
                          "every number column"));
  groupBy_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  groupBy_->setMinimumContentsLength(11);  // the filter box keeps the room; the list opens wide
  fillGroupings(QSettings().value("runs/groupBy").toString());
  connect(groupBy_, &QComboBox::currentIndexChanged, this, [this] { setGroupBy(groupBy_->currentData().toString()); });
  setFilter({});
  auto* overlay = new QPushButton(tr("Overlay"), this);
  overlay->setToolTip(tr("Overlay the selected runs in the plots (or double-click a run)"));
  auto* remove = new QPushButton(tr("Delete"), this);
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  // Privacy and fairness audits of the selected run (results land on the run as audit/… and
  // fairness/… metrics).
  auto* audit = new QToolButton(this);
  audit->setText(tr("Audit"));
  audit->setPopupMode(QToolButton::InstantPopup);
  audit->setToolTip(tr("Measure the selected run's leakage or bias"));
  auto* auditMenu = new QMenu(audit);
  const auto addAudit = [this, auditMenu](const QString& label, const QString& kind) {
    auditMenu->addAction(label, this, [this, kind] {
      const auto ids = selectedRunIds();
      if (!ids.isEmpty()) Q_EMIT auditRequested(ids.front(), kind);
    });
  };
  // One entry per audit of the registry (plugins' included), one per choice for an audit that
  // takes one (the membership attacks): the kind is "audit" or "audit:choice"; privacy first.
  for (const auto family : {AuditFamily::Privacy, AuditFamily::Fairness}) {
    if (!auditMenu->isEmpty()) auditMenu->addSeparator();
    for (const auto& item : auditRegistry().items()) {
      const Audit& a = auditRegistry().at(item.name);
      if (a.family != family) continue;
      const QString name = QString::fromStdString(item.name), description = QString::fromStdString(item.description);
      if (a.argument.kind != AuditArgument::Choice) {
        // "…": a file or a form is asked first.
        const bool asks = (a.argument.kind == AuditArgument::File && !a.argument.defaultValue) || !a.settings.empty();
        addAudit(asks ? description + QStringLiteral("…") : description, name);
        continue;
      }
      for (const auto& choice : a.argument.choices())
        addAudit(QStringLiteral("%1: %2").arg(description.section(':', 0, 0), QString::fromStdString(choice.description)),
                 name + ':' + QString::fromStdString(choice.name));
    }
  }
  audit->setMenu(auditMenu);
  connect(overlay, &QPushButton::clicked, this, [this] { Q_EMIT overlayRequested(selectedRunIds()); });
  connect(table_, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
    // The note and name are edited; a group's row opens or closes.
    if (index.column() != RunTableModel::Note && index.column() != RunTableModel::Name &&
        model_->run(proxy_->mapToSource(index)))
      Q_EMIT overlayRequested(selectedRunIds());
  });
  connect(remove, &QPushButton::clicked, this, &RunBrowser::deleteSelected);
  connect(refreshButton, &QPushButton::clicked, this, &RunBrowser::refresh);
  connect(table_, &QTreeView::expanded, this, &RunBrowser::resizeColumns);  // a group's runs fit their columns
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& cur) {
    if (const auto* run = model_->run(proxy_->mapToSource(cur))) Q_EMIT currentRunChanged(run->id);
  });
  auto* top = new QHBoxLayout;
  top->addWidget(filter_, 1);
  top->addWidget(groupBy_);
  top->addWidget(overlay);
  top->addWidget(audit);
  top->addWidget(remove);
  top->addWidget(refreshButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(top);
  layout->addWidget(table_, 1);
}

void RunBrowser::setStorePath(const QString& path) {
  storePath_ = path;
  refresh();
}

void RunBrowser::refresh() {
  const auto keep = selectedRunIds();
  try {
    model_->reload(storePath_);
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(QString::fromStdString(e.what()));
  }
  fillGroupings(groupBy_->currentData().toString());
  resizeColumns();
  selectRuns(keep);
}

void RunBrowser::resizeColumns() {
  for (int c = 0; c < model_->columnCount(); ++c) table_->resizeColumnToContents(c);
}

void RunBrowser::fillGroupings(const QString& current) {
  // The core's groupings, then one per tag of the researcher's that some run has.
  const QSignalBlocker block(groupBy_);
  groupBy_->clear();
  groupBy_->addItem(tr("No grouping"), QString());
  for (const auto& g : runGroupings())
    groupBy_->addItem(tr("Group: %1").arg(QString::fromStdString(g.label)), QString::fromStdString(g.key));
  for (const auto& key : model_->availableKeys().tags)
    if (key.toStdString() != kNoteTag && !isRecordTag(key.toStdString())) groupBy_->addItem(tr("Group: tag %1").arg(key), key);
  if (!current.isEmpty() && groupBy_->findData(current) < 0)  // a tag no run has (yet): keep the choice
    groupBy_->addItem(tr("Group: tag %1").arg(current), current);
  groupBy_->setCurrentIndex(std::max(groupBy_->findData(current), 0));
  groupBy_->view()->setMinimumWidth(groupBy_->view()->sizeHintForColumn(0) + 24);  // the list shows whole labels
  if (model_->groupBy() != groupBy_->currentData().toString()) setGroupBy(groupBy_->currentData().toString());
}

void RunBrowser::setGroupBy(const QString& key) {
  const auto keep = selectedRunIds();
  model_->setGroupBy(key);
  QSettings().setValue("runs/groupBy", key);
  if (const int at = groupBy_->findData(key); at >= 0 && at != groupBy_->currentIndex()) {
    const QSignalBlocker block(groupBy_);
    groupBy_->setCurrentIndex(at);
  }
  table_->setRootIsDecorated(!key.isEmpty());
  resizeColumns();
  selectRuns(keep);
}

int RunBrowser::runCount() const { return int(model_->runs().size()); }

QList<qlonglong> RunBrowser::selectedRunIds() const {
  // A group's row stands for its runs that the filter shows.
  QList<qlonglong> ids;
  for (const auto& idx : table_->selectionModel()->selectedRows()) {
    if (const auto* run = model_->run(proxy_->mapToSource(idx))) {
      ids << run->id;
      continue;
    }
    for (int row = 0; row < proxy_->rowCount(idx); ++row) ids << model_->run(proxy_->mapToSource(proxy_->index(row, 0, idx)))->id;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void RunBrowser::selectRuns(const QList<qlonglong>& ids) {
  auto* sel = table_->selectionModel();
  sel->clearSelection();
  const auto selectIn = [&](const QModelIndex& parent) {
    bool any = false;
    for (int row = 0; row < proxy_->rowCount(parent); ++row) {
      const auto idx = proxy_->index(row, 0, parent);
      const auto* run = model_->run(proxy_->mapToSource(idx));
      if (!run || !ids.contains(run->id)) continue;
      sel->select(idx, QItemSelectionModel::Select | QItemSelectionModel::Rows);
      any = true;
    }
    return any;
  };
  selectIn({});
  if (model_->groupBy().isEmpty()) return;
  for (int row = 0; row < proxy_->rowCount(); ++row) {
    const auto group = proxy_->index(row, 0);
    if (selectIn(group)) table_->expand(group);
  }
}

bool RunBrowser::setFilter(const QString& text) {
  if (filter_->text() != text) {  // called from code: show the text without coming back here
    const QSignalBlocker block(filter_);
    filter_->setText(text);
  }
  const std::string expression = text.toStdString();
  if (!looksLikeRunFilter(expression)) {
    proxy_->setExpression(std::nullopt);
    proxy_->setFilterFixedString(text);
  } else {
    try {
      proxy_->setExpression(RunFilter::parse(expression));
      proxy_->setFilterFixedString({});
    } catch (const std::exception& e) {
      filter_->setStyleSheet("QLineEdit { border: 1px solid #b00020; }");
      filter_->setToolTip(QString::fromStdString(e.what()));
      return false;
    }
  }
  filter_->setStyleSheet({});
  filter_->setToolTip(tr("Words match any column. An expression compares any field (id, name, status, experiment, "
                         "seed), metric, param or tag: < <= > >= = != ~ (contains), and, or, not, parentheses; "
                         "a bare key asks whether the run has it."));
  return true;
}

void RunBrowser::setExtraColumns(const QStringList& keys) {
  model_->setExtraColumns(keys);
  QSettings().setValue("runs/columns", keys);
  resizeColumns();
}

void RunBrowser::showColumnMenu(const QPoint& pos) {
  // Any metric, param or tag of the runs shown, as a column: ε, MIA AUC, fairness gaps, …
  const auto keys = model_->availableKeys();
  QMenu menu;
  const QStringList chosen = model_->extraColumns();
  for (const auto& [title, list] : {std::pair{tr("Metrics"), keys.metrics}, std::pair{tr("Params"), keys.params},
                                    std::pair{tr("Tags"), keys.tags}}) {
    auto* sub = menu.addMenu(title);
    sub->setEnabled(!list.isEmpty());
    for (const auto& key : list) {
      auto* action = sub->addAction(key);
      action->setCheckable(true);
      action->setChecked(chosen.contains(key));
      connect(action, &QAction::toggled, this, [this, key](bool on) {
        QStringList now = model_->extraColumns();
        now.removeAll(key);
        if (on) now << key;
        setExtraColumns(now);
      });
    }
  }
  if (!chosen.isEmpty()) menu.addAction(tr("Remove added columns"), this, [this] { setExtraColumns({}); });
  menu.exec(table_->header()->viewport()->mapToGlobal(pos));
}

void RunBrowser::showContextMenu(const QPoint& pos) {
  const auto ids = selectedRunIds();
  if (ids.isEmpty()) return;
  QMenu menu;
  menu.addAction(tr("Overlay in the plots"), this, [this, ids] { Q_EMIT overlayRequested(ids); });
  menu.addAction(tr("Compare (settings, metrics, Pareto front)"), this, [this, ids] { Q_EMIT compareRequested(ids); });
  menu.addAction(tr("Add tag…"), this, [this] {
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Add tag"), tr("Tag (key or key=value):"), QLineEdit::Normal, {}, &ok);
    if (ok && !text.trimmed().isEmpty()) tagSelected(text.section('=', 0, 0).trimmed(), text.section('=', 1).trimmed());
  });
  // The researcher's own tags of the selected runs, each removable (records are not theirs to remove).
  QStringList userTags;
  for (const auto& run : model_->runs())
    if (ids.contains(run.id))
      for (const auto& [key, value] : run.tags)
        if (key != kNoteTag && !isRecordTag(key) && !userTags.contains(QString::fromStdString(key)))
          userTags << QString::fromStdString(key);
  if (!userTags.isEmpty()) {
    auto* remove = menu.addMenu(tr("Remove tag"));
    for (const auto& key : userTags) remove->addAction(key, this, [this, key] { untagSelected(key); });
  }
  const QModelIndex at = table_->indexAt(pos);
  if (model_->run(proxy_->mapToSource(at))) {
    menu.addAction(tr("Rename"), this, [this, at] { table_->edit(at.siblingAtColumn(RunTableModel::Name)); });
    menu.addAction(tr("Edit note"), this, [this, at] { table_->edit(at.siblingAtColumn(RunTableModel::Note)); });
  }
  menu.addSeparator();
  menu.addAction(tr("Delete…"), this, &RunBrowser::deleteSelected);
  menu.exec(table_->viewport()->mapToGlobal(pos));
}

bool RunBrowser::tagSelected(const QString& key, const QString& value) {
  try {
    requireUserTagKey(key.toStdString());
    RunStore store(storePath_.toStdString());
    for (auto id : selectedRunIds()) store.setTag(id, key.toStdString(), value.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(QString::fromStdString(e.what()));
    return false;
  }
  refresh();
  return true;
}

bool RunBrowser::untagSelected(const QString& key) {
  try {
    requireUserTagKey(key.toStdString());
    RunStore store(storePath_.toStdString());
    for (auto id : selectedRunIds()) store.removeTag(id, key.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(QString::fromStdString(e.what()));
    return false;
  }
  refresh();
  return true;
}

void RunBrowser::deleteSelected() {
  const auto ids = selectedRunIds();
  if (ids.isEmpty()) return;
  if (QMessageBox::question(this, tr("Delete runs"), tr("Delete %n run(s) and their metrics?", nullptr, int(ids.size()))) !=
      QMessageBox::Yes)
    return;
  try {
    RunStore store(storePath_.toStdString());
    for (auto id : ids) store.deleteRun(id);
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(QString::fromStdString(e.what()));
  }
  refresh();
}

}  // namespace trustlab
