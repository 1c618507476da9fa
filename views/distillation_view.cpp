#include "distillation_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "audits/audit.h"
#include "audits/fairness_audit.h"
#include "data/dataset_registry.h"
#include "distillation_worker.h"
#include "metric_plot.h"
#include "plot_exporter.h"
#include "pretrained/hf_config.h"
#include "rich_text.h"
#include "table_text.h"
#include "util/errors.h"

namespace trustlab {
namespace {

/// The students table: one row per student, generation beside downstream disparity.
enum StudentColumn { kStudentMethod, kGeneration, kPerplexity, kAccuracy, kFlipRate, kTokenGap, kEoDifference, kRuns, kStudentColumns };
/// A downstream fairness metric as DistillationOutcome::downstream names it ("fairness/ctf_gap").
std::string fairnessKey(const char* metric) { return auditMetricKey(kFairnessAudit, "", metric); }
/// The downstream disparity the plot sets beside the generation disparity.
const std::string& tokenGapKey() {
  static const std::string key = fairnessKey("ctf_gap");
  return key;
}
/// A corpus item's sentence cap (corpus_lines), beside its value.
constexpr int kCorpusLinesRole = Qt::UserRole + 1;

enum Column { kMethod, kPrompt, kTwin, kTeacher, kStudent, kTeacherTwin, kStudentTwin, kTeacherPolarity, kStudentPolarity };

/// A cell whose gendered words (those the swapper knows) are highlighted.
QTableWidgetItem* gendered(const std::string& text, const GenderSwapper& swapper) {
  auto* item = new QTableWidgetItem(QString::fromStdString(text));
  item->setData(Qt::UserRole, highlightedHtml(text, swapRanges(swapper.swap(text).swaps, false)));
  return item;
}

/// `combo`'s items with an empty value open `choose`: what it returns is inserted after the first
/// item and selected; nothing chosen goes back to the first item.
void offerChooser(QComboBox* combo, const std::function<QString()>& choose) {
  QObject::connect(combo, qOverload<int>(&QComboBox::activated), combo, [combo, choose](int i) {
    if (!combo->itemData(i).toString().isEmpty()) return;
    const QString chosen = choose();
    if (chosen.isEmpty()) {
      combo->setCurrentIndex(0);
      return;
    }
    combo->insertItem(1, QFileInfo(chosen).fileName(), chosen);
    combo->setCurrentIndex(1);
  });
}

/// What a teacher folder holds, or why it cannot be a teacher (InputError's text).
QString describeTeacher(const QString& folder) {
  const auto c = HfConfig::fromFile((folder + "/config.json").toStdString());
  if (!c.causal()) throw InputError(folder.toStdString(), "is a " + c.modelType + " model: the teacher must be a causal LM (gpt2)");
  return QObject::tr("Teacher %1: %2, %3 layers, width %4, %5 tokens; the student starts from a subset of its layers.")
      .arg(QFileInfo(folder).fileName(), QString::fromStdString(c.modelType))
      .arg(c.layers)
      .arg(c.hiddenSize)
      .arg(c.vocabSize);
}

}  // namespace

DistillationView::DistillationView(QWidget* parent)
    : QWidget(parent),
      corpus_(new QComboBox(this)),
      teacher_(new QComboBox(this)),
      studentLayers_(new QSpinBox(this)),
      kd_(new QCheckBox("KD", this)),
      cda_(new QCheckBox("CDA", this)),
      perturb_(new QCheckBox(tr("perturbation"), this)),
      both_(new QCheckBox(tr("both"), this)),
      epochs_(new QSpinBox(this)),
      teacherEpochs_(new QSpinBox(this)),
      downstream_(new QComboBox(this)),
      downstreamSteps_(new QSpinBox(this)),
      run_(new QPushButton(tr("Distil"), this)),
      stop_(new QPushButton(tr("Stop"), this)),
      status_(new QLabel(tr("The teacher is a pretrained GPT-2-family model (a Hugging Face folder) or a word-level "
                            "LM trained here; the default corpus plants a gender–occupation association (90 % of "
                            "pronouns follow the stereotype)."), this)),
      plot_(new QCustomPlot(this)),
      filter_(new QLineEdit(this)),
      students_(new QTableWidget(this)),
      examples_(new QTableWidget(this)),
      worker_(new DistillationWorker) {
  corpus_->addItem(tr("default (planted association)"), "default");
  const std::string sst2 = dataRoot().empty() ? "" : dataRoot() + "/sst2/train.tsv";
  const bool haveSst2 = !sst2.empty() && QFileInfo::exists(QString::fromStdString(sst2));
  if (haveSst2) {  // so that a student fine-tuned on SST-2 knows its words
    corpus_->addItem(tr("default + 3,000 SST-2 sentences"), QString::fromStdString("default+" + sst2));
    corpus_->setItemData(1, 3000, kCorpusLinesRole);
  }
  corpus_->addItem(tr("Choose a text file…"), "");
  offerChooser(corpus_, [this] { return QFileDialog::getOpenFileName(this, tr("Corpus (one sentence per line)")); });
  teacher_->addItem(tr("word-level, trained here"), "word");
  teacher_->addItem(tr("Choose a GPT-2 model folder…"), "");
  teacher_->setToolTip(tr("A Hugging Face folder (config.json, model.safetensors, vocab.json + merges.txt) of a "
                          "GPT-2-family model, read from disk"));
  offerChooser(teacher_, [this]() -> QString {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("GPT-2-family model folder"));
    if (folder.isEmpty()) return {};
    try {
      status_->setText(describeTeacher(folder));
      teacherEpochs_->setValue(0);  // a pretrained teacher as read, unless asked to fine-tune it
      return folder;
    } catch (const std::exception& e) {
      status_->setText(tr("Not a teacher: %1").arg(QString::fromUtf8(e.what())));
      return {};
    }
  });
  connect(teacher_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    if (teacher_->itemData(i).toString() == "word" && teacherEpochs_->value() == 0)
      teacherEpochs_->setValue(DistillationRunOptions{}.teacher.epochs);  // a teacher trained here needs epochs
  });
  downstream_->addItem(tr("none"), "");
  downstream_->addItem(tr("default dataset (intents)"), "default");
  if (haveSst2) downstream_->addItem(tr("SST-2 sentiment"), "sst2");
  downstream_->setToolTip(tr("Fine-tune each student's saved model on this task and audit the classifier's fairness"));
  downstreamSteps_->setRange(0, 100000);
  downstreamSteps_->setValue(300);
  downstreamSteps_->setSpecialValueText(tr("1 epoch"));
  downstreamSteps_->setToolTip(tr("Downstream fine-tuning steps (batches of 64)"));
  studentLayers_->setRange(0, 48);
  studentLayers_->setSpecialValueText(tr("half"));
  studentLayers_->setToolTip(tr("Student layers (half the teacher's by default)"));
  for (auto* c : {kd_, cda_, perturb_, both_}) c->setChecked(true);
  const DistillationRunOptions defaults;
  epochs_->setRange(1, 200);
  epochs_->setValue(defaults.distillation.training.epochs);
  epochs_->setToolTip(tr("Student epochs"));
  teacherEpochs_->setRange(0, 200);
  teacherEpochs_->setValue(defaults.teacher.epochs);
  teacherEpochs_->setToolTip(tr("Teacher epochs on the corpus (0: a pretrained teacher as read)"));
  stop_->setEnabled(false);
  status_->setWordWrap(true);
  plot_->setMinimumHeight(140);
  plot_->legend->setVisible(true);
  // Compact rows above the bars (the y range leaves them room), so no bar hides behind them.
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->legend->setWrap(3);
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
  plot_->yAxis->setLabel(tr("disparity"));
  plot_->yAxis2->setVisible(true);
  plot_->yAxis2->setLabel(tr("perplexity"));
  students_->setColumnCount(kStudentColumns);
  students_->setHorizontalHeaderLabels({tr("method"), tr("generation disparity"), tr("perplexity"), tr("downstream accuracy"),
                                        tr("flip rate"), tr("token-fairness gap"), tr("EO difference"), tr("runs")});
  students_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  students_->verticalHeader()->hide();
  students_->setMaximumHeight(150);
  students_->setToolTip(tr("Each student is a stored run with its model folder; the downstream classifier is a run of its own"));
  examples_->setColumnCount(9);
  examples_->setHorizontalHeaderLabels({tr("method"), tr("prompt"), tr("swapped twin"), tr("teacher"), tr("student"),
                                        tr("teacher (twin)"), tr("student (twin)"), tr("teacher polarity"),
                                        tr("student polarity")});
  auto* delegate = new RichTextDelegate(examples_);
  for (int c : {kPrompt, kTwin, kTeacher, kStudent, kTeacherTwin, kStudentTwin}) examples_->setItemDelegateForColumn(c, delegate);
  examples_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  examples_->verticalHeader()->hide();
  examples_->setSortingEnabled(true);
  filter_->setPlaceholderText(tr("Filter examples (method, prompt or continuation)…"));
  connect(filter_, &QLineEdit::textChanged, this, &DistillationView::applyFilter);

  // Two rows, so that the tab fits a 1024-pixel window beside the designer; the choosers shrink
  // to a few characters of their item rather than widen the window.
  for (auto* combo : {corpus_, teacher_, downstream_}) {
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(6);
  }
  auto* controls = new QVBoxLayout;
  auto* first = new QHBoxLayout, *second = new QHBoxLayout;
  first->addWidget(new QLabel(tr("Corpus"), this));
  first->addWidget(corpus_, 1);
  first->addWidget(new QLabel(tr("Teacher"), this));
  first->addWidget(teacher_, 1);
  first->addWidget(new QLabel(tr("Downstream"), this));
  first->addWidget(downstream_, 1);
  first->addWidget(downstreamSteps_);
  first->addWidget(run_);
  first->addWidget(stop_);
  for (auto* c : {kd_, cda_, perturb_, both_}) second->addWidget(c);
  second->addWidget(new QLabel(tr("epochs: teacher"), this));
  second->addWidget(teacherEpochs_);
  second->addWidget(new QLabel(tr("student"), this));
  second->addWidget(epochs_);
  second->addWidget(new QLabel(tr("student layers"), this));
  second->addWidget(studentLayers_);
  second->addStretch(1);
  controls->addLayout(first);
  controls->addLayout(second);
  auto* bottom = new QWidget(this);
  auto* bottomLayout = new QVBoxLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addWidget(students_);
  bottomLayout->addWidget(filter_);
  bottomLayout->addWidget(examples_, 1);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(plot_);
  split->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(split, 1);

  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &DistillationView::runRequested, worker_, &DistillationWorker::run);
  connect(worker_, &DistillationWorker::progress, status_, &QLabel::setText);
  connect(worker_, &DistillationWorker::studentReady, this, &DistillationView::addOutcome);
  const auto done = [this](bool ok, const QString& message) {
    running_ = false;
    run_->setEnabled(true);
    stop_->setEnabled(false);
    status_->setText(message);
    Q_EMIT runFinished(ok, message);
  };
  connect(worker_, &DistillationWorker::finished, this, [this, done](bool cancelled) {
    done(!cancelled, cancelled ? tr("Stopped after %n student(s)", nullptr, int(outcomes_.size()))
                               : tr("Distilled %n student(s); each is a run of experiment 'distill'", nullptr, int(outcomes_.size())));
  });
  connect(worker_, &DistillationWorker::failed, this, [done](const QString& e) { done(false, tr("Distillation failed: %1").arg(e)); });
  connect(run_, &QPushButton::clicked, this, [this] { start(); });
  connect(stop_, &QPushButton::clicked, this, &DistillationView::stop);
  thread_.start();
}

