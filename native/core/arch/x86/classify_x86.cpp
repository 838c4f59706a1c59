// x86-64 classifiers. Each is compiled for its own instruction set with a function attribute,
// so one binary holds all three and kernels.cpp picks one at run time from what the CPU has.
// The ranges are tested as unsigned (b - lo) < width; x86 has no unsigned byte compare below
// AVX-512, so SSE2/AVX2 test min(x, width - 1) == x instead.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include "text/byte_classes.h"

namespace turbotoken {

namespace {

__attribute__((target("sse2"))) inline uint64_t below_sse2(__m128i x, char lo, char width) {
  __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(lo));
  return uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(char(width - 1))), d)));
}

__attribute__((target("sse2"))) inline uint64_t equal_sse2(__m128i x, char c) {
  return uint16_t(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c))));
}

__attribute__((target("avx2"))) inline uint64_t below_avx2(__m256i x, char lo, char width) {
  __m256i d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo));
  return uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(char(width - 1))), d)));
}

__attribute__((target("avx2"))) inline uint64_t equal_avx2(__m256i x, char c) {
  return uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(c))));
}

__attribute__((target("avx512f,avx512bw"))) inline uint64_t below_avx512(__m512i x, char lo, char width) {
  return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8(lo)), _mm512_set1_epi8(width));
}

__attribute__((target("avx512f,avx512bw"))) inline uint64_t equal_avx512(__m512i x, char c) {
  return _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(c));
}

}  // namespace

__attribute__((target("sse2"))) void classify_sse2(const uint8_t* p, ByteClasses* out) {
  ByteClasses m{0, 0, 0, 0, 0, 0};
  for (unsigned part = 0; part < 4; part++) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
    const unsigned shift = 16 * part;
    m.lower |= below_sse2(x, 'a', 26) << shift;
    m.upper |= below_sse2(x, 'A', 26) << shift;
    m.digit |= below_sse2(x, '0', 10) << shift;
    m.space |= (below_sse2(x, '\t', 5) | equal_sse2(x, ' ')) << shift;
    m.newline |= (equal_sse2(x, '\r') | equal_sse2(x, '\n')) << shift;
    m.nonascii |= uint64_t(uint16_t(_mm_movemask_epi8(x))) << shift;
  }
  *out = m;
}

__attribute__((target("avx2"))) void classify_avx2(const uint8_t* p, ByteClasses* out) {
  ByteClasses m{0, 0, 0, 0, 0, 0};
  for (unsigned part = 0; part < 2; part++) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * part));
    const unsigned shift = 32 * part;
    m.lower |= below_avx2(x, 'a', 26) << shift;
    m.upper |= below_avx2(x, 'A', 26) << shift;
    m.digit |= below_avx2(x, '0', 10) << shift;
    m.space |= (below_avx2(x, '\t', 5) | equal_avx2(x, ' ')) << shift;
    m.newline |= (equal_avx2(x, '\r') | equal_avx2(x, '\n')) << shift;
    m.nonascii |= uint64_t(uint32_t(_mm256_movemask_epi8(x))) << shift;
  }
  *out = m;
}

__attribute__((target("avx512f,avx512bw"))) void classify_avx512(const uint8_t* p, ByteClasses* out) {
  const __m512i x = _mm512_loadu_si512(p);
  out->lower = below_avx512(x, 'a', 26);
  out->upper = below_avx512(x, 'A', 26);
  out->digit = below_avx512(x, '0', 10);
  out->space = below_avx512(x, '\t', 5) | equal_avx512(x, ' ');
  out->newline = equal_avx512(x, '\r') | equal_avx512(x, '\n');
  out->nonascii = uint64_t(_mm512_movepi8_mask(x));
}

}  // namespace turbotoken
#endif
