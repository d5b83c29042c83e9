// Exact set algebra on OCI argument conditions (see merge_region.h). Every
// condition is first normalised into one of three shapes -- an interval, "not
// c", or a ternary pattern (mask, value) -- whose intersections are easy to
// reason about, and turned back into a single condition afterwards.
#include "seccomp/merge_region.h"

#include <algorithm>
#include <bit>
#include <limits>

#include <fmt/format.h>

namespace nri_seccomp::seccomp::region {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

struct Shape {
  enum Kind { empty, interval, not_equal, pattern } kind = empty;
  uint64_t lo = 0, hi = 0;      // interval, inclusive
  uint64_t c = 0;               // not_equal
  uint64_t mask = 0, bits = 0;  // pattern: x & mask == bits
};

Shape interval(uint64_t lo, uint64_t hi) {
  if (lo > hi) return {};
  return {Shape::interval, lo, hi};
}

Shape shape_of(const Arg& a) {
  switch (a.op) {
    case Op::eq: return interval(a.value, a.value);
    case Op::ne: return {Shape::not_equal, 0, 0, a.value};
    case Op::lt: return a.value == 0 ? Shape{} : interval(0, a.value - 1);
    case Op::le: return interval(0, a.value);
    case Op::ge: return interval(a.value, kMax);
    case Op::gt: return a.value == kMax ? Shape{} : interval(a.value + 1, kMax);
    case Op::masked_eq:
      if ((a.value_two & ~a.value) != 0) return {};
      return {Shape::pattern, 0, 0, 0, a.value, a.value_two};
  }
  return {};
}

bool is_full(const Shape& s) {
  return (s.kind == Shape::interval && s.lo == 0 && s.hi == kMax) ||
         (s.kind == Shape::pattern && s.mask == 0);
}

// Back to one condition on `index`; nullopt = no condition needed (full set).
// The shape must be non-empty.
std::optional<Arg> arg_of(const Shape& s, uint32_t index) {
  Arg a;
  a.index = index;
  switch (s.kind) {
    case Shape::interval:
      if (s.lo == 0 && s.hi == kMax) return std::nullopt;
      if (s.lo == s.hi) a.op = Op::eq, a.value = s.lo;
      else if (s.lo == 0) a.op = Op::le, a.value = s.hi;
      // "> 0xffffffff" rather than ">= 0x100000000": the same on 64-bit
      // arguments, and still never true where libseccomp compares only the
      // low 32 bits (32-bit architectures), where ">=" would always be.
      else if (s.hi == kMax && s.lo == (uint64_t{1} << 32)) a.op = Op::gt, a.value = s.lo - 1;
      else if (s.hi == kMax) a.op = Op::ge, a.value = s.lo;
      else throw NotRepresentable("a bounded range on one argument needs two conditions on the same index");
      return a;
    case Shape::not_equal:
      a.op = Op::ne, a.value = s.c;
      return a;
    case Shape::pattern:
      if (s.mask == 0) return std::nullopt;
      if (s.mask == kMax) a.op = Op::eq, a.value = s.bits;
      else a.op = Op::masked_eq, a.value = s.mask, a.value_two = s.bits;
      return a;
    case Shape::empty: break;
  }
  throw NotRepresentable("empty condition");
}

bool in_pattern(uint64_t x, const Shape& p) { return (x & p.mask) == p.bits; }

uint64_t above(int bit) { return bit >= 63 ? 0 : ~((uint64_t{1} << (bit + 1)) - 1); }
uint64_t below(int bit) { return (uint64_t{1} << bit) - 1; }

Shape pattern(uint64_t mask, uint64_t bits) { return {Shape::pattern, 0, 0, 0, mask, bits}; }

// [lo, hi] as aligned power-of-two blocks (ternary patterns), like a CIDR
// decomposition: at most 2 * 64 blocks.
std::vector<Shape> blocks(uint64_t lo, uint64_t hi) {
  std::vector<Shape> out;
  for (;;) {
    const uint64_t span = hi - lo;
    int k = lo == 0 ? 64 : std::countr_zero(lo);
    while (k > 0 && (k == 64 ? kMax : below(k)) > span) --k;
    const uint64_t size_minus_one = k == 64 ? kMax : below(k);
    out.push_back(pattern(k == 64 ? 0 : ~size_minus_one, lo));
    if (lo + size_minus_one >= hi) break;
    lo += size_minus_one + 1;
  }
  return out;
}

// One interval as shapes that are each a single condition.
void add_interval(std::vector<Shape>& out, uint64_t lo, uint64_t hi) {
  if (lo > hi) return;
  if (lo == hi || lo == 0 || hi == kMax) {
    out.push_back(interval(lo, hi));
    return;
  }
  for (const auto& b : blocks(lo, hi)) out.push_back(b);
}

// A pattern cut by an interval: the pattern met with each block of it.
void add_pattern_in(std::vector<Shape>& out, const Shape& p, uint64_t lo, uint64_t hi) {
  if (lo > hi) return;
  for (const auto& b : blocks(lo, hi)) {
    const uint64_t common = p.mask & b.mask;
    if ((p.bits & common) != (b.bits & common)) continue;
    out.push_back(pattern(p.mask | b.mask, p.bits | b.bits));
  }
}

// The intersection of two shapes as a union of shapes that are each a single
// condition (empty vector: no common value).
std::vector<Shape> meet(const Shape& a, const Shape& b) {
  std::vector<Shape> out;
  if (a.kind == Shape::empty || b.kind == Shape::empty) return out;
  if (a.kind == Shape::interval && b.kind == Shape::interval) {
    add_interval(out, std::max(a.lo, b.lo), std::min(a.hi, b.hi));
    return out;
  }
  if (a.kind == Shape::not_equal && b.kind == Shape::not_equal) {
    if (a.c == b.c) return {a};
    const uint64_t c1 = std::min(a.c, b.c), c2 = std::max(a.c, b.c);
    if (c1 > 0) add_interval(out, 0, c1 - 1);
    add_interval(out, c1 + 1, c2 - 1);
    if (c2 < kMax) add_interval(out, c2 + 1, kMax);
    return out;
  }
  if (a.kind == Shape::not_equal || b.kind == Shape::not_equal) {
    const Shape& other = a.kind == Shape::not_equal ? b : a;
    const uint64_t c = a.kind == Shape::not_equal ? a.c : b.c;
    if (other.kind == Shape::interval) {
      if (c < other.lo || c > other.hi) return {other};
      if (c > other.lo) add_interval(out, other.lo, c - 1);
      if (c < other.hi) add_interval(out, c + 1, other.hi);
      return out;
    }
    if (!in_pattern(c, other)) return {other};
    if (other.mask == kMax) return out;
    if (c > 0) add_pattern_in(out, other, 0, c - 1);
    if (c < kMax) add_pattern_in(out, other, c + 1, kMax);
    return out;
  }
  if (a.kind == Shape::pattern && b.kind == Shape::pattern) {
    const uint64_t common = a.mask & b.mask;
    if ((a.bits & common) != (b.bits & common)) return out;
    return {pattern(a.mask | b.mask, a.bits | b.bits)};
  }
  const Shape& p = a.kind == Shape::pattern ? a : b;
  const Shape& i = a.kind == Shape::pattern ? b : a;
  if (i.lo == i.hi) {
    if (in_pattern(i.lo, p)) out.push_back(i);
    return out;
  }
  const uint64_t pmin = p.bits, pmax = p.bits | ~p.mask;
  if (pmin >= i.lo && pmax <= i.hi) return {p};  // pattern inside the range
  const auto first = next_match(i.lo, p.mask, p.bits);
  if (!first || *first > i.hi) return out;
  // The range inside the pattern: every bit at or below the highest bit in
  // which lo and hi differ takes both values inside the range, bits above it
  // are constant; so the range fits iff the mask only covers constant bits.
  const int top = 63 - std::countl_zero(i.lo ^ i.hi);
  if ((p.mask & ~above(top)) == 0 && in_pattern(i.lo, p)) {
    add_interval(out, i.lo, i.hi);
    return out;
  }
  add_pattern_in(out, p, i.lo, i.hi);
  return out;
}

bool shapes_overlap(const Shape& a, const Shape& b) {
  if (a.kind == Shape::empty || b.kind == Shape::empty) return false;
  if (a.kind == Shape::interval && b.kind == Shape::interval) {
    return std::max(a.lo, b.lo) <= std::min(a.hi, b.hi);
  }
  if (a.kind == Shape::not_equal && b.kind == Shape::not_equal) return true;
  if (a.kind == Shape::not_equal || b.kind == Shape::not_equal) {
    const Shape& other = a.kind == Shape::not_equal ? b : a;
    const uint64_t c = a.kind == Shape::not_equal ? a.c : b.c;
    if (other.kind == Shape::interval) return !(other.lo == other.hi && other.lo == c);
    return !(other.mask == kMax && other.bits == c);
  }
  if (a.kind == Shape::pattern && b.kind == Shape::pattern) {
    const uint64_t common = a.mask & b.mask;
    return (a.bits & common) == (b.bits & common);
  }
  const Shape& p = a.kind == Shape::pattern ? a : b;
  const Shape& i = a.kind == Shape::pattern ? b : a;
  const auto first = next_match(i.lo, p.mask, p.bits);
  return first && *first <= i.hi;
}

}  // namespace