DistillationView::~DistillationView() {
  worker_->requestStop();
  thread_.quit();
  thread_.wait();
}

void DistillationView::start(const QStringList& methods, int epochs, int teacherEpochs) {
  if (running_) return;
  std::vector<std::string> chosen;
  for (const auto& m : methods) chosen.push_back(m.toStdString());
  if (chosen.empty())
    for (auto [box, name] : {std::pair{kd_, "kd"}, std::pair{cda_, "cda"}, std::pair{perturb_, "perturb"}, std::pair{both_, "both"}})
      if (box->isChecked()) chosen.push_back(name);
  if (chosen.empty()) {
    status_->setText(tr("Choose at least one method."));
    return;
  }
  const QString teacher = teacher_->currentData().toString();
  const int teacherRounds = teacherEpochs > 0 ? teacherEpochs : teacherEpochs_->value();
  if (teacher == "word" && teacherRounds == 0) {
    status_->setText(tr("A teacher trained here needs at least one epoch."));
    return;
  }
  outcomes_.clear();
  students_->setRowCount(0);
  examples_->setRowCount(0);
  redrawPlot();
  running_ = true;
  run_->setEnabled(false);
  stop_->setEnabled(true);
  status_->setText(teacherRounds > 0 ? tr("Training the teacher…") : tr("Reading the teacher…"));
  const nlohmann::json o = {{"corpus", corpus_->currentData().toString().toStdString()},
                            {"methods", chosen},
                            {"epochs", epochs > 0 ? epochs : epochs_->value()},
                            {"teacher_epochs", teacherRounds},
                            {"teacher_model", teacher == "word" ? "" : teacher.toStdString()},
                            {"student_layers", studentLayers_->value()},
                            {"corpus_lines", corpus_->currentData(kCorpusLinesRole).toInt()},
                            {"downstream", downstream_->currentData().toString().toStdString()},
                            {"downstream_steps", downstreamSteps_->value()}};
  Q_EMIT runRequested(QString::fromStdString(o.dump()), storePath_);
}

