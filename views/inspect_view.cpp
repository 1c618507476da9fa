#include "inspect_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "plot_exporter.h"
#include "rich_text.h"
#include "table_text.h"

namespace trustlab {
namespace {

constexpr size_t kExamples = 200;  // test examples offered to pick from
constexpr int kTopClasses = 5;

double scoreOf(const TokenAttribution& t, SaliencyKind kind) {
  return kind == SaliencyKind::IntegratedGradients ? t.integratedGradients : t.gradientTimesInput;
}

/// White blended towards orange (for the label) or blue (against) by |score| / scale: a colour
/// scale that reads in print and for the colour-blind (Okabe–Ito orange and sky blue).
QString shade(double score, double scale) {
  const double a = scale > 0 ? std::min(1.0, std::abs(score) / scale) : 0;
  const int base[2][3] = {{230, 159, 0}, {86, 180, 233}};
  const int* c = base[score < 0];
  auto mix = [&](int k) { return int(std::lround(255 * (1 - a) + c[k] * a)); };
  return QColor(mix(0), mix(1), mix(2)).name();
}

bool overlaps(long begin, long end, const std::vector<std::pair<size_t, size_t>>& ranges) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& r) { return long(r.first) < end && begin < long(r.second); });
}

QString escaped(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString tokenSpan(const QString& text, const TokenAttribution& t, bool saliency, SaliencyKind kind, double scale,
                  bool swapped) {
  QString style;
  if (saliency) style += "background-color:" + shade(scoreOf(t, kind), scale) + ";";
  if (swapped) style += "font-weight:bold; text-decoration:underline;";
  if (!t.known) style += "font-style:italic;";
  const QString title = saliency ? QString::number(scoreOf(t, kind), 'g', 3) + (t.known ? "" : " (unknown word)")
                                 : QString(t.known ? "" : "unknown word");
  return QString("<span style=\"%1\" title=\"%2\">%3</span>").arg(style, title, text);
}

/// The text with each token's span styled; tokens without offsets are shown one after another.
QString tokensHtml(const Prediction& p, SaliencyKind kind, double scale, const std::vector<std::pair<size_t, size_t>>& swapped) {
  if (p.tokens.empty()) return escaped(p.text);
  const bool located = std::all_of(p.tokens.begin(), p.tokens.end(), [](const auto& t) { return t.begin >= 0; });
  QString html;
  long cursor = 0;
  for (const auto& t : p.tokens) {
    if (!located) {
      html += tokenSpan(escaped(t.token), t, true, kind, scale, false) + " ";
      continue;
    }
    html += escaped(p.text.substr(size_t(cursor), size_t(t.begin - cursor)));
    const auto surface = escaped(p.text.substr(size_t(t.begin), size_t(t.end - t.begin)));
    html += tokenSpan(surface, t, true, kind, scale, overlaps(t.begin, t.end, swapped));
    cursor = t.end;
  }
  if (located) html += escaped(p.text.substr(size_t(cursor)));
  return html;
}

}  // namespace

QString predictionHtml(const Prediction& p, const std::vector<std::string>& labels, SaliencyKind kind, double scale,
                       const std::vector<std::pair<size_t, size_t>>& swapped) {
  QString html = "<p style=\"font-size:15pt; line-height:150%\">";
  html += p.tokens.empty() ? highlightedHtml(p.text, swapped) : tokensHtml(p, kind, scale, swapped);
  html += "</p>";
  html += QString("<p>Predicted <b>%1</b> (p = %2)</p>")
              .arg(escaped(labels.at(size_t(p.predicted))))
              .arg(p.probabilities.at(size_t(p.predicted)), 0, 'f', 4);
  std::vector<size_t> order(labels.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.probabilities[a] > p.probabilities[b]; });
  html += "<table cellspacing=\"0\" cellpadding=\"2\">";
  for (size_t k = 0; k < std::min<size_t>(order.size(), kTopClasses); ++k) {
    const double q = p.probabilities[order[k]];
    html += QString("<tr><td>%1</td><td align=\"right\">%2</td><td style=\"color:#0072B2\">%3</td></tr>")
                .arg(escaped(labels[order[k]]))
                .arg(q, 0, 'f', 4)
                .arg(QString(int(std::lround(q * 30)), QChar(0x2588)));
  }
  html += "</table>";
  if (!p.tokens.empty())
    html += QString("<p><small>%1 for <b>%2</b>: orange for, blue against, full colour at ±%3. "
                    "Integrated gradients' completeness gap %4. Italic: not in the run's vocabulary.</small></p>")
                .arg(kind == SaliencyKind::IntegratedGradients ? QObject::tr("Integrated gradients")
                                                               : QObject::tr("Gradient × input"))
                .arg(escaped(labels.at(size_t(p.predicted))))
                .arg(scale, 0, 'g', 3)
                .arg(p.completenessGap, 0, 'g', 2);
  return html;
}

