#include "run_table_model.h"

#include <QColor>
#include <QFont>
#include <QDateTime>
#include <QFileInfo>
#include <cmath>
#include <nlohmann/json.hpp>

#include <set>

#include "privacy/dp_config.h"
#include "spec/privacy_caveats.h"
#include "store/run_filter.h"
#include "store/run_tags.h"

namespace trustlab {
namespace {

/// The run key a fixed column shows, for a group's summary of it ("" when it has none).
const char* columnKey(int column) {
  switch (column) {
    case RunTableModel::Status: return "status";
    case RunTableModel::Experiment: return "experiment";
    case RunTableModel::Dataset: return "data.dataset";
    case RunTableModel::Model: return "model.type";
    case RunTableModel::ValidAccuracy: return "valid/accuracy";
    case RunTableModel::TestAccuracy: return "test/accuracy";
    case RunTableModel::TestMacroF1: return "test/macro_f1";
    case RunTableModel::Privacy: return "privacy/epsilon";
    default: return "";
  }
}

/// The run's privacy caveats (spec/privacy_caveats.h), one per line; empty when it has none.
QString privacyCaveats(const RunRecord& r) {
  QStringList lines;
  const std::string prefix = privacyCaveatTag("");
  for (const auto& [key, value] : r.tags)
    if (key.rfind(prefix, 0) == 0) lines << "⚠ " + QString::fromStdString(value);
  return lines.join("\n");
}

/// "edp ε=2.98": the privacy mode and the ε spent (the last logged), marked ⚠ when the run has
/// caveats; empty for plain runs.
QString privacyText(const RunRecord& r, bool caveats) {
  const auto mode = r.params.find("privacy.mode");
  if (mode == r.params.end() || mode->second == kPrivacyOff) return {};
  const auto eps = r.latestMetrics.find("privacy/epsilon");
  return QString::fromStdString(mode->second) +
         (eps != r.latestMetrics.end() ? QString(" ε=%1").arg(eps->second, 0, 'f', 2) : QString()) +
         (caveats ? " ⚠" : "");
}

}  // namespace

void RunTableModel::reload(const QString& storePath) {
  // Read first, then swap in: a store that cannot be read leaves the table as it was, and the
  // model is never left inside a reset (views would keep stale rows).
  std::vector<RunRecord> runs;
  std::vector<RowText> text;
  if (QFileInfo::exists(storePath)) {
    const RunStore store(storePath.toStdString(), true);
    for (auto& r : store.listRuns()) {
      RowText row;
      // Classifier specs name a dataset and a model; other experiments (distill) need not.
      const auto spec = nlohmann::json::parse(r.specJson, nullptr, false);
      const auto field = [&](const char* section, const char* key) {
        return spec.is_object() && spec.contains(section) && spec[section].is_object()
                   ? QString::fromStdString(spec[section].value(key, std::string()))
                   : QString();
      };
      row.dataset = field("data", "dataset");
      row.model = field("model", "type");
      row.privacyCaveats = privacyCaveats(r);
      row.privacy = privacyText(r, !row.privacyCaveats.isEmpty());
      QStringList tags;
      for (const auto& [key, value] : r.tags)
        if (key != kNoteTag && !isRecordTag(key))
          tags << (value.empty() ? QString::fromStdString(key) : QString::fromStdString(key + "=" + value));
      row.userTags = tags.join(", ");
      runs.push_back(std::move(r));
      text.push_back(std::move(row));
    }
  }
  beginResetModel();
  runs_ = std::move(runs);
  text_ = std::move(text);
  groups_ = groupBy_.isEmpty() ? std::vector<RunGroup>{} : groupRuns(runs_, groupBy_.toStdString());
  groupValues_.clear();
  storePath_ = storePath;
  endResetModel();
}

void RunTableModel::setGroupBy(const QString& key) {
  beginResetModel();
  groupBy_ = key;
  groups_ = key.isEmpty() ? std::vector<RunGroup>{} : groupRuns(runs_, key.toStdString());
  groupValues_.clear();
  endResetModel();
}

QModelIndex RunTableModel::index(int row, int column, const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  return createIndex(row, column, parent.isValid() ? quintptr(parent.row()) + 1 : kTopLevel);
}

QModelIndex RunTableModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == kTopLevel) return {};
  return createIndex(int(child.internalId() - 1), 0, kTopLevel);
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return int(groupBy_.isEmpty() ? runs_.size() : groups_.size());
  if (parent.internalId() != kTopLevel || parent.column() != 0 || groupBy_.isEmpty()) return 0;
  return int(groups_.at(size_t(parent.row())).members.size());
}

