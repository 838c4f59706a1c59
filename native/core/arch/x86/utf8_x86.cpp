// UTF-8 to UTF-16 with AVX-512 (BW and VBMI2), 64 input bytes at a time. utf8_to_utf16_scalar
// (utf8.cpp) is the specification: this kernel handles windows of one-, two- and three-byte
// characters that are well-formed, and gives every other window to the scalar code, so the two
// agree on all input by construction. kernels.cpp makes it active with the avx512 kernel when the
// CPU has VBMI2 (for the 16-bit compress).
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include "text/utf8.h"

namespace turbotoken {

namespace {

#define TT_AVX512_UTF16 __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))

// Characters starting in the first kWindow bytes of 64 are decoded: one starting at 61 may be
// three bytes long and still end inside them.
constexpr unsigned kWindow = 62;

struct Classes {
  uint64_t high;   // 80..FF
  uint64_t cont;   // 80..BF
  uint64_t lead2;  // C2..DF
  uint64_t lead3;  // E0..EF
};

// The n lowest bits set, n <= 64.
inline uint64_t low_bits(unsigned n) { return n == 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1; }

TT_AVX512_UTF16 inline uint64_t in_range(__m512i v, uint8_t lo, uint8_t width) {
  return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(char(lo))), _mm512_set1_epi8(char(width)));
}

// The bytes [0, *end) of the characters that start in the window, when all of them are
// well-formed and of one to three bytes; false otherwise (the scalar code then takes over).
TT_AVX512_UTF16 inline bool well_formed_window(__m512i v, __m512i next, const Classes& c, unsigned* end) {
  const uint64_t starts = ~c.cont & low_bits(kWindow);
  if (starts == 0) return false;
  const unsigned last = 63 - unsigned(__builtin_clzll(starts));
  const unsigned last_length = 1 + unsigned((c.lead2 | c.lead3) >> last & 1) + unsigned(c.lead3 >> last & 1);
  *end = last + last_length;
  // Every lead byte is followed by exactly its continuation bytes, and no other byte is one.
  const uint64_t expected = ((c.lead2 | c.lead3) << 1) | (c.lead3 << 2);
  const uint64_t other_high = c.high & ~c.cont & ~c.lead2 & ~c.lead3;  // C0, C1, F0..FF
  // E0 needs A0..BF next (shorter forms are overlong), ED needs 80..9F (the rest are surrogates).
  const uint64_t next_low = _mm512_cmplt_epu8_mask(next, _mm512_set1_epi8(char(0xA0)));
  const uint64_t e0 = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(char(0xE0)));
  const uint64_t ed = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(char(0xED)));
  const uint64_t bad = (expected ^ c.cont) | other_high | (e0 & next_low) | (ed & ~next_low);
  return (bad & low_bits(*end)) == 0;
}

// The UTF-16 unit of the character starting at each of 32 positions, from its lead byte b0 and
// the next two bytes (whichever of the three forms the position's class says).
TT_AVX512_UTF16 inline __m512i units_of(__m256i b0, __m256i b1, __m256i b2, uint32_t lead2, uint32_t lead3) {
  const __m512i w0 = _mm512_cvtepu8_epi16(b0);
  const __m512i w1 = _mm512_and_si512(_mm512_cvtepu8_epi16(b1), _mm512_set1_epi16(0x3F));
  const __m512i w2 = _mm512_and_si512(_mm512_cvtepu8_epi16(b2), _mm512_set1_epi16(0x3F));
  const __m512i two = _mm512_or_si512(_mm512_slli_epi16(_mm512_and_si512(w0, _mm512_set1_epi16(0x1F)), 6), w1);
  // In 16-bit lanes the shift by 12 keeps only the lead byte's low four bits.
  const __m512i three = _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi16(w0, 12), _mm512_slli_epi16(w1, 6)), w2);
  return _mm512_mask_blend_epi16(lead3, _mm512_mask_blend_epi16(lead2, w0, two), three);
}

// Halves of 32 bytes are loaded again from memory rather than extracted from the 64-byte
// registers: GCC 12 warns (maybe-uninitialized) inside its own extract intrinsics.
TT_AVX512_UTF16 inline __m256i load32(const uint8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

TT_AVX512_UTF16 inline void store_ascii(const uint8_t* s, char16_t* out) {
  _mm512_storeu_si512(out, _mm512_cvtepu8_epi16(load32(s)));
  _mm512_storeu_si512(out + 32, _mm512_cvtepu8_epi16(load32(s + 32)));
}

// The end of a stretch for the scalar code from i: the first byte at or after i + 48 that is no
// continuation byte (or n). Cutting before such a byte leaves the decoding unchanged: it cannot
// continue a sequence, so the sequence before it ends there either way.
size_t scalar_stretch_end(const uint8_t* s, size_t i, size_t n) {
  size_t j = i + 48 < n ? i + 48 : n;
  while (j < n && (s[j] & 0xC0) == 0x80) j++;
  return j;
}

}  // namespace

TT_AVX512_UTF16 size_t utf8_to_utf16_avx512(const uint8_t* s, size_t n, char16_t* out) {
  char16_t* const start = out;
  size_t i = 0;
  // 66: every position's next two bytes are loaded, up to s[i + 65]. Units written never
  // outnumber bytes read (out - start <= i), so the full 32-unit stores stay inside the caller's
  // n units.
  while (i + 66 <= n) {
    const __m512i v = _mm512_loadu_si512(s + i);
    const uint64_t high = _mm512_movepi8_mask(v);
    if (high == 0) {
      store_ascii(s + i, out);
      out += 64;
      i += 64;
      continue;
    }
    const __m512i v1 = _mm512_loadu_si512(s + i + 1);
    const Classes c{high, _mm512_cmplt_epi8_mask(v, _mm512_set1_epi8(char(0xC0))), in_range(v, 0xC2, 0x1E),
                    in_range(v, 0xE0, 0x10)};
    unsigned consumed;
    if (!well_formed_window(v, v1, c, &consumed)) {
      const size_t j = scalar_stretch_end(s, i, n);
      out += utf8_to_utf16_scalar(s + i, j - i, out);
      i = j;
      continue;
    }
    const uint64_t keep = ~c.cont & low_bits(consumed);
    for (unsigned half = 0; half < 2; half++) {
      const unsigned shift = 32 * half;
      const uint8_t* p = s + i + shift;
      const uint32_t here = uint32_t(keep >> shift);
      const __m512i units = units_of(load32(p), load32(p + 1), load32(p + 2), uint32_t(c.lead2 >> shift), uint32_t(c.lead3 >> shift));
      _mm512_storeu_si512(out, _mm512_maskz_compress_epi16(here, units));
      out += _mm_popcnt_u32(here);
    }
    i += consumed;
  }
  out += utf8_to_utf16_scalar(s + i, n - i, out);
  return size_t(out - start);
}

}  // namespace turbotoken
#endif
