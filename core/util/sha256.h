// core/util: SHA-256 (FIPS 180-4), used to fingerprint experiment specs for reproducibility.
#pragma once
#include <string>

namespace trustlab {
/// Lower-case hex digest of `data`.
std::string sha256Hex(const std::string& data);
}  // namespace trustlab
