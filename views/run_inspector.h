// views: the Inspector: the selected run as a key/value grid in sections (run, reproducibility,
// privacy, latest metrics, parameters, tags). Long values (hashes, paths) are elided in the middle
// and shown whole on hover; Ctrl+C or the context menu copies them. The privacy ledger is
// summarised first (ε recomputed by every accountant), its rows one click away.
#pragma once
#include <QString>
#include <QTreeWidget>
#include <vector>

namespace trustlab {

class RunStore;

struct InspectorRow {
  QString key, value;
  bool error = false;  ///< drawn in the error colour
};
struct InspectorSection {
  QString title;
  std::vector<InspectorRow> rows;
  bool expanded = true;
};

/// What the Inspector shows for `runId` (widget-free, for tests); throws when the store cannot be read.
std::vector<InspectorSection> inspectRun(const RunStore& store, long long runId);

class RunInspector : public QTreeWidget {
  Q_OBJECT
 public:
  explicit RunInspector(QWidget* parent = nullptr);
  /// The shown run's spec (JSON), for "Copy spec"; empty when none is shown.
  QString specJson() const { return specJson_; }

 public Q_SLOTS:
  void showRun(qlonglong runId, const QString& storePath);
  void copySelection() const;

 private:
  void showSections(const std::vector<InspectorSection>& sections);
  QString specJson_;
};

}  // namespace trustlab