bool Cube::unconditional() const {
  return std::none_of(at.begin(), at.end(), [](const auto& a) { return a.has_value(); });
}

std::vector<Arg> Cube::conditions() const {
  std::vector<Arg> out;
  for (const auto& a : at) {
    if (a) out.push_back(*a);
  }
  return out;
}

bool holds(const Arg& cond, uint64_t v) {
  switch (cond.op) {
    case Op::ne: return v != cond.value;
    case Op::lt: return v < cond.value;
    case Op::le: return v <= cond.value;
    case Op::eq: return v == cond.value;
    case Op::ge: return v >= cond.value;
    case Op::gt: return v > cond.value;
    case Op::masked_eq: return (v & cond.value) == cond.value_two;
  }
  return false;
}

bool holds(const Cube& cube, const std::array<uint64_t, 6>& args) {
  for (size_t i = 0; i < 6; ++i) {
    if (cube.at[i] && !holds(*cube.at[i], args[i])) return false;
  }
  return true;
}

bool satisfiable(const Arg& cond) { return shape_of(cond).kind != Shape::empty; }

std::optional<uint64_t> next_match(uint64_t lo, uint64_t mask, uint64_t value) {
  if ((value & ~mask) != 0) return std::nullopt;
  if ((lo & mask) == value) return lo;
  const int b = 63 - std::countl_zero((lo ^ value) & mask);  // highest wrong fixed bit
  if ((value >> b) & 1) {
    // lo has 0 where a 1 is required: raise that bit, keep what is above,
    // fill below with the required bits and zeros.
    return (lo & above(b)) | (uint64_t{1} << b) | (value & below(b));
  }
  // lo has 1 where a 0 is required: the next match must carry into the lowest
  // free bit above b that is 0 in lo.
  const uint64_t candidates = ~mask & above(b) & ~lo;
  if (candidates == 0) return std::nullopt;
  const int p = std::countr_zero(candidates);
  return (lo & above(p)) | (uint64_t{1} << p) | (value & below(p));
}

