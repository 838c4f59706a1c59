// A set of byte values and the search for the first byte in it, the skip of the pattern
// matcher's DFA over text where no match can start (regex/lazy_dfa.h: a step that matches
// rarely, such as DeepSeek-V3's digits and CJK runs, spends most of its time there).
// find_in_set_scalar is the specification; the AVX2 kernel tests 32 bytes at a time with two
// nibble lookups and gives the last 31 bytes to the scalar code.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {

struct ByteSet {
  uint8_t member[256];  // 1 where the byte is in the set, else 0
  // For a low nibble l: bit h of by_low[l] is set when the byte (h << 4 | l) is in the set, for
  // h < 8; bit h - 8 of by_low_high[l], for h >= 8.
  uint8_t by_low[16];
  uint8_t by_low_high[16];

  // Fills the nibble tables from `member`.
  void build_nibbles();
};

// The first offset from `from` on (from <= size) whose byte is in the set, or `size` if none is.
using FindInSetFn = size_t (*)(const ByteSet& set, const uint8_t* text, size_t from, size_t size);
size_t find_in_set_scalar(const ByteSet& set, const uint8_t* text, size_t from, size_t size);
#if defined(__x86_64__) || defined(_M_X64)
size_t find_in_set_avx2(const ByteSet& set, const uint8_t* text, size_t from, size_t size);
#endif

}  // namespace turbotoken
