#include "privacy/chacha20.h"

#include <openssl/evp.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace trustlab {

struct ChaCha20Words::Context {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~Context() { EVP_CIPHER_CTX_free(ctx); }
};

ChaChaKey ChaChaKey::fromOs() {
  ChaChaKey key;
  size_t got = 0;
  while (got < key.bytes.size()) {
    const ssize_t r = getrandom(key.bytes.data() + got, key.bytes.size() - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw std::runtime_error(std::string("secure mode: the kernel gave no random key: ") + std::strerror(errno));
    got += size_t(r);
  }
  return key;
}

ChaCha20Words::ChaCha20Words(const ChaChaKey& key, uint64_t stream, uint32_t substream)
    : context_(std::make_unique<Context>()) {
  // OpenSSL's ChaCha20 IV: the 32-bit block counter (little-endian), then the 96-bit nonce.
  uint8_t iv[16] = {};
  for (int i = 0; i < 8; ++i) iv[4 + i] = uint8_t(stream >> (8 * i));
  for (int i = 0; i < 4; ++i) iv[12 + i] = uint8_t(substream >> (8 * i));
  if (!context_->ctx || EVP_EncryptInit_ex(context_->ctx, EVP_chacha20(), nullptr, key.bytes.data(), iv) != 1)
    throw std::runtime_error("secure mode: OpenSSL could not start ChaCha20");
}

ChaCha20Words::~ChaCha20Words() = default;

void ChaCha20Words::bytes(uint8_t* out, int64_t n) {
  // The keystream is the encryption of zeros (in place: OpenSSL allows it for stream ciphers).
  std::memset(out, 0, size_t(n));
  for (int64_t done = 0; done < n;) {
    const int part = int(std::min<int64_t>(n - done, 1 << 30));
    int written = 0;
    if (EVP_EncryptUpdate(context_->ctx, out + done, &written, out + done, part) != 1 || written != part)
      throw std::runtime_error("secure mode: ChaCha20 keystream failed");
    done += part;
  }
}

void ChaCha20Words::fill(uint64_t* words, int64_t n) {
  bytes(reinterpret_cast<uint8_t*>(words), n * int64_t(sizeof(uint64_t)));  // x86-64 and ARM64: little-endian
}

}  // namespace trustlab
