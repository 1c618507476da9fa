// core/data/loaders: one function per public dataset format. Each throws InputError naming the
// file, line and field on malformed input; invalid UTF-8 is replaced, never fatal.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.h"

namespace trustlab {

/// Columns for generic tables. Empty names mean "the format's usual name".
struct TableColumns {
  std::string text;   ///< e.g. "text", "sentence"
  std::string label;  ///< e.g. "label", "category", "label_text"
};

/// SNIPS 2017 raw: `<dir>/<Intent>/train_<Intent>_full.json` (→ train, 10 % held out as valid)
/// and `validate_<Intent>.json` (→ test). Slot values come from the "entity" chunks.
Dataset loadSnipsRaw(const std::string& dir);

/// Goo et al. 2018 split layout (SNIPS, ATIS, HWU64): `<dir>/{train,valid,test}/{seq.in,label}`
/// plus optional `seq.out` BIO slot tags.
Dataset loadSeqLabelSplits(const std::string& dir);
std::vector<Example> loadSeqLabelFolder(const std::string& folder);

/// CLINC150 data_full.json (any of its variants). With `includeOutOfScope`, "oos" is a class.
Dataset loadClinc(const std::string& file, bool includeOutOfScope);

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. Each record
/// remembers the line it started on, for error messages; `path` names the file in them.
struct CsvRecord {
  long line;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> parseCsv(const std::string& text, const std::string& path);

/// Rows of a CSV (RFC 4180 quoting, CRLF ok), TSV (no quoting) or JSONL file, chosen by extension.
std::vector<Example> loadTable(const std::string& file, const TableColumns& columns);
/// The text column of a CSV or TSV table (found as loadTable finds it; no label needed: a corpus),
/// trimmed, one entry per row.
std::vector<std::string> loadTableTexts(const std::string& file, const std::string& textColumn = {});

/// A table file, or a folder with train/valid|validation|dev/test tables. A missing valid or test
/// split is carved out of train deterministically.
Dataset loadTableDataset(const std::string& path, const TableColumns& columns);

}  // namespace trustlab