int RunTableModel::columnCount(const QModelIndex&) const { return ColumnCount + int(extra_.size()); }

/// The run behind a run's row; SIZE_MAX for a group's row.
size_t RunTableModel::runIndex(const QModelIndex& index) const {
  if (!index.isValid()) return SIZE_MAX;
  if (groupBy_.isEmpty()) return size_t(index.row());
  if (index.internalId() == kTopLevel) return SIZE_MAX;
  return groups_.at(index.internalId() - 1).members.at(size_t(index.row()));
}

const RunRecord* RunTableModel::run(const QModelIndex& index) const {
  const size_t i = runIndex(index);
  return i == SIZE_MAX ? nullptr : &runs_.at(i);
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex& index) const {
  const auto f = QAbstractItemModel::flags(index);
  return run(index) && (index.column() == Note || index.column() == Name) ? f | Qt::ItemIsEditable : f;
}

bool RunTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  const size_t i = runIndex(index);
  if (role != Qt::EditRole || i == SIZE_MAX || (index.column() != Note && index.column() != Name)) return false;
  auto& row = runs_.at(i);
  const std::string text = value.toString().trimmed().toStdString();
  if (index.column() == Name && text.empty()) return false;  // a run keeps a name
  try {
    RunStore store(storePath_.toStdString());
    if (index.column() == Note) store.setTag(row.id, kNoteTag, text);
    else store.renameRun(row.id, text);
  } catch (const std::exception& e) {
    Q_EMIT writeFailed(QString::fromStdString(e.what()));
    return false;
  }
  if (index.column() == Note) row.tags[kNoteTag] = text;
  else row.name = text;
  groupValues_.clear();
  Q_EMIT dataChanged(index, index);
  return true;
}

void RunTableModel::setExtraColumns(const QStringList& keys) {
  beginResetModel();
  extra_ = keys;
  groupValues_.clear();
  endResetModel();
}

RunTableModel::Keys RunTableModel::availableKeys() const {
  std::set<std::string> metrics, params, tags;
  for (const auto& r : runs_) {
    for (const auto& [k, v] : r.latestMetrics) metrics.insert(k);
    for (const auto& [k, v] : r.params) params.insert(k);
    for (const auto& [k, v] : r.tags) tags.insert(k);
  }
  const auto list = [](const std::set<std::string>& s) {
    QStringList out;
    for (const auto& k : s) out << QString::fromStdString(k);
    return out;
  };
  return {list(metrics), list(params), list(tags)};
}

QVariant RunTableModel::extraValue(const RunRecord& r, const QString& key, int role) const {
  const auto value = runValue(r, key.toStdString());
  if (!value) return {};
  bool numeric = false;
  const double v = QString::fromStdString(*value).toDouble(&numeric);
  if (!numeric) return QString::fromStdString(*value);
  return role == Qt::UserRole ? QVariant(v) : QVariant(QString::number(v, 'g', 5));
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const size_t i = runIndex(index);
  return i == SIZE_MAX ? groupData(size_t(index.row()), index.column(), role) : runData(i, index.column(), role);
}

const GroupValue& RunTableModel::groupColumnValue(size_t group, int column, const std::string& key) const {
  const auto at = std::pair{group, column};
  if (const auto it = groupValues_.find(at); it != groupValues_.end()) return it->second;
  return groupValues_.emplace(at, groupValue(runs_, groups_.at(group), key)).first->second;
}

