// views: the "Colour by" choice of the views that show several runs (Training overlays, Compare):
// one colour per run, or per value of a setting that differs between the runs.
#pragma once
#include "store/run_comparison.h"

class QComboBox;

namespace trustlab {

/// Fills `box` with "run" and the settings that differ in `comparison`, keeping the current choice
/// when it is still offered (without emitting), and returns the colours that choice gives.
SettingColours fillColourBy(QComboBox* box, const RunComparison& comparison);

}  // namespace trustlab
