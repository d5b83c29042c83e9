// The condition algebra against brute force over small values: every exact
// intersection and complement must contain precisely the right values.
#include <gtest/gtest.h>

#include <random>

#include "seccomp/merge_region.h"

namespace nri_seccomp::seccomp::region {
namespace {

TEST(Region, NextMatchAgreesWithBruteForce) {
  for (uint64_t mask = 0; mask < 64; ++mask) {
    for (uint64_t value = 0; value < 64; ++value) {
      for (uint64_t lo = 0; lo < 70; ++lo) {
        std::optional<uint64_t> expected;
        if ((value & ~mask) == 0) {
          for (uint64_t x = lo; x < 200; ++x) {
            if ((x & mask) == value) {
              expected = x;
              break;
            }
          }
        }
        ASSERT_EQ(next_match(lo, mask, value), expected) << mask << " " << value << " " << lo;
      }
    }
  }
}

std::vector<Arg> sample_conditions() {
  std::vector<Arg> out;
  for (Op op : {Op::eq, Op::ne, Op::lt, Op::le, Op::ge, Op::gt}) {
    for (uint64_t v : {0ULL, 1ULL, 5ULL, 9ULL, 15ULL, ~0ULL}) out.push_back(Arg{0, v, 0, op});
  }
  for (uint64_t m : {0x1ULL, 0x3ULL, 0xcULL, 0xfULL, 0x30ULL}) {
    for (uint64_t v : {0ULL, 1ULL, 4ULL, 8ULL, 0x10ULL}) out.push_back(Arg{0, m, v & m, Op::masked_eq});
  }
  return out;
}

TEST(Region, IntersectionAndComplementAreExact) {
  const auto conds = sample_conditions();
  const std::vector<uint64_t> probes = [] {
    std::vector<uint64_t> p;
    for (uint64_t x = 0; x < 80; ++x) p.push_back(x);
    for (uint64_t x : {~0ULL, ~0ULL - 1, 1ULL << 32, (1ULL << 32) + 5}) p.push_back(x);
    return p;
  }();
  int representable = 0;
  for (const auto& a : conds) {
    for (const auto& b : conds) {
      Cube ca, cb;
      ca.at[0] = a;
      cb.at[0] = b;
      bool any = false;
      for (uint64_t x : probes) any = any || (holds(a, x) && holds(b, x));
      EXPECT_EQ(overlap(a, b), any);
      try {
        const Region c = intersect(ca, cb);
        ++representable;
        for (uint64_t x : probes) {
          const bool want = holds(a, x) && holds(b, x);
          bool got = false;
          for (const auto& cube : c) got = got || holds(cube, {x, 0, 0, 0, 0, 0});
          ASSERT_EQ(got, want) << "x=" << x;
        }
      } catch (const NotRepresentable&) {
      }
    }
    Cube ca;
    ca.at[0] = a;
    const Region comp = complement(ca);
    for (uint64_t x : probes) {
      bool in = false;
      for (const auto& c : comp) in = in || holds(c, {x, 0, 0, 0, 0, 0});
      ASSERT_EQ(in, !holds(a, x)) << "x=" << x;
    }
  }
  // Only 64-bit patterns cut by a hole exceed kMaxCubes blocks.
  EXPECT_GT(representable, static_cast<int>(conds.size() * conds.size() * 3 / 4));
}

TEST(Region, ComplementOfMultiCubeRegions) {
  Cube a, b;
  a.at[0] = Arg{0, 5, 0, Op::eq};
  a.at[1] = Arg{1, 0x3, 0x1, Op::masked_eq};
  b.at[1] = Arg{1, 10, 0, Op::ge};
  const Region r{a, b};
  const Region comp = complement(r);
  for (uint64_t x = 0; x < 12; ++x) {
    for (uint64_t y = 0; y < 16; ++y) {
      const std::array<uint64_t, 6> args{x, y, 0, 0, 0, 0};
      bool in_r = holds(a, args) || holds(b, args);
      bool in_c = false;
      for (const auto& c : comp) in_c = in_c || holds(c, args);
      ASSERT_NE(in_r, in_c) << x << "," << y;
    }
  }
}

TEST(Region, BoundedRangeBecomesAlignedBlocks) {
  Cube a, b;
  a.at[0] = Arg{0, 5, 0, Op::ge};
  b.at[0] = Arg{0, 9, 0, Op::le};
  const Region r = intersect(a, b);  // [5,9] = {5} u [6,7] u [8,9]
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(*r[0].at[0], (Arg{0, 5, 0, Op::eq}));
  EXPECT_EQ(*r[1].at[0], (Arg{0, ~uint64_t{1}, 6, Op::masked_eq}));
  EXPECT_EQ(*r[2].at[0], (Arg{0, ~uint64_t{1}, 8, Op::masked_eq}));
}

}  // namespace
}  // namespace nri_seccomp::seccomp::region