bool overlap(const Arg& a, const Arg& b) { return shapes_overlap(shape_of(a), shape_of(b)); }

bool overlap(const Cube& a, const Cube& b) {
  for (size_t i = 0; i < 6; ++i) {
    if (a.at[i] && b.at[i] && !overlap(*a.at[i], *b.at[i])) return false;
    if ((a.at[i] && !satisfiable(*a.at[i])) || (b.at[i] && !satisfiable(*b.at[i]))) return false;
  }
  return true;
}

std::optional<Cube> make_cube(const std::vector<Arg>& conditions) {
  Cube c;
  for (const auto& a : conditions) {
    const Shape s = shape_of(a);
    if (s.kind == Shape::empty) return std::nullopt;
    if (a.index > 5) throw NotRepresentable("argument index out of range");
    if (c.at[a.index]) throw NotRepresentable("two conditions on the same index in one condition set");
    if (is_full(s)) continue;
    c.at[a.index] = a;
  }
  return c;
}

Region intersect(const Cube& a, const Cube& b) {
  Region out{Cube{}};
  for (uint32_t i = 0; i < 6; ++i) {
    std::vector<std::optional<Arg>> choices;
    if (!a.at[i] || !b.at[i] || *a.at[i] == *b.at[i]) {
      choices.push_back(a.at[i] ? a.at[i] : b.at[i]);
    } else {
      for (const auto& s : meet(shape_of(*a.at[i]), shape_of(*b.at[i]))) choices.push_back(arg_of(s, i));
      if (choices.empty()) return {};
    }
    if (choices.size() == 1) {
      for (auto& c : out) c.at[i] = choices[0];
      continue;
    }
    Region next;
    for (const auto& c : out) {
      for (const auto& choice : choices) {
        Cube d = c;
        d.at[i] = choice;
        next.push_back(d);
      }
    }
    if (next.size() > kMaxCubes) throw NotRepresentable(fmt::format("the exact result needs more than {} condition sets", kMaxCubes));
    out = std::move(next);
  }
  return out;
}

