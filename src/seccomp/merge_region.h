// Sets of syscall-argument values as OCI conditions can express them, with the
// intersections and complements the merge needs. A Cube is one runc condition
// set (at most one condition per argument index, all must hold); a Region is a
// union of cubes. Operations are exact: when a result cannot be written as
// cubes (e.g. 5 <= x <= 9 on one index, which would need two conditions on the
// same index, which runc reads as OR), they are split into a union of aligned
// bit-pattern blocks (SCMP_CMP_MASKED_EQ); only beyond kMaxCubes do they throw
// NotRepresentable instead of approximating.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "seccomp/model.h"

namespace nri_seccomp::seccomp::region {

struct NotRepresentable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Per argument index: the condition, or nullopt for "any value".
struct Cube {
  std::array<std::optional<Arg>, 6> at;
  friend bool operator==(const Cube&, const Cube&) = default;
  bool unconditional() const;
  std::vector<Arg> conditions() const;  // sorted by index
};
using Region = std::vector<Cube>;

// Does `value` satisfy the condition (64-bit comparison)?
bool holds(const Arg& cond, uint64_t value);
bool holds(const Cube& cube, const std::array<uint64_t, 6>& args);

// Whether a condition can hold for some value.
bool satisfiable(const Arg& cond);

// Smallest x >= lo with (x & mask) == value, if any.
std::optional<uint64_t> next_match(uint64_t lo, uint64_t mask, uint64_t value);

// Exact: is there a value satisfying both (same index)?
bool overlap(const Arg& a, const Arg& b);
bool overlap(const Cube& a, const Cube& b);

// A cube from a runc condition set (conditions on distinct indexes); nullopt if
// some condition can never hold. Conditions that always hold are dropped.
std::optional<Cube> make_cube(const std::vector<Arg>& conditions);

// Exact intersection as a union of cubes (empty: no common value); a range
// or a hole on one index becomes aligned bit-pattern blocks. Throws
// NotRepresentable beyond kMaxCubes.
Region intersect(const Cube& a, const Cube& b);
Region intersect(const Region& a, const Region& b);
// Exact complement; throws NotRepresentable.
Region complement(const Cube& c);
Region complement(const Region& r);
// a minus r, cube by cube: stays small when a is small even if the
// complement of r would not be. Throws NotRepresentable.
Region subtract(const Region& a, const Region& r);
// Drops cubes contained in another cube of the same region, and duplicates.
Region simplify(Region r);

// Beyond this many condition sets for one syscall a result is refused: libseccomp
// 2.5.4 slows down sharply (its rule tree merge) long before the kernel limit.
inline constexpr size_t kMaxCubes = 16;

}  // namespace nri_seccomp::seccomp::region
