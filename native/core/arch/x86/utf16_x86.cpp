// UTF-16 to UTF-8 with AVX-512 (BW and VBMI2), 32 input units at a time. utf16_to_utf8_scalar
// (utf8.cpp) is the specification: this kernel encodes blocks without surrogates itself and
// gives every block with one to the scalar code, so the two agree on all input by construction.
// kernels.cpp makes it active with the avx512 kernel when the CPU has VBMI2 (for the byte
// compress).
#if defined(__x86_64__) || defined(_M_X64)
// GCC 12 warns (maybe-uninitialized) inside its own AVX-512 intrinsics, whose unmasked forms pass
// an undefined vector as the merge source; every lane of it is overwritten.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "text/utf8.h"

namespace turbotoken {

namespace {

#define TT_AVX512_UTF8 __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))

constexpr size_t kBlock = 32;

// Writes the UTF-8 of 16 units, none a surrogate, and returns its length. Each unit's one to
// three bytes are built in its 32-bit lane and the lanes' unused bytes are compressed out.
TT_AVX512_UTF8 inline size_t encode16(__m256i units, uint8_t* out) {
  const __m512i c = _mm512_cvtepu16_epi32(units);
  const __mmask16 one = _mm512_cmplt_epu32_mask(c, _mm512_set1_epi32(0x80));
  const __mmask16 upto_two = _mm512_cmplt_epu32_mask(c, _mm512_set1_epi32(0x800));
  const __m512i low6 = _mm512_or_si512(_mm512_and_si512(c, _mm512_set1_epi32(0x3F)), _mm512_set1_epi32(0x80));
  const __m512i mid6 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(c, 6), _mm512_set1_epi32(0x3F)),
                                       _mm512_set1_epi32(0x80));
  const __m512i two = _mm512_or_si512(_mm512_or_si512(_mm512_srli_epi32(c, 6), _mm512_set1_epi32(0xC0)),
                                      _mm512_slli_epi32(low6, 8));
  const __m512i three = _mm512_or_si512(
      _mm512_or_si512(_mm512_srli_epi32(c, 12), _mm512_set1_epi32(0xE0)),
      _mm512_or_si512(_mm512_slli_epi32(mid6, 8), _mm512_slli_epi32(low6, 16)));
  const __m512i bytes = _mm512_mask_blend_epi32(one, _mm512_mask_blend_epi32(upto_two, three, two), c);
  // Each lane's bytes that belong to its character: all ones in them, zero in the rest.
  const __m512i used = _mm512_mask_blend_epi32(
      one, _mm512_mask_blend_epi32(upto_two, _mm512_set1_epi32(0xFFFFFF), _mm512_set1_epi32(0xFFFF)),
      _mm512_set1_epi32(0xFF));
  const uint64_t keep = _mm512_test_epi8_mask(used, used);
  const unsigned count = unsigned(_mm_popcnt_u64(keep));
  _mm512_mask_storeu_epi8(out, (uint64_t(1) << count) - 1, _mm512_maskz_compress_epi8(keep, bytes));  // count <= 48
  return count;
}

inline bool is_high_surrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }

}  // namespace

TT_AVX512_UTF8 size_t utf16_to_utf8_avx512(const char16_t* s, size_t n, uint8_t* out) {
  uint8_t* const start = out;
  size_t i = 0;
  const __m512i non_ascii = _mm512_set1_epi16(int16_t(0xFF80));
  while (i + kBlock <= n) {
    const __m512i v = _mm512_loadu_si512(s + i);
    if (_mm512_test_epi16_mask(v, non_ascii) == 0) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_cvtepi16_epi8(v));
      out += kBlock;
      i += kBlock;
      continue;
    }
    const __mmask32 surrogates =
        _mm512_cmplt_epu16_mask(_mm512_sub_epi16(v, _mm512_set1_epi16(int16_t(0xD800))), _mm512_set1_epi16(0x800));
    if (surrogates) {
      // The scalar code takes the block, and one unit more while the block would end between a
      // high surrogate and what follows it (which may be its pair).
      size_t j = i + kBlock;
      while (j < n && is_high_surrogate(s[j - 1])) j++;
      out += utf16_to_utf8_scalar(s + i, j - i, out);
      i = j;
      continue;
    }
    out += encode16(_mm512_castsi512_si256(v), out);
    out += encode16(_mm512_extracti64x4_epi64(v, 1), out);
    i += kBlock;
  }
  out += utf16_to_utf8_scalar(s + i, n - i, out);
  return size_t(out - start);
}

}  // namespace turbotoken
#endif
