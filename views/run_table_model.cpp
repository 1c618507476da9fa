#include "run_table_model.h"

#include <QColor>
#include <QDateTime>
#include <QFileInfo>
#include <cmath>
#include <nlohmann/json.hpp>

#include <set>

#include "privacy/dp_config.h"
#include "store/run_filter.h"
#include "store/run_tags.h"

namespace trustlab {
namespace {

/// "edp ε=2.98": the privacy mode and the ε spent (the last logged); empty for plain runs.
QString privacyText(const RunRecord& r) {
  const auto mode = r.params.find("privacy.mode");
  if (mode == r.params.end() || mode->second == kPrivacyOff) return {};
  const auto eps = r.latestMetrics.find("privacy/epsilon");
  return QString::fromStdString(mode->second) +
         (eps != r.latestMetrics.end() ? QString(" ε=%1").arg(eps->second, 0, 'f', 2) : QString());
}

}  // namespace

void RunTableModel::reload(const QString& storePath) {
  // Read first, then swap in: a store that cannot be read leaves the table as it was, and the
  // model is never left inside a reset (views would keep stale rows).
  std::vector<Row> runs;
  if (QFileInfo::exists(storePath)) {
    const RunStore store(storePath.toStdString(), true);
    for (auto& r : store.listRuns()) {
      Row row;
      static_cast<RunRecord&>(row) = r;
      // Classifier specs name a dataset and a model; other experiments (distill) need not.
      const auto spec = nlohmann::json::parse(r.specJson, nullptr, false);
      const auto field = [&](const char* section, const char* key) {
        return spec.is_object() && spec.contains(section) && spec[section].is_object()
                   ? QString::fromStdString(spec[section].value(key, std::string()))
                   : QString();
      };
      row.dataset = field("data", "dataset");
      row.model = field("model", "type");
      row.privacy = privacyText(row);
      QStringList tags;
      for (const auto& [key, value] : r.tags)
        if (key != kNoteTag && !isRecordTag(key))
          tags << (value.empty() ? QString::fromStdString(key) : QString::fromStdString(key + "=" + value));
      row.userTags = tags.join(", ");
      runs.push_back(std::move(row));
    }
  }
  beginResetModel();
  runs_ = std::move(runs);
  storePath_ = storePath;
  endResetModel();
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex& index) const {
  const auto f = QAbstractTableModel::flags(index);
  return index.column() == Note || index.column() == Name ? f | Qt::ItemIsEditable : f;
}

bool RunTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || (index.column() != Note && index.column() != Name)) return false;
  auto& row = runs_.at(size_t(index.row()));
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
  Q_EMIT dataChanged(index, index);
  return true;
}

int RunTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(runs_.size()); }
int RunTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount + int(extra_.size());
}

void RunTableModel::setExtraColumns(const QStringList& keys) {
  beginResetModel();
  extra_ = keys;
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

QVariant RunTableModel::extraValue(const Row& r, const QString& key, int role) const {
  const auto value = runValue(r, key.toStdString());
  if (!value) return {};
  bool numeric = false;
  const double v = QString::fromStdString(*value).toDouble(&numeric);
  if (!numeric) return QString::fromStdString(*value);
  return role == Qt::UserRole ? QVariant(v) : QVariant(QString::number(v, 'g', 5));
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const auto& r = runs_.at(size_t(index.row()));
  auto metric = [&](const char* key) -> QVariant {
    const auto it = r.latestMetrics.find(key);
    if (it == r.latestMetrics.end() || !std::isfinite(it->second)) return {};
    return role == Qt::DisplayRole ? QVariant(QString::number(it->second, 'f', 4)) : QVariant(it->second);
  };
  if (role == Qt::ForegroundRole && index.column() == Status) {
    if (r.status == "failed") return QColor("#b00020");
    if (r.status == "killed") return QColor("#a05a00");
    if (r.status == "running") return QColor("#0072B2");
    return {};
  }
  if (role == Qt::ToolTipRole && !r.error.empty()) return QString::fromStdString(r.error);
  if (role == Qt::ToolTipRole && index.column() == Note) return tr("Double-click to edit the run's note");
  if (role == Qt::ToolTipRole && index.column() == Name) return tr("Double-click to rename the run");
  if (role != Qt::DisplayRole && role != Qt::UserRole && role != Qt::EditRole) return {};
  if (index.column() >= ColumnCount) return extraValue(r, extra_.at(index.column() - ColumnCount), role);
  switch (index.column()) {
    case Id: return r.id;
    case Status: return QString::fromStdString(r.status);
    case Experiment: return QString::fromStdString(r.experiment);
    case Name: return QString::fromStdString(r.name);
    case Dataset: return r.dataset;
    case Model: return r.model;
    case ValidAccuracy: return metric("valid/accuracy");
    case TestAccuracy: return metric("test/accuracy");
    case TestMacroF1: return metric("test/macro_f1");
    case Privacy: return r.privacy;
    case Tags: return r.userTags;
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