void DistillationView::stop() { worker_->requestStop(); }

void DistillationView::setDownstream(const QString& dataset, int steps) {
  int i = downstream_->findData(dataset);
  if (i < 0) {
    downstream_->addItem(QFileInfo(dataset).fileName(), dataset);
    i = downstream_->count() - 1;
  }
  downstream_->setCurrentIndex(i);
  downstreamSteps_->setValue(steps);
}

void DistillationView::addStudentRow(const DistillationOutcome& r) {
  const auto downstream = [&](const std::string& key) {
    const auto it = r.downstream.find(key);
    return it == r.downstream.end() ? std::nan("") : it->second;
  };
  const int row = students_->rowCount();
  students_->insertRow(row);
  students_->setItem(row, kStudentMethod, new QTableWidgetItem(QString::fromStdString(r.method)));
  students_->setItem(row, kGeneration, numberItem(r.disparity));
  students_->setItem(row, kPerplexity, numberItem(r.perplexity));
  students_->setItem(row, kAccuracy, numberItem(downstream("test/accuracy")));
  students_->setItem(row, kFlipRate, numberItem(downstream(fairnessKey("flip_rate"))));
  students_->setItem(row, kTokenGap, numberItem(downstream(tokenGapKey())));
  students_->setItem(row, kEoDifference, numberItem(downstream(fairnessKey("eo_difference"))));
  students_->setItem(row, kRuns, new QTableWidgetItem(r.downstreamRunId ? tr("%1 → %2").arg(r.runId).arg(r.downstreamRunId)
                                                                          : QString::number(r.runId)));
  students_->resizeColumnsToContents();
}

