// ASCII shortcuts for the pre-tokenizers: the common shapes of pieces in ASCII text (" word",
// "Word", "123", " ...") resolved with byte tests only. Each shortcut either returns the same
// piece end the general scanner would, or 0 to hand the position to the general scanner.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {
namespace ascii {

inline bool is_lower(uint8_t b) { return uint8_t(b - 'a') < 26; }
inline bool is_upper(uint8_t b) { return uint8_t(b - 'A') < 26; }
inline bool is_letter(uint8_t b) { return is_lower(b) || is_upper(b); }
inline bool is_digit(uint8_t b) { return uint8_t(b - '0') < 10; }

// End of the run of bytes from i that satisfy pred; stops at n or the first byte that fails.
template <typename Pred>
inline size_t run(const uint8_t* s, size_t i, size_t n, Pred pred) {
  while (i < n && pred(s[i])) i++;
  return i;
}

// A run of ASCII letters (or lowercase letters) is a complete piece only when what follows is
// the end, or an ASCII byte the run can't absorb; a non-ASCII byte could continue the run.
inline bool ends_cleanly(const uint8_t* s, size_t end, size_t n) { return end == n || s[end] < 0x80; }

}  // namespace ascii
}  // namespace turbotoken
