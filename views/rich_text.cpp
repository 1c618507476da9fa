#include "rich_text.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QTextDocument>

namespace trustlab {

void RichTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  const QString html = index.data(Qt::UserRole).toString();
  if (html.isEmpty()) {
    QStyledItemDelegate::paint(painter, option, index);
    return;
  }
  QStyleOptionViewItem o = option;
  initStyleOption(&o, index);
  QTextDocument doc;
  doc.setHtml(html);
  o.text.clear();
  o.widget->style()->drawControl(QStyle::CE_ItemViewItem, &o, painter, o.widget);
  painter->save();
  painter->translate(o.rect.topLeft());
  painter->setClipRect(o.rect.translated(-o.rect.topLeft()));
  doc.documentLayout()->draw(painter, {});
  painter->restore();
}

QString highlightedHtml(const std::string& text, const std::vector<std::pair<size_t, size_t>>& ranges) {
  QString html;
  size_t at = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin < at || end > text.size()) continue;
    html += QString::fromStdString(text.substr(at, begin - at)).toHtmlEscaped();
    html += "<b style='color:#D55E00'>" + QString::fromStdString(text.substr(begin, end - begin)).toHtmlEscaped() + "</b>";
    at = end;
  }
  return html + QString::fromStdString(text.substr(std::min(at, text.size()))).toHtmlEscaped();
}

std::vector<std::pair<size_t, size_t>> swapRanges(const std::vector<WordSwap>& swaps, bool inCounterfactual) {
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& s : swaps)
    out.push_back(inCounterfactual ? std::pair{s.targetBegin, s.targetEnd} : std::pair{s.sourceBegin, s.sourceEnd});
  return out;
}

}  // namespace trustlab
