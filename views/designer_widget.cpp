#include "designer_widget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "data/dataset_registry.h"
#include "models/model_factory.h"

namespace trustlab {
namespace {
QSpinBox* spin(QWidget* parent, int lo, int hi, const QString& tip = {}) {
  auto* s = new QSpinBox(parent);
  s->setRange(lo, hi);
  s->setToolTip(tip);
  return s;
}
QComboBox* combo(QWidget* parent, const QStringList& items) {
  auto* c = new QComboBox(parent);
  c->addItems(items);
  return c;
}
}  // namespace

DesignerWidget::DesignerWidget(QWidget* parent) : QWidget(parent) {
  name_ = new QLineEdit(this);
  dataset_ = new QComboBox(this);
  dataset_->setEditable(true);
  dataset_->setToolTip(tr("A built-in dataset name, or the path of a file/folder (CSV, TSV, JSONL, seq.in/label, CLINC JSON)"));
  refreshDatasets();
  auto* browse = new QToolButton(this);
  browse->setText("…");
  connect(browse, &QToolButton::clicked, this, [this] {
    const QString p = QFileDialog::getOpenFileName(this, tr("Dataset file"));
    if (!p.isEmpty()) dataset_->setCurrentText(p);
  });
  maxLength_ = spin(this, 1, 1024, tr("Utterances are truncated/padded to this many tokens"));
  model_ = combo(this, {"bag", "bilstm", "transformer"});
  embeddingDim_ = spin(this, 1, 4096);
  hidden_ = spin(this, 1, 4096, tr("LSTM units per direction"));
  layers_ = spin(this, 0, 24, tr("0 = the model's default (1 BiLSTM layer, 2 Transformer layers)"));
  heads_ = spin(this, 1, 64);
  ffn_ = spin(this, 1, 16384);
  dropout_ = new QDoubleSpinBox(this);
  dropout_->setRange(0, 0.95);
  dropout_->setSingleStep(0.05);
  optimizer_ = combo(this, {"adam", "adamw", "sgd"});
  schedule_ = combo(this, {"constant", "linear", "cosine"});
  device_ = combo(this, {"cpu", "cuda"});
  lr_ = new QLineEdit(this);
  lr_->setToolTip(tr("Learning rate, e.g. 1e-3"));
  batch_ = spin(this, 1, 65536);
  epochs_ = spin(this, 0, 10000);
  maxSteps_ = spin(this, 0, 100000000, tr("> 0 stops after this many steps, overriding epochs"));
  evalEvery_ = spin(this, 0, 1000000, tr("0 = evaluate once per epoch"));
  patience_ = spin(this, 0, 1000, tr("Stop after this many evaluations without a better valid accuracy; 0 = off"));
  seed_ = spin(this, 0, 2147483647);
  dpMode_ = combo(this, {"off", "edp", "naive"});
  dpMode_->setToolTip(tr("edp: efficient per-example clipping (eDP-SGD); naive: the textbook reference (slow)"));
  targetEpsilon_ = new QDoubleSpinBox(this);
  targetEpsilon_->setRange(0, 1000);
  targetEpsilon_->setDecimals(3);
  targetEpsilon_->setToolTip(tr("> 0: σ is calibrated to spend exactly this ε by the end; 0: use σ below"));
  noiseMultiplier_ = new QDoubleSpinBox(this);
  noiseMultiplier_->setRange(0, 1000);
  noiseMultiplier_->setDecimals(4);
  delta_ = new QLineEdit(this);
  clip_ = new QDoubleSpinBox(this);
  clip_->setRange(1e-4, 1e4);
  clip_->setDecimals(4);
  clipping_ = combo(this, {"flat", "per_layer", "auto"});
  clipping_->setToolTip(tr("flat: one bound C; per_layer: C/√L per layer; auto: per-example normalisation (no C to tune)"));
  sampling_ = combo(this, {"poisson", "shuffle"});
  accountant_ = combo(this, {"rdp", "prv", "gdp"});
  secure_ = new QCheckBox(tr("secure mode (OS-seeded noise)"), this);
  canaries_ = spin(this, 0, 1000, tr("Utterances '<prefix> <secret>' planted in training (exposure and inversion audit)"));
  canaryRepetitions_ = spin(this, 1, 10000, tr("Copies of each canary in the training data"));
  mia_ = combo(this, {"none", "loss", "lira"});
  mia_->setToolTip(tr("Membership inference a sweep runs after training (any run: Runs → Audit)"));
  shadows_ = spin(this, 2, 256, tr("LiRA shadow models, each trained with this spec"));
  federated_ = new QCheckBox(tr("federated simulation (rounds of client updates)"), this);
  partition_ = combo(this, {"natural", "iid", "dirichlet", "quantity", "lognormal", "clusters"});
  partition_->setToolTip(tr("natural: one client per user id; dirichlet: label skew Dir(α); quantity: size skew "
                            "Dir(α); lognormal: sizes ∝ exp(N(0, σ²)); clusters: skew Dir(α) over k-means clusters "
                            "of the texts. Federated tab → Preview partition shows it before training."));
  alpha_ = new QDoubleSpinBox(this);
  alpha_->setRange(0.01, 1000);
  alpha_->setDecimals(2);
  quantitySigma_ = new QDoubleSpinBox(this);
  quantitySigma_->setRange(0, 5);
  quantitySigma_->setSingleStep(0.25);
  quantitySigma_->setToolTip(tr("lognormal partition: σ of log client size"));
  clusterCount_ = spin(this, 2, 1000, tr("clusters partition: k of k-means over the texts"));
  clients_ = spin(this, 1, 1000000, tr("Population for iid/dirichlet/quantity (natural: the users)"));
  selection_ = combo(this, {"uniform", "activity"});
  selection_->setToolTip(tr("activity: p ∝ the client's number of samples, without replacement"));
  aggregation_ = combo(this, {"samples", "equal"});
  aggregation_->setToolTip(tr("Unbiased pairs: uniform + samples, activity + equal"));
  rounds_ = spin(this, 1, 1000000);
  clientsPerRound_ = spin(this, 1, 100000);
  localEpochs_ = spin(this, 1, 1000);
  localLr_ = new QDoubleSpinBox(this);
  localLr_->setRange(1e-5, 100);
  localLr_->setDecimals(5);
  algorithm_ = combo(this, {"fedavg", "fedprox", "fedadam", "fedyogi", "fedadagrad"});
  periods_ = spin(this, 1, 10000, tr("Continual setting: data arrives in this many periods, old data is deleted (1 = static)"));
  processes_ = spin(this, 1, 64,
                    tr("Local processes sharing each round's clients (Gloo over loopback, like trustlab-cli fl "
                       "--nproc); the model is the same for any count"));

  auto* datasetRow = new QHBoxLayout;
  datasetRow->addWidget(dataset_, 1);
  datasetRow->addWidget(browse);
  auto* data = new QGroupBox(tr("Data"), this);
  auto* df = new QFormLayout(data);
  df->addRow(tr("Name"), name_);
  df->addRow(tr("Dataset"), datasetRow);
  df->addRow(tr("Max length"), maxLength_);
  auto* model = new QGroupBox(tr("Model"), this);
  auto* mf = new QFormLayout(model);
  mf->addRow(tr("Architecture"), model_);
  mf->addRow(tr("Embedding dim"), embeddingDim_);
  mf->addRow(tr("LSTM hidden"), hidden_);
  mf->addRow(tr("Layers"), layers_);
  mf->addRow(tr("Heads"), heads_);
  mf->addRow(tr("FFN dim"), ffn_);
  mf->addRow(tr("Dropout"), dropout_);
  auto* training = new QGroupBox(tr("Training"), this);
  auto* tf = new QFormLayout(training);
  tf->addRow(tr("Optimizer"), optimizer_);
  tf->addRow(tr("Learning rate"), lr_);
  tf->addRow(tr("LR schedule"), schedule_);
  tf->addRow(tr("Batch size"), batch_);
  tf->addRow(tr("Epochs"), epochs_);
  tf->addRow(tr("Max steps"), maxSteps_);
  tf->addRow(tr("Eval every"), evalEvery_);
  tf->addRow(tr("Early stopping"), patience_);
  tf->addRow(tr("Seed"), seed_);
  tf->addRow(tr("Device"), device_);

  auto* privacy = new QGroupBox(tr("Privacy (eDP-SGD)"), this);
  auto* pf = new QFormLayout(privacy);
  pf->addRow(tr("DP-SGD"), dpMode_);
  pf->addRow(tr("Target ε"), targetEpsilon_);
  pf->addRow(tr("Noise σ"), noiseMultiplier_);
  pf->addRow(tr("δ"), delta_);
  pf->addRow(tr("Clip C"), clip_);
  pf->addRow(tr("Clipping"), clipping_);
  pf->addRow(tr("Sampling"), sampling_);
  pf->addRow(tr("Accountant"), accountant_);
  pf->addRow(QString(), secure_);
  auto* audit = new QGroupBox(tr("Privacy audit"), this);
  auto* af = new QFormLayout(audit);
  af->addRow(tr("Canaries"), canaries_);
  af->addRow(tr("Repetitions"), canaryRepetitions_);
  af->addRow(tr("Membership attack"), mia_);
  af->addRow(tr("LiRA shadows"), shadows_);
  auto* fed = new QGroupBox(tr("Federated"), this);
  auto* ff = new QFormLayout(fed);
  ff->addRow(QString(), federated_);
  ff->addRow(tr("Partition"), partition_);
  ff->addRow(tr("Dirichlet α"), alpha_);
  ff->addRow(tr("Log-normal σ"), quantitySigma_);
  ff->addRow(tr("Clusters"), clusterCount_);
  ff->addRow(tr("Clients"), clients_);
  ff->addRow(tr("Selection"), selection_);
  ff->addRow(tr("Aggregation"), aggregation_);
  ff->addRow(tr("Rounds"), rounds_);
  ff->addRow(tr("Clients / round"), clientsPerRound_);
  ff->addRow(tr("Local epochs"), localEpochs_);
  ff->addRow(tr("Local SGD lr"), localLr_);
  ff->addRow(tr("Algorithm"), algorithm_);
  ff->addRow(tr("Periods"), periods_);
  ff->addRow(tr("Processes"), processes_);

  issues_ = new QLabel(this);
  issues_->setWordWrap(true);
  issues_->setStyleSheet("color: #b00020;");
  start_ = new QPushButton(tr("Start"), this);
  stop_ = new QPushButton(tr("Stop"), this);
  start_->setObjectName("startButton");
  stop_->setObjectName("stopButton");
  stop_->setEnabled(false);
  connect(start_, &QPushButton::clicked, this, [this] {
    if (valid_) Q_EMIT startRequested(spec());
  });
  connect(stop_, &QPushButton::clicked, this, &DesignerWidget::stopRequested);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_);
  buttons->addWidget(stop_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(data);
  layout->addWidget(model);
  layout->addWidget(training);
  layout->addWidget(privacy);
  layout->addWidget(audit);
  layout->addWidget(fed);
  layout->addWidget(issues_);
  layout->addLayout(buttons);
  layout->addStretch(1);

  setSpec(ExperimentSpec());
  for (auto* s : findChildren<QSpinBox*>()) connect(s, qOverload<int>(&QSpinBox::valueChanged), this, &DesignerWidget::revalidate);
  for (auto* c : findChildren<QComboBox*>()) connect(c, &QComboBox::currentTextChanged, this, &DesignerWidget::revalidate);
  for (auto* l : findChildren<QLineEdit*>()) connect(l, &QLineEdit::textChanged, this, &DesignerWidget::revalidate);
  for (auto* d : findChildren<QDoubleSpinBox*>())
    connect(d, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &DesignerWidget::revalidate);
  for (auto* c : findChildren<QCheckBox*>()) connect(c, &QCheckBox::toggled, this, &DesignerWidget::revalidate);
  auto privacyEnabled = [this] {
    const bool on = dpMode_->currentText() != "off";
    for (QWidget* w : std::initializer_list<QWidget*>{targetEpsilon_, noiseMultiplier_, delta_, clip_, clipping_, sampling_,
                                                      accountant_, secure_})
      w->setEnabled(on);
    noiseMultiplier_->setEnabled(on && targetEpsilon_->value() == 0);
    clip_->setEnabled(on);
  };
  connect(dpMode_, &QComboBox::currentTextChanged, this, privacyEnabled);
  connect(targetEpsilon_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, privacyEnabled);
  privacyEnabled();
  auto federatedEnabled = [this] {
    for (QWidget* w : std::initializer_list<QWidget*>{partition_, alpha_, quantitySigma_, clusterCount_, clients_,
                                                      selection_, aggregation_, rounds_,
                                                      clientsPerRound_, localEpochs_, localLr_, algorithm_, periods_, processes_})
      w->setEnabled(federated_->isChecked());
  };
  connect(federated_, &QCheckBox::toggled, this, federatedEnabled);
  federatedEnabled();
  connect(model_, &QComboBox::currentTextChanged, this, [this](const QString& m) {
    hidden_->setEnabled(m == "bilstm");
    heads_->setEnabled(m == "transformer");
    ffn_->setEnabled(m == "transformer");
    layers_->setEnabled(m != "bag");
  });
}

void DesignerWidget::refreshDatasets() {
  const QString current = dataset_->currentText();
  const QSignalBlocker block(dataset_);
  dataset_->clear();
  for (const auto& d : knownDatasets()) {
    dataset_->addItem(QString::fromStdString(d.name));
    dataset_->setItemData(dataset_->count() - 1, QString::fromStdString(d.description), Qt::ToolTipRole);
  }
  if (!current.isEmpty()) dataset_->setCurrentText(current);
}

ExperimentSpec DesignerWidget::spec() const {
  ExperimentSpec s = base_;
  s.name = name_->text().toStdString();
  s.data.dataset = dataset_->currentText().trimmed().toStdString();
  s.data.tokenizer.maxLength = size_t(maxLength_->value());
  s.model.type = model_->currentText().toStdString();
  s.model.embeddingDim = embeddingDim_->value();
  s.model.hiddenSize = hidden_->value();
  s.model.layers = layers_->value();
  s.model.heads = heads_->value();
  s.model.ffnDim = ffn_->value();
  s.model.dropout = dropout_->value();
  s.training.optimizer = optimizer_->currentText().toStdString();
  bool ok = false;
  const double lr = lr_->text().trimmed().toDouble(&ok);
  s.training.lr = ok ? lr : -1;  // invalid text fails validation with the lr field named
  s.training.schedule = schedule_->currentText().toStdString();
  s.training.batchSize = batch_->value();
  s.training.epochs = epochs_->value();
  s.training.maxSteps = maxSteps_->value();
  s.training.evalEvery = evalEvery_->value();
  s.training.earlyStoppingPatience = patience_->value();
  s.training.seed = static_cast<unsigned long long>(seed_->value());
  s.training.device = device_->currentText().toStdString();
  auto& p = s.training.privacy;
  p.mode = dpMode_->currentText().toStdString();
  p.targetEpsilon = targetEpsilon_->value();
  p.noiseMultiplier = noiseMultiplier_->value();
  const double delta = delta_->text().trimmed().toDouble(&ok);
  p.delta = ok ? delta : -1;  // invalid text fails validation with privacy.delta named
  p.clipNorm = clip_->value();
  p.clipping = clipping_->currentText().toStdString();
  p.sampling = sampling_->currentText().toStdString();
  p.accountant = accountant_->currentText().toStdString();
  p.secure = secure_->isChecked();
  s.audit.canaries = canaries_->value();
  s.audit.canaryRepetitions = canaryRepetitions_->value();
  s.audit.mia = mia_->currentText().toStdString();
  s.audit.shadows = shadows_->value();
  auto& f = s.federated;
  f.enabled = federated_->isChecked();
  f.partition = partition_->currentText().toStdString();
  f.alpha = alpha_->value();
  f.quantitySigma = quantitySigma_->value();
  f.clusters = clusterCount_->value();
  f.clients = clients_->value();
  f.selection = selection_->currentText().toStdString();
  f.aggregation = aggregation_->currentText().toStdString();
  f.rounds = rounds_->value();
  f.clientsPerRound = clientsPerRound_->value();
  f.localEpochs = localEpochs_->value();
  f.localLr = localLr_->value();
  f.algorithm = algorithm_->currentText().toStdString();
  f.periods = periods_->value();
  f.processes = processes_->value();
  return s;
}

void DesignerWidget::setSpec(const ExperimentSpec& s) {
  base_ = s;
  name_->setText(QString::fromStdString(s.name));
  dataset_->setCurrentText(QString::fromStdString(s.data.dataset));
  maxLength_->setValue(int(s.data.tokenizer.maxLength));
  model_->setCurrentText(QString::fromStdString(s.model.type));
  embeddingDim_->setValue(int(s.model.embeddingDim));
  hidden_->setValue(int(s.model.hiddenSize));
  layers_->setValue(int(s.model.layers));
  heads_->setValue(int(s.model.heads));
  ffn_->setValue(int(s.model.ffnDim));
  dropout_->setValue(s.model.dropout);
  optimizer_->setCurrentText(QString::fromStdString(s.training.optimizer));
  lr_->setText(QString::number(s.training.lr, 'g', 6));
  schedule_->setCurrentText(QString::fromStdString(s.training.schedule));
  batch_->setValue(int(s.training.batchSize));
  epochs_->setValue(s.training.epochs);
  maxSteps_->setValue(int(s.training.maxSteps));
  evalEvery_->setValue(int(s.training.evalEvery));
  patience_->setValue(s.training.earlyStoppingPatience);
  seed_->setValue(int(s.training.seed));
  device_->setCurrentText(QString::fromStdString(s.training.device));
  const auto& p = s.training.privacy;
  dpMode_->setCurrentText(QString::fromStdString(p.mode));
  targetEpsilon_->setValue(p.targetEpsilon);
  noiseMultiplier_->setValue(p.noiseMultiplier);
  delta_->setText(QString::number(p.delta, 'g', 6));
  clip_->setValue(p.clipNorm);
  clipping_->setCurrentText(QString::fromStdString(p.clipping));
  sampling_->setCurrentText(QString::fromStdString(p.sampling));
  accountant_->setCurrentText(QString::fromStdString(p.accountant));
  secure_->setChecked(p.secure);
  canaries_->setValue(s.audit.canaries);
  canaryRepetitions_->setValue(s.audit.canaryRepetitions);
  mia_->setCurrentText(QString::fromStdString(s.audit.mia));
  shadows_->setValue(s.audit.shadows);
  const auto& f = s.federated;
  federated_->setChecked(f.enabled);
  partition_->setCurrentText(QString::fromStdString(f.partition));
  alpha_->setValue(f.alpha);
  quantitySigma_->setValue(f.quantitySigma);
  clusterCount_->setValue(f.clusters);
  clients_->setValue(f.clients);
  selection_->setCurrentText(QString::fromStdString(f.selection));
  aggregation_->setCurrentText(QString::fromStdString(f.aggregation));
  rounds_->setValue(f.rounds);
  clientsPerRound_->setValue(f.clientsPerRound);
  localEpochs_->setValue(f.localEpochs);
  localLr_->setValue(f.localLr);
  algorithm_->setCurrentText(QString::fromStdString(f.algorithm));
  periods_->setValue(f.periods);
  processes_->setValue(f.processes);
  revalidate();
}

void DesignerWidget::revalidate() {
  const auto issues = spec().validate();
  QStringList lines;
  for (const auto& i : issues) lines << QString("%1: %2").arg(QString::fromStdString(i.field), QString::fromStdString(i.message));
  issues_->setText(lines.join('\n'));
  issues_->setVisible(!lines.isEmpty());
  valid_ = issues.empty();
  start_->setEnabled(valid_ && !running_);
  Q_EMIT specChanged();
}

void DesignerWidget::setRunning(bool running) {
  running_ = running;
  start_->setEnabled(valid_ && !running);
  stop_->setEnabled(running);
}

}  // namespace trustlab
