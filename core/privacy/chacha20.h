// core/privacy: the secure-mode bit source: the ChaCha20 keystream (Bernstein 2008; RFC 8439) from
// OpenSSL, under a 256-bit key from the kernel. A stream is named by a 96-bit nonce, so that every
// chunk of every noise draw has its own stream (parallel, and the same for any thread count), and
// outputs reveal nothing of the key or of other streams, unlike a Mersenne Twister's.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

#include "privacy/ziggurat.h"

namespace trustlab {

struct ChaChaKey {
  std::array<uint8_t, 32> bytes{};
  /// 32 bytes from the kernel's CSPRNG (getrandom); std::runtime_error when it cannot give them.
  static ChaChaKey fromOs();
};

/// The keystream of (key, nonce) as 64-bit little-endian words, from block 0 on.
class ChaCha20Words : public RandomWords {
 public:
  /// The nonce is `stream` (8 bytes, little-endian) followed by `substream` (4 bytes).
  ChaCha20Words(const ChaChaKey& key, uint64_t stream, uint32_t substream);
  ~ChaCha20Words() override;
  ChaCha20Words(const ChaCha20Words&) = delete;
  ChaCha20Words& operator=(const ChaCha20Words&) = delete;

  void fill(uint64_t* words, int64_t n) override;
  /// The next n raw keystream bytes (for the RFC's test vectors).
  void bytes(uint8_t* out, int64_t n);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace trustlab