QVariant RunTableModel::groupData(size_t g, int column, int role) const {
  const RunGroup& group = groups_.at(g);
  if (column == Id) {
    const auto n = qlonglong(group.members.size());
    if (role == Qt::UserRole) return n;
    return role == Qt::DisplayRole ? QVariant(tr("%n run(s)", nullptr, int(n))) : QVariant();
  }
  if (column == Name) {
    if (role == Qt::DisplayRole || role == Qt::UserRole || role == Qt::ToolTipRole) return QString::fromStdString(group.label);
    return role == Qt::FontRole ? [] { QFont f; f.setBold(true); return QVariant(f); }() : QVariant();
  }
  const QString key = column >= ColumnCount ? extra_.at(column - ColumnCount) : QString::fromLatin1(columnKey(column));
  if (key.isEmpty()) return {};
  const auto& v = groupColumnValue(g, column, key.toStdString());
  if (!v.mean) return role == Qt::DisplayRole || role == Qt::UserRole ? QVariant(QString::fromStdString(v.text)) : QVariant();
  if (role == Qt::UserRole) return *v.mean;
  if (role == Qt::ToolTipRole)
    return tr("Mean ± sample standard deviation over %n run(s) of the group that have %1", nullptr, int(v.count)).arg(key);
  if (role != Qt::DisplayRole) return {};
  const int digits = column < ColumnCount ? 4 : 5;
  const QString mean = column < ColumnCount ? QString::number(*v.mean, 'f', digits) : QString::number(*v.mean, 'g', digits);
  return v.count > 1 ? mean + QStringLiteral(" ± ") + QString::number(v.std, column < ColumnCount ? 'f' : 'g', digits) : mean;
}

QVariant RunTableModel::runData(size_t i, int column, int role) const {
  const auto& r = runs_.at(i);
  const auto& text = text_.at(i);
  auto metric = [&](const char* key) -> QVariant {
    const auto it = r.latestMetrics.find(key);
    if (it == r.latestMetrics.end() || !std::isfinite(it->second)) return {};
    return role == Qt::DisplayRole ? QVariant(QString::number(it->second, 'f', 4)) : QVariant(it->second);
  };
  if (role == Qt::ForegroundRole && column == Status) {
    if (r.status == "failed") return QColor("#b00020");
    if (r.status == "killed") return QColor("#a05a00");
    if (r.status == "running") return QColor("#0072B2");
    return {};
  }
  if (role == Qt::ToolTipRole && !r.error.empty()) return QString::fromStdString(r.error);
  if (role == Qt::ToolTipRole && column == Note) return tr("Double-click to edit the run's note");
  if (role == Qt::ToolTipRole && column == Name) return tr("Double-click to rename the run");
  if (role == Qt::ToolTipRole && column == Privacy && !text.privacyCaveats.isEmpty()) return text.privacyCaveats;
  if (role != Qt::DisplayRole && role != Qt::UserRole && role != Qt::EditRole) return {};
  if (column >= ColumnCount) return extraValue(r, extra_.at(column - ColumnCount), role);
  switch (column) {
    case Id: return r.id;
    case Status: return QString::fromStdString(r.status);
    case Experiment: return QString::fromStdString(r.experiment);
    case Name: return QString::fromStdString(r.name);
    case Dataset: return text.dataset;
    case Model: return text.model;
    case ValidAccuracy: return metric("valid/accuracy");
    case TestAccuracy: return metric("test/accuracy");
    case TestMacroF1: return metric("test/macro_f1");
    case Privacy: return text.privacy;
    case Tags: return text.userTags;
    case Note: {
      const auto it = r.tags.find(kNoteTag);
      return it == r.tags.end() ? QString() : QString::fromStdString(it->second);
    }
    case Started:
      return role == Qt::UserRole ? QVariant(r.startTime)
                                  : QVariant(QDateTime::fromSecsSinceEpoch(qint64(r.startTime)).toString("yyyy-MM-dd hh:mm:ss"));
    case Duration: {
      if (r.endTime <= 0) return {};
      const double s = r.endTime - r.startTime;
      return role == Qt::UserRole ? QVariant(s) : QVariant(QString::number(s, 'f', 1) + " s");
    }
    default: return {};
  }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section >= ColumnCount) return extra_.value(section - ColumnCount);
  static const char* names[] = {"ID", "Status", "Experiment", "Name", "Dataset", "Model", "Valid acc", "Test acc",
                                "Test macro-F1", "Privacy", "Tags", "Note", "Started", "Duration"};
  return tr(names[section]);
}

}  // namespace trustlab