Region intersect(const Region& a, const Region& b) {
  Region out;
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (!overlap(x, y)) continue;
      for (auto& c : intersect(x, y)) out.push_back(c);
      if (out.size() > kMaxCubes) {
        throw NotRepresentable(fmt::format("the exact result needs more than {} condition sets", kMaxCubes));
      }
    }
  }
  return simplify(std::move(out));
}

Region complement(const Cube& c) {
  Region out;
  for (uint32_t i = 0; i < 6; ++i) {
    if (!c.at[i]) continue;
    const Arg& a = *c.at[i];
    auto add = [&](Op op, uint64_t value, uint64_t value_two = 0) {
      Cube piece;
      piece.at[i] = Arg{i, value, value_two, op};
      out.push_back(piece);
    };
    switch (a.op) {
      case Op::eq: add(Op::ne, a.value); break;
      case Op::ne: add(Op::eq, a.value); break;
      case Op::lt:
        if (a.value == 0) return {Cube{}};
        add(Op::ge, a.value);
        break;
      case Op::le:
        if (a.value != kMax) add(Op::gt, a.value);
        break;
      case Op::ge:
        if (a.value != 0) add(Op::lt, a.value);
        break;
      case Op::gt:
        if (a.value == kMax) return {Cube{}};
        add(Op::le, a.value);
        break;
      case Op::masked_eq:
        if ((a.value_two & ~a.value) != 0) return {Cube{}};
        // x & m != v  <=>  some bit of m differs from v: one piece per bit.
        for (int bit = 0; bit < 64; ++bit) {
          const uint64_t one = uint64_t{1} << bit;
          if (a.value & one) add(Op::masked_eq, one, ~a.value_two & one);
        }
        break;
    }
  }
  return out;
}

Region complement(const Region& r) {
  Region out{Cube{}};
  for (const auto& c : r) {
    out = intersect(out, complement(c));
    if (out.empty()) break;
  }
  return out;
}

Region subtract(const Region& a, const Region& r) {
  Region out = a;
  for (const auto& cut : r) {
    Region next;
    for (const auto& c : out) {
      if (!overlap(c, cut)) {
        next.push_back(c);
        continue;
      }
      for (auto& piece : intersect(Region{c}, complement(cut))) next.push_back(piece);
    }
    out = simplify(std::move(next));
    if (out.size() > kMaxCubes) {
      throw NotRepresentable(fmt::format("the exact result needs more than {} condition sets", kMaxCubes));
    }
    if (out.empty()) break;
  }
  return out;
}

namespace {
bool contains(const Cube& outer, const Cube& inner) {
  for (size_t i = 0; i < 6; ++i) {
    if (!outer.at[i]) continue;
    if (!inner.at[i]) return false;
    if (*outer.at[i] == *inner.at[i]) continue;
    const Shape in = shape_of(*inner.at[i]);
    const auto m = meet(shape_of(*outer.at[i]), in);
    if (m.size() != 1) return false;
    const Shape& s = m[0];
    const bool same = s.kind == in.kind && s.lo == in.lo && s.hi == in.hi && s.c == in.c &&
                      s.mask == in.mask && s.bits == in.bits;
    if (!same) return false;
  }
  return true;
}
}  // namespace

Region simplify(Region r) {
  Region out;
  for (size_t i = 0; i < r.size(); ++i) {
    bool redundant = false;
    for (size_t j = 0; j < r.size() && !redundant; ++j) {
      if (i == j) continue;
      // Drop cubes strictly inside another; of equal sets keep the first.
      if (contains(r[j], r[i]) && (!contains(r[i], r[j]) || j < i)) redundant = true;
    }
    if (!redundant) out.push_back(r[i]);
  }
  return out;
}

}  // namespace nri_seccomp::seccomp::region
