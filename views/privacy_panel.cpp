#include "privacy_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <cmath>

#include "metric_plot.h"
#include "privacy/accountant.h"
#include "privacy/calibration.h"
#include "privacy/privacy_history.h"
#include "spec/experiment_spec.h"
#include "training/auto_hyperparameters.h"

namespace trustlab {
namespace {
constexpr int kEpsilonSliderSteps = 300;  // log10 ε from −1 to 2
constexpr int kCurvePoints = 40, kPrvCurvePoints = 12;
const char* kRule = "1/N^1.1";

double sliderToEpsilon(int v) { return std::pow(10.0, -1.0 + 3.0 * v / kEpsilonSliderSteps); }
int epsilonToSlider(double e) { return int(std::lround((std::log10(e) + 1.0) / 3.0 * kEpsilonSliderSteps)); }

QString accountantLabel(const std::string& a) {
  const auto* e = accountantRegistry().find(a);
  return QString::fromStdString(e && !e->label.empty() ? e->label : a);
}

/// The accountants, the costly ones (PRV) only when `costly`.
std::vector<std::string> accountants(bool costly) {
  std::vector<std::string> out;
  for (const auto& name : accountantNames())
    if (costly || !accountantRegistry().at(name).costly) out.push_back(name);
  return out;
}

/// The σ all curves are drawn at: the selected accountant's, or RDP's until a costly one is known.
double curveSigma(const PrivacyAnswer& a, const std::string& selected) {
  const auto it = a.noiseMultiplier.find(selected);
  return it != a.noiseMultiplier.end() ? it->second : a.noiseMultiplier.at(kRdpAccountant);
}

/// σ for each accountant, then their ε curves at the selected accountant's σ.
PrivacyAnswer compute(const PrivacyBudget& b, const std::vector<std::string>& names) {
  PrivacyAnswer a;
  try {
    a.sampleRate = double(b.batchSize) / double(b.datasetSize);
    a.steps = stepsForEpochs(b.epochs, a.sampleRate);
    for (const auto& acc : names) {
      const bool costly = accountantRegistry().at(acc).costly;
      const double tolerance = costly ? 1e-4 : 5e-5;  // each evaluation of a costly one is a full composition
      a.noiseMultiplier[acc] = calibrateNoise(b.targetEpsilon, b.delta, a.sampleRate, a.steps, acc, tolerance).noiseMultiplier;
    }
    const double sigma = curveSigma(a, b.accountant);
    for (const auto& acc : names) {
      const int points = accountantRegistry().at(acc).costly ? kPrvCurvePoints : kCurvePoints;
      a.curves.push_back(epsilonCurve(acc, sigma, a.sampleRate, curveSteps(a.steps, points), b.delta));
    }
  } catch (const std::exception& e) {
    a.error = e.what();
  }
  return a;
}
}  // namespace

PrivacyAnswer PrivacyPanel::computeFast(const PrivacyBudget& b) { return compute(b, accountants(false)); }

PrivacyAnswer PrivacyPanel::computePrv(const PrivacyBudget& b) { return compute(b, accountants(true)); }

PrivacyPanel::PrivacyPanel(QWidget* parent) : QWidget(parent) {
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kEpsilonSliderSteps);
  slider_->setObjectName("epsilonSlider");
  epsilon_ = new QDoubleSpinBox(this);
  epsilon_->setRange(0.1, 100);
  epsilon_->setDecimals(3);
  epsilon_->setSingleStep(0.1);
  delta_ = new QComboBox(this);
  delta_->setEditable(true);
  delta_->addItems({"1e-5", "1e-6", "1e-7", kRule});
  delta_->setToolTip(tr("δ should be well below 1/N; 1/N^1.1 is a common rule"));
  datasetSize_ = new QSpinBox(this);
  datasetSize_->setRange(1, 2000000000);
  batchSize_ = new QSpinBox(this);
  batchSize_->setRange(1, 2000000000);
  batchSize_->setToolTip(tr("Expected (Poisson) batch size; q = batch / N"));
  epochs_ = new QDoubleSpinBox(this);
  epochs_->setRange(0.01, 100000);
  epochs_->setDecimals(2);
  accountant_ = new QComboBox(this);
  for (const auto& acc : accountantNames()) accountant_->addItem(accountantLabel(acc), QString::fromStdString(acc));
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::RichText);
  summary_->setMinimumWidth(320);
  summary_->setMinimumHeight(130);
  summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  auto* apply = new QPushButton(tr("Apply to experiment"), this);
  apply->setToolTip(tr("Put the batch size and epochs (and σ, for private training) into the experiment designer"));
  connect(apply, &QPushButton::clicked, this, [this] {
    const auto b = budget();
    Q_EMIT applyRequested(b.batchSize, b.epochs, noiseMultiplier(), b.targetEpsilon, b.delta);
  });

  plot_ = new MetricPlot(tr("Privacy spent during training"), tr("step"), tr("ε"), this);
  plot_->setSmoothingOffered(false);  // ε is exact
  plot_->setLegendCorner(Qt::AlignRight | Qt::AlignBottom);

  auto* epsRow = new QHBoxLayout;
  epsRow->addWidget(slider_, 1);
  epsRow->addWidget(epsilon_);
  auto* box = new QGroupBox(tr("Privacy budget"), this);
  auto* form = new QFormLayout(box);
  form->addRow(tr("Target ε"), epsRow);
  form->addRow(tr("δ"), delta_);
  form->addRow(tr("Dataset size N"), datasetSize_);
  form->addRow(tr("Batch size"), batchSize_);
  form->addRow(tr("Epochs"), epochs_);
  form->addRow(tr("Accountant"), accountant_);
  source_ = new QLabel(tr("Workload: the defaults below until an experiment is designed."), this);
  source_->setObjectName("privacyWorkloadSource");
  source_->setWordWrap(true);
  source_->setMaximumWidth(360);
  auto* left = new QVBoxLayout;
  left->addWidget(source_);
  left->addWidget(box);
  left->addWidget(summary_);
  left->addWidget(apply);
  left->addStretch(1);
  auto* layout = new QHBoxLayout(this);
  layout->addLayout(left);
  layout->addWidget(plot_, 1);

  setBudget(PrivacyBudget());
  debounce_.setSingleShot(true);
  debounce_.setInterval(10);
  connect(&debounce_, &QTimer::timeout, this, &PrivacyPanel::launch);
  connect(slider_, &QSlider::valueChanged, this, &PrivacyPanel::setEpsilonFromSlider);
  connect(epsilon_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double e) {
    const QSignalBlocker block(slider_);
    slider_->setValue(epsilonToSlider(e));
    inputsChanged();
  });
  connect(delta_, &QComboBox::currentTextChanged, this, &PrivacyPanel::inputsChanged);
  for (auto* s : {datasetSize_, batchSize_}) connect(s, qOverload<int>(&QSpinBox::valueChanged), this, &PrivacyPanel::inputsChanged);
  connect(epochs_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &PrivacyPanel::inputsChanged);
  connect(accountant_, qOverload<int>(&QComboBox::currentIndexChanged), this, &PrivacyPanel::inputsChanged);
  connect(&fastWatcher_, &QFutureWatcher<PrivacyAnswer>::finished, this, [this] {
    if (fastGeneration_ == generation_) showAnswer(fastWatcher_.result(), false);
  });
  connect(&prvWatcher_, &QFutureWatcher<PrivacyAnswer>::finished, this, [this] {
    if (prvGeneration_ == generation_) showAnswer(prvWatcher_.result(), true);
    else if (!prvWatcher_.isRunning()) launch();  // a newer request waited for this one
  });
  launch();
}