void DistillationView::addOutcome(const DistillationOutcome& r) {
  outcomes_.push_back(r);
  addStudentRow(r);
  redrawPlot();
  static const GenderSwapper swapper = GenderSwapper::builtIn();
  examples_->setSortingEnabled(false);
  for (const auto& c : r.continuations) {
    const int row = examples_->rowCount();
    examples_->insertRow(row);
    examples_->setItem(row, kMethod, new QTableWidgetItem(QString::fromStdString(r.method)));
    examples_->setItem(row, kPrompt, gendered(c.prompt, swapper));
    auto* twin = new QTableWidgetItem(QString::fromStdString(c.swappedPrompt));
    twin->setData(Qt::UserRole, highlightedHtml(c.swappedPrompt, swapRanges(swapper.swap(c.prompt).swaps, true)));
    examples_->setItem(row, kTwin, twin);
    examples_->setItem(row, kTeacher, gendered(c.teacher, swapper));
    examples_->setItem(row, kStudent, gendered(c.student, swapper));
    examples_->setItem(row, kTeacherTwin, gendered(c.teacherSwapped, swapper));
    examples_->setItem(row, kStudentTwin, gendered(c.studentSwapped, swapper));
    examples_->setItem(row, kTeacherPolarity, numberItem(c.teacherPolarity));
    examples_->setItem(row, kStudentPolarity, numberItem(c.studentPolarity));
  }
  examples_->setSortingEnabled(true);
  examples_->resizeColumnsToContents();
  applyFilter();
}

