#include <gtest/gtest.h>

#include <string>

#include "common/sha256.h"

namespace nri_seccomp {
namespace {

// FIPS 180-2 appendix B test vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths around the 55/56/64-byte padding boundaries, fed in uneven pieces,
// must give the same digest as one update.
TEST(Sha256, IncrementalEqualsOneShot) {
  for (size_t length : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000}) {
    std::string data(length, '\0');
    for (size_t i = 0; i < length; ++i) data[i] = static_cast<char>(i * 31 + 7);
    Sha256 pieces;
    for (size_t pos = 0; pos < length;) {
      size_t take = std::min<size_t>(1 + pos % 13, length - pos);
      pieces.update(std::string_view(data).substr(pos, take));
      pos += take;
    }
    Sha256 whole;
    whole.update(data);
    EXPECT_EQ(pieces.finish(), whole.finish()) << "length " << length;
  }
}

TEST(Sha256, DifferentInputsDiffer) {
  EXPECT_NE(sha256_hex("a"), sha256_hex("b"));
  EXPECT_EQ(sha256_hex("a").size(), 64u);
}

}  // namespace
}  // namespace nri_seccomp
