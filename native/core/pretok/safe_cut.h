// Where a text may be cut so that encoding the parts separately gives exactly the ids of the
// whole: the C++ twin of src/safe-cut.ts (same rules W, R, L, G; the proof of each is written
// there once). Used to encode one large text on several threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pretok/pretokenizer.h"
#include "vocab/special_tokens.h"

namespace turbotoken {

// Texts shorter than this are never split: a thread costs more than it saves (docs/api.md).
constexpr size_t kParallelMinBytes = size_t(1) << 20;
// No part of a split is made shorter than this, whatever the thread count.
constexpr size_t kParallelMinPartBytes = size_t(256) << 10;

class CutRules {
 public:
  // No cuts at all when a special token contains whitespace (as cutRules() in safe-cut.ts).
  void build(Family family, const std::vector<SpecialToken>& specials);
  bool enabled() const { return enabled_; }
  // Whether cutting well-formed UTF-8 s[0..n) before byte p is exact. p must be a character
  // boundary; characters outside s[0..n) count as unknown, so a rule needing them fails.
  bool is_safe_cut(const uint8_t* s, size_t n, size_t p) const;
  // The first safe cut at a character boundary >= from, or n when there is none.
  size_t next_safe_cut(const uint8_t* s, size_t n, size_t from) const;

 private:
  bool enabled_ = false;
  bool newline_family_ = false;
  std::vector<uint32_t> special_starts_;  // first code point of each special token
};

// Boundaries 0 = b[0] < b[1] < ... < b[k] = n splitting s[0..n) into at most `parts` parts of
// about equal size, each cut safe. One part when n < kParallelMinBytes or no cut exists.
// Linear in n: each byte is examined at most once.
std::vector<size_t> split_at_safe_cuts(const CutRules& rules, const uint8_t* s, size_t n,
                                       unsigned parts);

}  // namespace turbotoken
