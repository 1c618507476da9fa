// fuzz: the table loaders (core/data/loaders/table.cpp): RFC 4180 CSV from memory, and CSV, TSV or
// JSONL files (the first byte picks which) as `trustlab-cli train --dataset FILE` reads them.
#include "data/loaders/loaders.h"
#include "fuzz_input.h"
#include "util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kExtensions[] = {".csv", ".tsv", ".jsonl", ".txt"};
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  TRUSTLAB_FUZZ_EXPECTING_INPUT_ERRORS({
    trustlab::parseCsv(text, "fuzz.csv");
    const auto path = trustlab::fuzz::write(trustlab::fuzz::scratch(), std::string("data") + kExtensions[data[0] % 4], text);
    trustlab::loadTable(path, {});
    trustlab::loadTableTexts(path);
  });
}
