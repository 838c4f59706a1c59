// The byte-set search of text/byte_set.h with AVX2: 32 bytes a test. A byte b is in the set when
// bit (b >> 4) & 7 of a row is set, the row looked up by b's low nibble in one of two tables (the
// byte's top bit picks which); three shuffles, a blend and a compare per 32 bytes, against 32
// table loads for the scalar code.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include "text/byte_set.h"

namespace turbotoken {

__attribute__((target("avx2"))) size_t find_in_set_avx2(const ByteSet& set, const uint8_t* text, size_t from,
                                                             size_t size) {
  const uint8_t* at = text + from;
  const uint8_t* const stop = text + size;
  if (stop - at >= 32) {
    const __m256i low_rows = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(set.by_low)));
    const __m256i high_rows =
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(set.by_low_high)));
    // Bit (h & 7) for a high nibble h.
    const __m256i bits = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16,
                                          32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    do {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
      const __m256i low = _mm256_and_si256(x, nibble);
      const __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
      const __m256i row =
          _mm256_blendv_epi8(_mm256_shuffle_epi8(low_rows, low), _mm256_shuffle_epi8(high_rows, low), x);
      const __m256i out = _mm256_cmpeq_epi8(_mm256_and_si256(row, _mm256_shuffle_epi8(bits, high)), zero);
      const uint32_t in = ~uint32_t(_mm256_movemask_epi8(out));
      if (in) return size_t(at - text) + size_t(__builtin_ctz(in));
      at += 32;
    } while (stop - at >= 32);
  }
  return find_in_set_scalar(set, text, size_t(at - text), size);
}

}  // namespace turbotoken
#endif
