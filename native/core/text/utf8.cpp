#include "text/utf8.h"

#include <cstring>

#include "kernels.h"

namespace turbotoken {
namespace {

// Length of the well-formed sequence at s[i], or 0 when it is ill-formed; *maximal receives the
// length of its maximal subpart (the bytes one U+FFFD replaces) when ill-formed.
size_t sequence_length(const uint8_t* s, size_t i, size_t n, size_t* maximal) {
  uint8_t b0 = s[i];
  *maximal = 1;
  if (b0 < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;   // overlong
    if (b0 == 0xED) hi = 0x9F;   // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;   // overlong
    if (b0 == 0xF4) hi = 0x8F;   // above U+10FFFF
  } else {
    return 0;
  }
  for (size_t k = 1; k < need; k++) {
    if (i + k >= n) return 0;
    uint8_t b = s[i + k];
    bool ok = (k == 1) ? (b >= lo && b <= hi) : ((b & 0xC0) == 0x80);
    if (!ok) return 0;
    *maximal = k + 1;
  }
  return need;
}

}  // namespace

size_t valid_utf8_prefix(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) { i++; continue; }
    size_t maximal;
    size_t len = sequence_length(s, i, n, &maximal);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

namespace {

// Calls valid(start, length) for each well-formed run of s[0..n) and replacement() for each
// maximal subpart that becomes U+FFFD, in order.
template <typename Valid, typename Replacement>
void for_each_repaired_part(const uint8_t* s, size_t n, Valid valid, Replacement replacement) {
  size_t i = 0;
  while (i < n) {
    size_t run = valid_utf8_prefix(s + i, n - i);
    if (run) valid(i, run);
    i += run;
    if (i == n) break;
    size_t maximal;
    sequence_length(s, i, n, &maximal);
    replacement();
    i += maximal;
  }
}

}  // namespace

// Two passes, so that the output is allocated once at its exact size and well-formed runs are
// copied whole: appending sequence by sequence into a growing vector took 15 s and 6 GB for a
// 2 GiB buffer with one bad byte at its end.
void append_repaired_utf8(const uint8_t* s, size_t n, std::vector<uint8_t>& out) {
  static const uint8_t kReplacement[3] = {0xEF, 0xBF, 0xBD};
  size_t total = 0;
  for_each_repaired_part(s, n, [&](size_t, size_t len) { total += len; }, [&] { total += 3; });
  out.reserve(out.size() + total);
  for_each_repaired_part(
      s, n, [&](size_t at, size_t len) { out.insert(out.end(), s + at, s + at + len); },
      [&] { out.insert(out.end(), kReplacement, kReplacement + 3); });
}

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The code point of the well-formed sequence of `len` bytes at s.
uint32_t code_point(const uint8_t* s, size_t len) {
  if (len == 2) return (uint32_t(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  if (len == 3) return (uint32_t(s[0] & 0x0F) << 12) | (uint32_t(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  return (uint32_t(s[0] & 0x07) << 18) | (uint32_t(s[1] & 0x3F) << 12) | (uint32_t(s[2] & 0x3F) << 6) |
         (s[3] & 0x3F);
}

}  // namespace

bool is_ascii(const uint8_t* s, size_t n) {
  size_t i = 0;
  uint64_t seen = 0;
  for (; i + 32 <= n; i += 32)
    seen |= load64(s + i) | load64(s + i + 8) | load64(s + i + 16) | load64(s + i + 24);
  for (; i < n; i++) seen |= s[i];
  return (seen & kHighBits) == 0;
}

size_t utf8_to_utf16_scalar(const uint8_t* s, size_t n, char16_t* out) {
  char16_t* const start = out;
  size_t i = 0;
  while (i < n) {
    // Runs of ASCII, 16 bytes at a time (the widening loop vectorises).
    while (i + 16 <= n && ((load64(s + i) | load64(s + i + 8)) & kHighBits) == 0) {
      for (size_t k = 0; k < 16; k++) out[k] = s[i + k];
      out += 16;
      i += 16;
    }
    if (i >= n) break;
    const uint8_t b0 = s[i];
    if (b0 < 0x80) {
      *out++ = b0;
      i++;
      continue;
    }
    // Well-formed two- and three-byte characters without the general checks.
    if (b0 >= 0xC2 && b0 < 0xE0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
      *out++ = char16_t((uint32_t(b0 & 0x1F) << 6) | (s[i + 1] & 0x3F));
      i += 2;
      continue;
    }
    if ((b0 & 0xF0) == 0xE0 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
      const uint32_t c = code_point(s + i, 3);
      if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
        *out++ = char16_t(c);
        i += 3;
        continue;
      }
    }
    size_t maximal;
    const size_t len = sequence_length(s, i, n, &maximal);
    if (len == 0) {
      *out++ = 0xFFFD;
      i += maximal;
      continue;
    }
    const uint32_t c = code_point(s + i, len);
    if (c < 0x10000) {
      *out++ = char16_t(c);
    } else {
      *out++ = char16_t(0xD800 + ((c - 0x10000) >> 10));
      *out++ = char16_t(0xDC00 + ((c - 0x10000) & 0x3FF));
    }
    i += len;
  }
  return size_t(out - start);
}

size_t utf8_to_utf16(const uint8_t* s, size_t n, char16_t* out) {
  return kernel_utf8_to_utf16()(s, n, out);
}

size_t utf16_to_utf8(const char16_t* s, size_t n, uint8_t* out) {
  return kernel_utf16_to_utf8()(s, n, out);
}

size_t utf16_to_utf8_scalar(const char16_t* s, size_t n, uint8_t* out) {
  uint8_t* const start = out;
  size_t i = 0;
  while (i < n) {
    // Runs of ASCII, 8 units at a time.
    while (i + 8 <= n) {
      uint16_t high = 0;
      for (size_t k = 0; k < 8; k++) high |= uint16_t(s[i + k]);
      if (high >= 0x80) break;
      for (size_t k = 0; k < 8; k++) out[k] = uint8_t(s[i + k]);
      out += 8;
      i += 8;
    }
    if (i >= n) break;
    uint32_t c = s[i++];
    if (c < 0x80) {
      *out++ = uint8_t(c);
      continue;
    }
    if (c < 0x800) {
      *out++ = uint8_t(0xC0 | (c >> 6));
      *out++ = uint8_t(0x80 | (c & 0x3F));
      continue;
    }
    if (c >= 0xD800 && c <= 0xDFFF) {
      const bool paired = c < 0xDC00 && i < n && s[i] >= 0xDC00 && s[i] <= 0xDFFF;
      if (!paired) {
        c = 0xFFFD;
      } else {
        c = 0x10000 + ((c - 0xD800) << 10) + (uint32_t(s[i++]) - 0xDC00);
        *out++ = uint8_t(0xF0 | (c >> 18));
        *out++ = uint8_t(0x80 | ((c >> 12) & 0x3F));
        *out++ = uint8_t(0x80 | ((c >> 6) & 0x3F));
        *out++ = uint8_t(0x80 | (c & 0x3F));
        continue;
      }
    }
    *out++ = uint8_t(0xE0 | (c >> 12));
    *out++ = uint8_t(0x80 | ((c >> 6) & 0x3F));
    *out++ = uint8_t(0x80 | (c & 0x3F));
  }
  return size_t(out - start);
}

}  // namespace turbotoken