void DistillationView::redrawPlot() {
  plot_->clearPlottables();
  plot_->clearItems();
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  auto* disparity = new QCPBars(plot_->xAxis, plot_->yAxis);
  disparity->setName(tr("generation disparity"));
  disparity->setBrush(MetricPlot::paletteColor(0));
  disparity->setWidth(0.35);
  // Beside it, the downstream classifier's disparity (its counterfactual token-fairness gap).
  const bool downstream = std::any_of(outcomes_.begin(), outcomes_.end(), [](const auto& o) { return o.downstream.count(tokenGapKey()); });
  QCPBars* gap = nullptr;
  if (downstream) {
    gap = new QCPBars(plot_->xAxis, plot_->yAxis);
    gap->setName(tr("downstream token gap"));
    gap->setBrush(MetricPlot::paletteColor(2));
    gap->setWidth(0.35);
    auto* group = new QCPBarsGroup(plot_);
    disparity->setBarsGroup(group);
    gap->setBarsGroup(group);
  }
  auto* ppl = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
  ppl->setName(tr("perplexity"));
  ppl->setLineStyle(QCPGraph::lsNone);
  ppl->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, MetricPlot::paletteColor(1), 10));
  double topPpl = 1;
  for (size_t i = 0; i < outcomes_.size(); ++i) {
    ticker->addTick(double(i), QString::fromStdString(outcomes_[i].method));
    disparity->addData(double(i), outcomes_[i].disparity);
    if (gap && outcomes_[i].downstream.count(tokenGapKey())) gap->addData(double(i), outcomes_[i].downstream.at(tokenGapKey()));
    ppl->addData(double(i), outcomes_[i].perplexity);
    topPpl = std::max({topPpl, outcomes_[i].perplexity, outcomes_[i].teacherPerplexity});
  }
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setRange(-0.6, std::max<double>(0.6, double(outcomes_.size()) - 0.4));
  plot_->yAxis->setRange(0, 1.5);  // headroom for the legend's rows
  plot_->yAxis2->setRange(0, topPpl * 1.5);
  if (!outcomes_.empty()) {  // the teacher as dashed lines on both axes
    for (auto [value, axis, colour, name] :
         {std::tuple{outcomes_[0].teacherDisparity, plot_->yAxis, MetricPlot::paletteColor(0), tr("teacher disparity")},
          std::tuple{outcomes_[0].teacherPerplexity, plot_->yAxis2, MetricPlot::paletteColor(1), tr("teacher perplexity")}}) {
      auto* line = plot_->addGraph(plot_->xAxis, axis);
      line->setName(name);
      line->setPen(QPen(colour, 1.5, Qt::DashLine));
      line->setData({-0.6, double(outcomes_.size()) - 0.4}, {value, value});
    }
  }
  plot_->replot();
}

void DistillationView::applyFilter() {
  const QString needle = filter_->text().trimmed();
  for (int r = 0; r < examples_->rowCount(); ++r) {
    examples_->setRowHidden(r, !rowContains(examples_, r, needle));
  }
}

QStringList DistillationView::exportAll(const QString& basePath, double widthPt, double heightPt) {
  if (outcomes_.empty()) return {};
  PlotDescription d;
  d.title = "Role-reversal distillation";
  d.xLabel = "method (0 = first listed)";
  d.yLabel = "value";
  PlotSeries disparity{"gender disparity", {}, {}, MetricPlot::paletteColor(0).name().toStdString()};
  PlotSeries ppl{"perplexity", {}, {}, MetricPlot::paletteColor(1).name().toStdString()};
  for (size_t i = 0; i < outcomes_.size(); ++i) {
    disparity.x.push_back(double(i)), disparity.y.push_back(outcomes_[i].disparity);
    ppl.x.push_back(double(i)), ppl.y.push_back(outcomes_[i].perplexity);
  }
  d.series = {disparity, ppl};
  PlotSeries gap{"downstream token-fairness gap", {}, {}, MetricPlot::paletteColor(2).name().toStdString()};
  for (size_t i = 0; i < outcomes_.size(); ++i)
    if (outcomes_[i].downstream.count(tokenGapKey())) gap.x.push_back(double(i)), gap.y.push_back(outcomes_[i].downstream.at(tokenGapKey()));
  if (!gap.x.empty()) d.series.push_back(gap);
  QStringList written = exportPlot(plot_, d, basePath + "-distillation", widthPt, heightPt);
  written << writeTableCsv(basePath + "-distillation-students.csv", students_);
  written << writeTableCsv(basePath + "-distillation-examples.csv", examples_);
  return written;
}

}  // namespace trustlab
