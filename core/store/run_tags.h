// core/store: the tags of a run. The engine writes records (privacy.*, warning.*, audit.*, auto.*,
// sweep.*, checkpoint, resumed) that say how the run was made; the researcher adds their own (any other
// key: "baseline", "figure=3") and a note, as MLflow keeps mlflow.note.content beside user tags.
// Records are not the researcher's to overwrite.
#pragma once
#include <string>

namespace trustlab {

/// The free-text note of a run.
inline constexpr char kNoteTag[] = "note";

/// The steps a run was resumed from, comma-separated ("400, 1200").
inline constexpr char kResumedTag[] = "resumed";

/// Whether `key` is one of the engine's records.
bool isRecordTag(const std::string& key);
/// Throws InputError naming the key when a researcher may not set it: empty, blank, or a record.
void requireUserTagKey(const std::string& key);

}  // namespace trustlab
