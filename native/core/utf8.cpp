#include "utf8.h"

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

void append_repaired_utf8(const uint8_t* s, size_t n, std::vector<uint8_t>& out) {
  static const uint8_t kReplacement[3] = {0xEF, 0xBF, 0xBD};
  size_t i = 0;
  while (i < n) {
    size_t maximal;
    size_t len = sequence_length(s, i, n, &maximal);
    if (len) {
      out.insert(out.end(), s + i, s + i + len);
      i += len;
    } else {
      out.insert(out.end(), kReplacement, kReplacement + 3);
      i += maximal;
    }
  }
}

}  // namespace turbotoken
