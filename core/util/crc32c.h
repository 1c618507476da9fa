// core/util: CRC-32C (Castagnoli, the iSCSI polynomial of RFC 3720), and the masked form that
// TFRecord files (TensorBoard event logs) put after each length and each record.
#pragma once
#include <cstddef>
#include <cstdint>

namespace trustlab {

uint32_t crc32c(const void* data, size_t size);
/// TFRecord's mask: rotate right by 15, add 0xa282ead8 (a CRC of data containing CRCs stays useful).
inline uint32_t maskedCrc32c(const void* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

}  // namespace trustlab
