// views: table cells drawn as rich text, used to highlight the swapped (gendered) words of
// counterfactual pairs and continuations. The HTML sits in the item's Qt::UserRole; the plain
// text stays in Qt::DisplayRole for sorting, filtering and CSV export.
#pragma once
#include <QString>
#include <QStyledItemDelegate>
#include <string>
#include <vector>

#include "fairness/counterfactual.h"

namespace trustlab {

class RichTextDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

/// `text` as HTML with the given byte ranges in bold colour.
QString highlightedHtml(const std::string& text, const std::vector<std::pair<size_t, size_t>>& ranges);
/// The source ranges (in the original) or target ranges (in the counterfactual) of `swaps`.
std::vector<std::pair<size_t, size_t>> swapRanges(const std::vector<WordSwap>& swaps, bool inCounterfactual);

}  // namespace trustlab
