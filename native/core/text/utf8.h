// UTF-8 helpers. The pre-tokenizers only ever see well-formed UTF-8: JS strings arrive through
// V8's encoder (lone surrogates become U+FFFD) and byte input is repaired first.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace turbotoken {

struct CodePoint {
  uint32_t value;
  uint32_t length;  // bytes, 1..4
};

// Decodes the code point that starts at s[i]; s[i..n) must be well-formed UTF-8.
inline CodePoint decode_utf8(const uint8_t* s, size_t i, size_t n) {
  uint8_t b0 = s[i];
  if (b0 < 0x80) return {b0, 1};
  (void)n;
  if (b0 < 0xE0) return {(uint32_t(b0 & 0x1F) << 6) | (s[i + 1] & 0x3F), 2};
  if (b0 < 0xF0)
    return {(uint32_t(b0 & 0x0F) << 12) | (uint32_t(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F), 3};
  return {(uint32_t(b0 & 0x07) << 18) | (uint32_t(s[i + 1] & 0x3F) << 12) |
              (uint32_t(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F),
          4};
}

// Start of the code point that ends at s[end - 1] (end > 0, well-formed input).
inline size_t previous_char_start(const uint8_t* s, size_t end) {
  size_t i = end - 1;
  while ((s[i] & 0xC0) == 0x80) --i;
  return i;
}

// Length of the longest well-formed prefix of s[0..n).
size_t valid_utf8_prefix(const uint8_t* s, size_t n);

// Appends s[0..n) to out with every ill-formed sequence replaced by U+FFFD, following the
// WHATWG decoder (one replacement per maximal subpart), as TextDecoder does.
void append_repaired_utf8(const uint8_t* s, size_t n, std::vector<uint8_t>& out);

// Well-formed bytes to work on: s[0..n) itself when it is known or found well-formed, else its
// repair (as append_repaired_utf8 makes it) written into `storage`, which must outlive the view.
struct Utf8View {
  const uint8_t* data;
  size_t size;
};
inline Utf8View well_formed_view(const uint8_t* s, size_t n, bool may_be_invalid,
                                 std::vector<uint8_t>& storage) {
  if (!may_be_invalid || valid_utf8_prefix(s, n) == n) return {s, n};
  storage.clear();
  append_repaired_utf8(s, n, storage);
  return {storage.data(), storage.size()};
}

// Whether every byte of s[0..n) is ASCII (then the bytes are also the Latin-1 text).
bool is_ascii(const uint8_t* s, size_t n);

// Writes s[0..n) as UTF-16 to out (room for n code units: never more are needed) and returns
// the number written. Ill-formed sequences become U+FFFD as append_repaired_utf8 makes them, so
// the result equals TextDecoder's (and V8's) reading of the bytes. Runs the active kernel's
// transcoder (kernels.h); utf8_to_utf16_scalar is the specification every one of them matches.
//
// Every transcoder may run in place, with s the n bytes that start n + kUtf8ToUtf16InPlaceGap
// bytes into out (which then has room for n + kUtf8ToUtf16InPlaceGap / 2 units): none writes more
// units than it has read bytes, nor stores more than 128 bytes past its last unit, so after i
// bytes read its stores end by byte 2i + 128 <= n + 128 + i, where the unread bytes begin.
constexpr size_t kUtf8ToUtf16InPlaceGap = 128;
size_t utf8_to_utf16(const uint8_t* s, size_t n, char16_t* out);
size_t utf8_to_utf16_scalar(const uint8_t* s, size_t n, char16_t* out);
#if defined(__x86_64__) || defined(_M_X64)
// Needs AVX-512 BW and VBMI2 (utf8_x86.cpp).
size_t utf8_to_utf16_avx512(const uint8_t* s, size_t n, char16_t* out);
#endif

// Writes UTF-16 s[0..n) as UTF-8 to out (room for 3 * n bytes: never more are needed) and
// returns the number of bytes written. A surrogate without its pair becomes U+FFFD, as V8 writes
// a JS string as UTF-8, so the bytes equal what the string would give through Node-API. s may
// lie in out's own buffer if it starts at least n bytes past out: every unit is read before the
// bytes written overtake it (the binding converts a string in place that way). Runs the active
// kernel's transcoder; utf16_to_utf8_scalar is the specification every one of them matches.
size_t utf16_to_utf8(const char16_t* s, size_t n, uint8_t* out);
size_t utf16_to_utf8_scalar(const char16_t* s, size_t n, uint8_t* out);
#if defined(__x86_64__) || defined(_M_X64)
// Needs AVX-512 BW and VBMI2 (utf16_x86.cpp).
size_t utf16_to_utf8_avx512(const char16_t* s, size_t n, uint8_t* out);
#endif

}  // namespace turbotoken
