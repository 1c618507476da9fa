#include "data/data_config.h"

#include "data/dataset_registry.h"

namespace trustlab {
namespace {
/// The word-level vocabulary's options: not read when a pretrained tokenizer brings its own.
bool buildsVocabulary(const DataConfig& d) { return d.tokenizer.pretrained.empty(); }
}  // namespace

const FieldList<DataConfig>& dataFields() {
  static const auto f = [] {
    FieldList<DataConfig> l("data", "Data");
    using D = DataConfig;
    using T = TokenizerOptions;
    l.add("dataset", &D::dataset, "Dataset",
          "a built-in dataset name, or the path of a file/folder (CSV, TSV, JSONL, seq.in/label, CLINC JSON)")
        .choices(datasetRegistry(), true).path();
    l.add("format", &D::format, "Format", "how the files are read (empty: from the name, or detected)")
        .choices([] {
          auto formats = datasetFormatRegistry().items();
          formats.insert(formats.begin(), {"", "from the dataset's name, or detected from the path"});
          return formats;
        });
    l.add("text_column", &D::columns, &TableColumns::text, "Text column", "tables: the text column (empty: found by name)");
    l.add("label_column", &D::columns, &TableColumns::label, "Label column",
          "tables: the label column (empty: found by name)");
    l.add("tokenizer", &D::tokenizer, &T::type, "Tokenizer", "how text is split into tokens")
        .choices(tokenizerRegistry()).when(buildsVocabulary);
    l.add("pretrained_tokenizer", &D::tokenizer, &T::pretrained, "Pretrained tokenizer",
          "a pretrained model's tokenizer (folder, tokenizer.json, vocab.txt, vocab.json) instead of the one above; "
          "an hf model uses its own folder's unless this names another")
        .path();
    l.add("lowercase", &D::tokenizer, &T::lowercase, "Lowercase", "lower-case text before tokenizing")
        .when(buildsVocabulary);
    l.add("min_frequency", &D::tokenizer, &T::minFrequency, "Min frequency", "rarer training tokens map to <unk>")
        .atLeast(1).when(buildsVocabulary);
    l.add("max_vocab", &D::tokenizer, &T::maxSize, "Max vocabulary", "including <pad> and <unk>").atLeast(3)
        .when(buildsVocabulary);
    l.add("max_length", &D::tokenizer, &T::maxLength, "Max length",
          "utterances are truncated/padded to this many tokens").atLeast(1).atMost(1024);
    l.add("cda", &D::cda, "CDA (gender swap)",
          "train on gender-swapped copies too (a bias mitigation; not with DP)");
    l.add("split_by_user", &D::splitByUser, "Held-out users",
          "valid and test hold 10 % of the users each, none of whose texts is trained on (needs user ids)");
    return l;
  }();
  return f;
}

}  // namespace trustlab
