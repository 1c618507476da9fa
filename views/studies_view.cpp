#include "studies_view.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QTextBlock>
#include <QTextCursor>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "studies/study.h"
#include "pair_explorer.h"
#include "study_worker.h"

namespace trustlab {
namespace {

/// A study's headline JSON as indented "key: value" lines, numbers to four significant digits
/// (the log is narrow; the exact numbers are in the report folder).
QString headlineLines(const nlohmann::json& j, const QString& indent = "  ") {
  QString out;
  for (const auto& [key, value] : j.items()) {
    out += indent + QString::fromStdString(key) + ":";
    if (value.is_object()) out += "\n" + headlineLines(value, indent + "  ");
    else if (value.is_number()) out += " " + QString::number(value.get<double>(), 'g', 4) + "\n";
    else out += " " + QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  }
  return out;
}

}  // namespace

StudiesView::StudiesView(QWidget* parent)
    : QWidget(parent),
      study_(new QComboBox(this)),
      size_(new QComboBox(this)),
      folder_(new QLineEdit(this)),
      browse_(new QPushButton(tr("…"), this)),
      run_(new QPushButton(tr("Run / resume"), this)),
      stop_(new QPushButton(tr("Stop"), this)),
      about_(new QLabel(this)),
      log_(new QPlainTextEdit(this)),
      report_(new QTextBrowser(this)),
      results_(new QTabWidget(this)),
      pairs_(new PairExplorer(this)),
      worker_(new StudyWorker) {
  for (const auto& item : studyRegistry().items()) {
    study_->addItem(QString::fromStdString(item.name));
    study_->setItemData(study_->count() - 1, QString::fromStdString(item.description), Qt::ToolTipRole);
  }
  for (const auto& item : studySizeRegistry().items()) {
    size_->addItem(QString::fromStdString(item.name));
    size_->setItemData(size_->count() - 1, QString::fromStdString(item.description), Qt::ToolTipRole);
  }
  setSize(QString::fromStdString(studySizeName(StudySize::quick)));
  size_->setToolTip(tr("The design's size (each item's tooltip says what it means)"));
  folder_->setToolTip(tr("The report folder: report.md, figures (PDF, SVG, PNG, CSV, pgfplots), tables, specs, versions"));
  browse_->setToolTip(tr("Choose the report folder"));
  browse_->setMaximumWidth(browse_->fontMetrics().horizontalAdvance("…") + 24);
  run_->setToolTip(tr("Train the study's grid (points already in the store are reused), then write its report"));
  stop_->setEnabled(false);
  about_->setWordWrap(true);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(2000);
  log_->setPlaceholderText(tr("What the study is doing"));
  report_->setOpenExternalLinks(true);
  report_->setPlaceholderText(tr("The study's report appears here when it is written."));

  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Study"), this));
  bar->addWidget(study_);
  bar->addWidget(new QLabel(tr("Size"), this));
  bar->addWidget(size_);
  bar->addWidget(new QLabel(tr("Report folder"), this));
  bar->addWidget(folder_, 1);
  bar->addWidget(browse_);
  bar->addWidget(run_);
  bar->addWidget(stop_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  results_->addTab(report_, tr("Report"));
  results_->addTab(pairs_, tr("Any pair"));
  results_->setTabToolTip(1, tr("Any two columns of the study's per-run table (runs.csv), with their correlation"));
  results_->setTabEnabled(1, false);
  split->addWidget(log_);
  split->addWidget(results_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(about_);
  layout->addWidget(split, 1);

  connect(study_, &QComboBox::currentIndexChanged, this, &StudiesView::suggestFolder);
  connect(size_, &QComboBox::currentIndexChanged, this, &StudiesView::suggestFolder);
  connect(browse_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Report folder"), folder_->text());
    if (!dir.isEmpty()) folder_->setText(dir);
  });
  connect(run_, &QPushButton::clicked, this, &StudiesView::start);
  connect(stop_, &QPushButton::clicked, this, &StudiesView::stop);

  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &StudiesView::runStudy, worker_, &StudyWorker::run);
  connect(worker_, &StudyWorker::message, log_, &QPlainTextEdit::appendPlainText);
  connect(worker_, &StudyWorker::finished, this,
          [this](const QString& report, const QString& headline, int ran, int reused, double seconds) {
            setRunning(false);
            const auto parsed = nlohmann::json::parse(headline.toStdString(), nullptr, false);
            log_->appendPlainText(tr("Done in %1 s: %2 runs trained, %3 reused.\nHeadline:\n%4")
                                      .arg(seconds, 0, 'f', 1)
                                      .arg(ran)
                                      .arg(reused)
                                      .arg(parsed.is_object() && !parsed.empty() ? headlineLines(parsed).chopped(1) : headline));
            showReport(report);
            Q_EMIT runsChanged();
          });
  connect(worker_, &StudyWorker::stopped, this, [this] {
    setRunning(false);
    log_->appendPlainText(tr("Stopped: Run / resume goes on from the points already stored."));
    Q_EMIT runsChanged();
  });
  connect(worker_, &StudyWorker::failed, this, [this](const QString& error) {
    setRunning(false);
    log_->appendPlainText(tr("Failed: %1").arg(error));
    Q_EMIT runsChanged();
  });
  thread_.start();
  suggestFolder();
}

StudiesView::~StudiesView() {
  worker_->requestStop();
  thread_.quit();
  thread_.wait();
}

QString StudiesView::outputFolder() const { return folder_->text(); }
void StudiesView::setOutputFolder(const QString& dir) { folder_->setText(dir); }
bool StudiesView::setStudy(const QString& name) {
  const int index = study_->findText(name);
  if (index >= 0) study_->setCurrentIndex(index);
  return index >= 0;
}

bool StudiesView::isFull() const { return size_->currentText().toStdString() == studySizeName(StudySize::full); }

bool StudiesView::setSize(const QString& name) {
  const int index = size_->findText(name);
  if (index >= 0) size_->setCurrentIndex(index);
  return index >= 0;
}
QString StudiesView::shownReport() const { return report_->source().toLocalFile(); }

void StudiesView::suggestFolder() {
  const QString name = study_->currentText();
  about_->setText(study_->currentData(Qt::ToolTipRole).toString());
  const QString base = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  folder_->setText(QDir(base.isEmpty() ? QDir::homePath() : base)
                       .filePath("trustlab-study-" + name + (isFull() ? "" : "-" + size_->currentText())));
}

void StudiesView::start() {
  if (running_ || study_->currentIndex() < 0) return;
  if (folder_->text().trimmed().isEmpty()) {
    log_->appendPlainText(tr("Choose a report folder first."));
    return;
  }
  setRunning(true);
  log_->appendPlainText(tr("Study %1%2 → %3").arg(study_->currentText(), isFull() ? "" : " (" + size_->currentText() + ")",
                                                  folder_->text()));
  Q_EMIT runStudy(study_->currentText(), size_->currentText(), folder_->text().trimmed(), storePath_);
}

void StudiesView::stop() { worker_->requestStop(); }

void StudiesView::showReport(const QString& reportPath) {
  results_->setTabEnabled(1, pairs_->load(QFileInfo(reportPath).dir().filePath(QString::fromLatin1(kRunTableFile))));
  results_->setCurrentWidget(report_);
  report_->setSearchPaths({QFileInfo(reportPath).absolutePath()});
  report_->setSource(QUrl::fromLocalFile(reportPath), QTextDocument::MarkdownResource);
  // Figures are PNGs at 300 dpi: shown at a column's width, not at their pixel size.
  QTextCursor cursor(report_->document());
  for (QTextBlock b = report_->document()->begin(); b.isValid(); b = b.next())
    for (auto it = b.begin(); !it.atEnd(); ++it) {
      const QTextFragment f = it.fragment();
      if (!f.charFormat().isImageFormat()) continue;
      QTextImageFormat image = f.charFormat().toImageFormat();
      image.setWidth(std::min(640, report_->viewport()->width() - 24));
      cursor.setPosition(f.position());
      cursor.setPosition(f.position() + f.length(), QTextCursor::KeepAnchor);
      cursor.setCharFormat(image);
    }
}

void StudiesView::setRunning(bool on) {
  running_ = on;
  for (QWidget* w : std::initializer_list<QWidget*>{study_, size_, folder_, browse_, run_}) w->setEnabled(!on);
  stop_->setEnabled(on);
}

}  // namespace trustlab
