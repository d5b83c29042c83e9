// SHA-256 (FIPS 180-4), our own small implementation: used to name compiled
// policies and profile contents (policy_hash, cache keys) without pulling in a
// crypto library for a non-secret digest.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nri_seccomp {

// Incremental hasher for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Finishes the digest; the object must not be updated afterwards.
  std::array<uint8_t, 32> finish();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hex digest of `data` (64 characters).
std::string sha256_hex(std::string_view data);

}  // namespace nri_seccomp