InspectView::InspectView(QWidget* parent)
    : QWidget(parent),
      runLabel_(new QLabel(tr("Select a finished run in the run table."))),
      text_(new QLineEdit),
      examples_(new QComboBox),
      kind_(new QComboBox),
      saliency_(new QCheckBox(tr("Saliency"))),
      counterfactualBox_(new QCheckBox(tr("Counterfactual"))),
      predict_(new QPushButton(tr("Predict"))),
      original_(new QTextBrowser),
      counterfactual_(new QTextBrowser),
      status_(new QLabel) {
  text_->setObjectName("inspectText");
  text_->setPlaceholderText(tr("Type an utterance and press Enter"));
  examples_->setObjectName("inspectExamples");
  examples_->setMinimumContentsLength(24);
  examples_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  kind_->addItem(tr("Integrated gradients"));
  kind_->addItem(tr("Gradient × input"));
  saliency_->setChecked(true);
  counterfactualBox_->setChecked(true);
  original_->setObjectName("inspectOriginal");
  counterfactual_->setObjectName("inspectCounterfactual");
  status_->setWordWrap(true);

  auto* input = new QHBoxLayout;
  input->addWidget(runLabel_);
  input->addWidget(text_, 1);
  input->addWidget(predict_);
  auto* options = new QHBoxLayout;
  options->addWidget(new QLabel(tr("Test example:")));
  options->addWidget(examples_, 1);
  options->addWidget(saliency_);
  options->addWidget(kind_);
  options->addWidget(counterfactualBox_);
  auto* panes = new QHBoxLayout;
  for (auto [title, view] : {std::pair{tr("Utterance"), original_}, std::pair{tr("Gender-swapped counterfactual"), counterfactual_}}) {
    auto* column = new QVBoxLayout;
    column->addWidget(new QLabel("<b>" + title + "</b>"));
    column->addWidget(view, 1);
    panes->addLayout(column, 1);
  }
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(input);
  layout->addLayout(options);
  layout->addLayout(panes, 1);
  layout->addWidget(status_);

  connect(text_, &QLineEdit::returnPressed, this, [this] { inspect(text_->text()); });
  connect(predict_, &QPushButton::clicked, this, [this] { inspect(text_->text()); });
  connect(examples_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    const QString text = examples_->itemData(i).toString();
    if (text.isEmpty()) return;
    text_->setText(text);
    inspect(text);
  });
  connect(kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, &InspectView::render);
  connect(&watcher_, &QFutureWatcher<Job>::finished, this, &InspectView::onJobDone);
}

InspectView::~InspectView() { watcher_.waitForFinished(); }

void InspectView::setRun(qlonglong runId, const QString& storePath) {
  if (runId == runId_ && storePath == storePath_) return;
  runId_ = runId;
  storePath_ = storePath;
  inspector_.reset();
  examples_->clear();
  runLabel_->setText(runId > 0 ? tr("Run #%1").arg(runId) : tr("No run"));
  if (runId > 0 && !text_->text().trimmed().isEmpty()) inspect(text_->text());
  else if (runId > 0) inspect({});  // loads the model and its examples
}

void InspectView::inspect(const QString& text) {
  if (runId_ <= 0) {
    status_->setText(tr("Select a finished run in the run table first."));
    return;
  }
  if (watcher_.isRunning()) {
    status_->setText(tr("Busy with the last request; try again in a moment."));
    return;
  }
  InspectOptions o;
  o.saliency = saliency_->isChecked();
  o.counterfactual = counterfactualBox_->isChecked();
  status_->setText(inspector_ ? tr("Computing…") : tr("Loading run %1's model…").arg(runId_));
  predict_->setEnabled(false);
  watcher_.setFuture(QtConcurrent::run([inspector = inspector_, runId = runId_, store = storePath_.toStdString(),
                                        text = text.toStdString(), o]() {
    Job job;
    try {
      job.inspector = inspector;
      if (!job.inspector) {
        job.inspector = std::make_shared<const ModelInspector>(ModelInspector::forRun(RunStore(store, true), runId));
        try {
          job.examples = job.inspector->testExamples(kExamples);
        } catch (const std::exception&) {
          // The run's data may live elsewhere: typing still works, only the picker stays empty.
        }
      }
      if (!text.empty()) job.result = job.inspector->inspect(text, o);
    } catch (const std::exception& e) {
      job.error = QString::fromStdString(e.what());
    }
    return job;
  }));
}