void PrivacyPanel::setEpsilonFromSlider(int v) {
  const QSignalBlocker block(epsilon_);
  epsilon_->setValue(sliderToEpsilon(v));
  inputsChanged();
}

PrivacyBudget PrivacyPanel::budget() const {
  PrivacyBudget b;
  b.targetEpsilon = epsilon_->value();
  b.datasetSize = datasetSize_->value();
  b.batchSize = batchSize_->value();
  b.epochs = epochs_->value();
  b.accountant = accountant_->currentData().toString().toStdString();
  const QString d = delta_->currentText().trimmed();
  bool ok = false;
  b.delta = d == kRule ? 1.0 / std::pow(double(b.datasetSize), 1.1) : d.toDouble(&ok);
  if (d != kRule && !ok) b.delta = std::nan("");  // reported as a bad δ
  return b;
}

void PrivacyPanel::setBudget(const PrivacyBudget& b) {
  const QSignalBlocker b1(slider_), b2(epsilon_), b3(delta_), b4(datasetSize_), b5(batchSize_), b6(epochs_), b7(accountant_);
  epsilon_->setValue(b.targetEpsilon);
  slider_->setValue(epsilonToSlider(b.targetEpsilon));
  delta_->setCurrentText(QString::number(b.delta, 'g', 6));
  datasetSize_->setValue(int(b.datasetSize));
  batchSize_->setValue(int(b.batchSize));
  epochs_->setValue(b.epochs);
  accountant_->setCurrentIndex(accountant_->findData(QString::fromStdString(b.accountant)));
  inputsChanged();
}

