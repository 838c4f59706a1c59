// Reading code points from UTF-8 the way the pattern matchers do (pike_vm.cpp, lazy_dfa.cpp):
// ill-formed or truncated sequences read as U+FFFD one byte long.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {
namespace regex {
namespace utf8_read {

constexpr uint32_t kReplacement = 0xFFFD;
constexpr uint32_t kNone = 0xFFFFFFFFu;  // no code point (before the start, after the end)

inline bool is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

// The code point at text[pos] and its length; ill-formed or truncated sequences read as U+FFFD
// one byte long (the text is well-formed when it comes from the JS side; this keeps a hostile
// caller in bounds).
inline uint32_t decode_at(const uint8_t* t, size_t n, size_t pos, size_t* len) {
  uint8_t b = t[pos];
  *len = 1;
  if (b < 0x80) return b;
  if (b >= 0xC2 && b <= 0xDF) {
    if (pos + 1 < n && is_cont(t[pos + 1])) {
      *len = 2;
      return (uint32_t(b & 0x1F) << 6) | (t[pos + 1] & 0x3F);
    }
    return kReplacement;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    if (pos + 2 < n && is_cont(t[pos + 1]) && is_cont(t[pos + 2])) {
      uint32_t cp = (uint32_t(b & 0x0F) << 12) | (uint32_t(t[pos + 1] & 0x3F) << 6) | (t[pos + 2] & 0x3F);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
        *len = 3;
        return cp;
      }
    }
    return kReplacement;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (pos + 3 < n && is_cont(t[pos + 1]) && is_cont(t[pos + 2]) && is_cont(t[pos + 3])) {
      uint32_t cp = (uint32_t(b & 0x07) << 18) | (uint32_t(t[pos + 1] & 0x3F) << 12) |
                    (uint32_t(t[pos + 2] & 0x3F) << 6) | (t[pos + 3] & 0x3F);
      if (cp >= 0x10000 && cp <= 0x10FFFF) {
        *len = 4;
        return cp;
      }
    }
    return kReplacement;
  }
  return kReplacement;
}

// The code point that ends at text[pos) (kNone at the start), read the way decode_at reads
// forward: the longest well-formed sequence ending there, else one U+FFFD byte.
inline uint32_t decode_before(const uint8_t* t, size_t n, size_t pos) {
  if (pos == 0) return kNone;
  for (size_t back = 2; back <= 4 && back <= pos; back++) {
    if (is_cont(t[pos - back + 1]) && !is_cont(t[pos - back])) {
      size_t len = 0;
      uint32_t cp = decode_at(t, n, pos - back, &len);
      if (len == back) return cp;
      break;
    }
    if (!is_cont(t[pos - back + 1])) break;
  }
  return t[pos - 1] < 0x80 ? t[pos - 1] : kReplacement;
}

}  // namespace utf8_read
}  // namespace regex
}  // namespace turbotoken