void InspectView::onJobDone() {
  predict_->setEnabled(true);
  Job job = watcher_.result();
  if (!job.inspector) {
    status_->setText(job.error);
    Q_EMIT failed(job.error);
    return;
  }
  if (!inspector_) {
    inspector_ = job.inspector;
    examples_->clear();
    examples_->addItem(job.examples.empty() ? tr("(no test examples readable here)") : tr("Pick one…"));
    for (const auto& e : job.examples)
      examples_->addItem(QString::fromStdString(e.text + "  (gold: " + e.label + ")"), QString::fromStdString(e.text));
  }
  if (!job.error.isEmpty()) {
    status_->setText(job.error);
    Q_EMIT failed(job.error);
    return;
  }
  if (job.result.original.text.empty()) {
    status_->setText(tr("Run %1's model is loaded: type an utterance or pick a test example.").arg(runId_));
    return;
  }
  shown_ = std::move(job.result);
  render();
  status_->clear();
  Q_EMIT inspected(QString::fromStdString(inspector_->labels().at(size_t(shown_->original.predicted))));
}

void InspectView::render() {
  if (!shown_ || !inspector_) return;
  const auto kind = SaliencyKind(kind_->currentIndex());
  // One scale for both sides, so that their shades compare.
  double scale = 0;
  for (const auto* p : {&shown_->original, shown_->counterfactual ? &*shown_->counterfactual : nullptr})
    if (p)
      for (const auto& t : p->tokens) scale = std::max(scale, std::abs(scoreOf(t, kind)));
  const auto& labels = inspector_->labels();
  original_->setHtml(predictionHtml(shown_->original, labels, kind, scale, swapRanges(shown_->swaps, false)));
  if (!shown_->counterfactual) {
    counterfactual_->setHtml(counterfactualBox_->isChecked()
                                 ? tr("<p>No counterfactual: the utterance names no gendered word the swap table knows.</p>")
                                 : QString());
    return;
  }
  QString html = predictionHtml(*shown_->counterfactual, labels, kind, scale, swapRanges(shown_->swaps, true));
  if (shown_->counterfactual->predicted != shown_->original.predicted)
    html = tr("<p style=\"color:#D55E00\"><b>The prediction flips.</b></p>") + html;
  counterfactual_->setHtml(html);
}

QStringList InspectView::exportAll(const QString& basePath, double, double) {
  if (!shown_) return {};
  makeExportFolder(basePath);
  const QString html = QString("<html><meta charset=\"utf-8\"><body><table><tr><td valign=\"top\">%1</td>"
                               "<td valign=\"top\">%2</td></tr></table></body></html>")
                           .arg(original_->toHtml(), counterfactual_->toHtml());
  QByteArray csv = "side,position,token,known,gradient_x_input,integrated_gradients\n";
  for (const auto& [side, p] : {std::pair{"original", &shown_->original},
                                std::pair{"counterfactual", shown_->counterfactual ? &*shown_->counterfactual : nullptr}}) {
    if (!p) continue;
    for (size_t i = 0; i < p->tokens.size(); ++i) {
      const auto& t = p->tokens[i];
      QString token = QString::fromStdString(t.token);
      csv += QString("%1,%2,\"%3\",%4,%5,%6\n")
                 .arg(side).arg(i).arg(token.replace("\"", "\"\"")).arg(t.known ? 1 : 0)
                 .arg(t.gradientTimesInput, 0, 'g', 10).arg(t.integratedGradients, 0, 'g', 10)
                 .toUtf8();
    }
  }
  return {writeTextFile(basePath + "-inspect.html", html.toUtf8()), writeTextFile(basePath + "-inspect-saliency.csv", csv)};
}

}  // namespace trustlab