void PrivacyPanel::followExperiment(const ExperimentSpec& spec, long trainExamples, const QString& datasetName) {
  PrivacyBudget b = budget();
  if (trainExamples > 0) b.datasetSize = trainExamples;
  // What a run of the spec would train with: its auto fields chosen as the run will choose them.
  TrainConfig t = spec.training;
  std::vector<ChosenHyperparameter> chosen;
  try {
    chosen = chooseHyperparameters(t, b.datasetSize, !spec.federated.enabled);
  } catch (const std::exception&) {  // an unreachable target: the run will say so; show the defaults
    chosen = chooseHyperparameters(t, b.datasetSize, false);
  }
  b.batchSize = t.batchSize;
  // A step budget overrides epochs: the same number of expected batches.
  b.epochs = t.maxSteps > 0 ? double(t.maxSteps) * double(b.batchSize) / double(b.datasetSize) : double(t.epochs);
  QStringList auto_;
  for (const auto& c : chosen) auto_ << QString::fromStdString(c.field + " " + c.value);
  const auto& p = spec.training.privacy;
  if (p.enabled()) {
    if (p.targetEpsilon > 0) b.targetEpsilon = p.targetEpsilon;
    b.delta = p.delta;
    b.accountant = p.accountant;
  }
  setBudget(b);
  source_->setText(tr("Workload from the experiment: %1, N = %2 training examples, batch %3, %4 epochs%5%6. "
                      "Edit any field to ask “what if”.")
                       .arg(datasetName)
                       .arg(b.datasetSize)
                       .arg(b.batchSize)
                       .arg(b.epochs, 0, 'g', 4)
                       .arg(p.enabled() ? tr(" (private: ε and δ as designed)") : QString())
                       .arg(auto_.isEmpty() ? QString() : tr("; chosen by TrustLab: %1").arg(auto_.join(", "))));
}

void PrivacyPanel::setDatasetProblem(const QString& message) {
  source_->setText(tr("<span style='color:#b00020'>N is not from the experiment: %1</span>").arg(message.toHtmlEscaped()));
}

double PrivacyPanel::noiseMultiplier() const {
  const auto it = shown_.noiseMultiplier.find(budget().accountant);
  return it == shown_.noiseMultiplier.end() ? 0 : it->second;
}

void PrivacyPanel::inputsChanged() {
  ++generation_;
  debounce_.start();
}

void PrivacyPanel::launch() {
  const auto b = budget();
  if (b.batchSize > b.datasetSize) {
    summary_->setText(tr("<span style='color:#b00020'>The batch size exceeds the dataset size.</span>"));
    return;
  }
  fastGeneration_ = generation_;
  fastWatcher_.setFuture(QtConcurrent::run([b] { return computeFast(b); }));
  // PRV takes longer: one at a time; a newer request starts when the running one ends.
  if (!prvWatcher_.isRunning()) {
    prvGeneration_ = generation_;
    prvWatcher_.setFuture(QtConcurrent::run([b] { return computePrv(b); }));
  }
}

void PrivacyPanel::showAnswer(const PrivacyAnswer& a, bool final) {
  if (!a.error.empty()) {
    summary_->setText("<span style='color:#b00020'>" + QString::fromStdString(a.error).toHtmlEscaped() + "</span>");
    return;
  }
  shown_ = a;
  const auto b = budget();
  QString html = tr("q = %1 · %2 steps<br>").arg(a.sampleRate, 0, 'g', 4).arg(a.steps);
  for (const auto& acc : accountantNames()) {
    const auto it = a.noiseMultiplier.find(acc);
    const QString value = it != a.noiseMultiplier.end() ? QString("σ = <b>%1</b>").arg(it->second, 0, 'f', 4)
                                                        : tr("σ = computing…");
    html += QString("%1%2: %3%4<br>")
                .arg(acc == b.accountant ? "▶ " : "", accountantLabel(acc), value, acc == b.accountant ? "" : "");
  }
  const double sigma = noiseMultiplier();
  if (sigma > 0)
    html += tr("Noise std: σ·C = %1·C on the summed gradient; σ/B = %2·C per example of the mean gradient")
                .arg(sigma, 0, 'f', 4)
                .arg(sigma / double(b.batchSize), 0, 'g', 3);
  summary_->setText(html);

  plot_->clearSeries();
  for (const auto& c : a.curves) {
    const auto names = accountantNames();
    const int colour = int(std::find(names.begin(), names.end(), c.accountant) - names.begin());
    const bool approximate = !accountantRegistry().at(c.accountant).caveat.empty();
    const int id = plot_->addSeries(accountantLabel(c.accountant), MetricPlot::paletteColor(colour),
                                    approximate ? Qt::DashLine : Qt::SolidLine);
    plot_->setData(id, QVector<double>(c.steps.begin(), c.steps.end()), QVector<double>(c.epsilon.begin(), c.epsilon.end()));
  }
  Q_EMIT final ? prvUpdated() : viewUpdated();
}

}  // namespace trustlab
