// AVX2 builds of the direct merge (bpe_direct.h is their specification). Each function carries
// target("avx2"), so one binary runs anywhere; the kernel table (kernels.cpp) gives
// bpe_merge_direct32_avx2 to the kernels that have AVX2, so TURBOTOKEN_KERNEL=sse2 or scalar runs
// the portable merge instead.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include <cstring>

#include "bpe/bpe_direct.h"
#include "arch/x86/bpe_x86.h"

namespace turbotoken {

namespace {

using direct_merge::kKeyBlock;

// The lowest of the 16 keys in lo and hi.
__attribute__((target("avx2"))) inline uint32_t lowest_of(__m256i lo, __m256i hi) {
  const __m256i both = _mm256_min_epu32(lo, hi);
  __m128i m = _mm_min_epu32(_mm256_castsi256_si128(both), _mm256_extracti128_si256(both, 1));
  m = _mm_min_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));
  m = _mm_min_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));
  return uint32_t(_mm_cvtsi128_si32(m));
}

// The lowest of the 8 keys in k.
__attribute__((target("avx2"))) inline uint32_t lowest_of8(__m256i k) {
  __m128i m = _mm_min_epu32(_mm256_castsi256_si128(k), _mm256_extracti128_si256(k, 1));
  m = _mm_min_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));
  m = _mm_min_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));
  return uint32_t(_mm_cvtsi128_si32(m));
}

// SSE2 has no unsigned 32-bit minimum (the compiler emulates it with compares and masks); AVX2
// takes 16 keys in two vpminud.
struct Avx2Minimum {
  __attribute__((target("avx2"))) static uint32_t lowest(const uint32_t* key, uint32_t stop) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key + 8));
    for (uint32_t p = kKeyBlock; p < stop; p += kKeyBlock) {
      a = _mm256_min_epu32(a, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key + p)));
      b = _mm256_min_epu32(b, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key + p + 8)));
    }
    return lowest_of(a, b);
  }
};

// 0, 1, 2, ...: the first links of RegisterMerge's parts.
constexpr struct Count {
  uint8_t v[33];
  constexpr Count() : v() {
    for (int k = 0; k < 33; k++) v[k] = uint8_t(k);
  }
} kCounting;
constexpr const uint8_t* kCount = kCounting.v;

// The direct merge of a piece of at most 8 * kRegs bytes with its keys held in kRegs registers: a
// step stores no key and loads none back (a vector load right after scalar stores to the same
// bytes waits for them: store forwarding fails), and the minimum reads no memory.
template <int kRegs>
struct RegisterMerge {
  static constexpr uint32_t kNone = ~0u;
  static constexpr uint32_t kNoLane = 255;  // matches no lane: the first part has no part before it
  static constexpr uint32_t kMax = 8 * kRegs;
  const Vocab& vocab;
  const uint8_t* piece;
  uint32_t len;
  __m256i key[kRegs];
  uint8_t end[kMax + 1];
  uint8_t start_of[kMax + 1];
  uint32_t rank[kMax];
  // The piece zero-padded (words stored little-endian, so memory holds its bytes in order), so
  // that a join's key of up to 8 bytes is one load.
  uint64_t padded[kRegs + 2];

  // The arrays are left uninitialised: run() sets every entry a merge reads (zeroing them all was
  // 3% of a multilingual encode's instructions).
  RegisterMerge(const Vocab& v, const uint8_t* p, uint32_t n) : vocab(v), piece(p), len(n) {}

  static uint32_t key_of(uint32_t r, uint32_t p) { return r == kNoRank ? kNone : r << 8 | p; }
  __attribute__((target("avx2"))) static __m256i lanes(int r) {
    return _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(8 * r));
  }

  __attribute__((target("avx2"))) uint32_t lowest() const {
    if (kRegs == 1) return lowest_of8(key[0]);
    __m256i m = key[0];
    for (int r = 1; r + 1 < kRegs; r++) m = _mm256_min_epu32(m, key[r]);
    return lowest_of(m, key[kRegs - 1]);
  }

  __attribute__((target("avx2"))) void run(std::vector<uint32_t>& out) {
    for (int k = 0; k < kRegs + 2; k++) {
      const uint32_t at = 8 * k;
      padded[k] = at < len ? pack_prefix(piece + at, len - at < 8 ? len - at : 8) : 0;
    }
    alignas(32) uint32_t keys[kMax];
    for (uint32_t p = 0; p < kMax; p++) keys[p] = kNone;
    for (uint32_t p = 0; p + 1 < len; p++) keys[p] = key_of(vocab.rank_of(piece + p, 2), p);
    for (int r = 0; r < kRegs; r++) key[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(keys + 8 * r));
    // end[p] = p + 1 and start_of[p + 1] = p for every p < len, as fixed-size copies of one
    // table (a byte loop per piece was 60 instructions).
    std::memcpy(end, kCount + 1, kMax);
    std::memcpy(start_of + 1, kCount, kMax);
    uint32_t best = lowest();
    while (best != kNone) best = merge(best & 0xFF, best >> 8);
    for (uint32_t p = 0; p < len; p = end[p]) out.push_back(end[p] == p + 1 ? vocab.byte_rank(piece[p]) : rank[p]);
  }

  // Merges the part at p with the next one and returns the new lowest key. The minimum over the
  // keys this merge does not change is taken while the two lookups are in flight, so that the
  // step's chain is the lookups and one scalar minimum, not the lookups and then the vector one.
  __attribute__((target("avx2"))) uint32_t merge(uint32_t p, uint32_t joined_rank) {
    const uint32_t next = end[p];
    const uint32_t e = end[next];
    const uint32_t before = p > 0 ? start_of[p] : kNoLane;
    end[p] = uint8_t(e);
    start_of[e] = uint8_t(p);
    rank[p] = joined_rank;
    const __m256i at_next = _mm256_set1_epi32(int(next)), at_p = _mm256_set1_epi32(int(p)),
                  at_before = _mm256_set1_epi32(int(before));
    __m256i is_p[kRegs], is_before[kRegs];
    for (int r = 0; r < kRegs; r++) {
      const __m256i l = lanes(r);
      is_p[r] = _mm256_cmpeq_epi32(l, at_p);
      is_before[r] = _mm256_cmpeq_epi32(l, at_before);
      const __m256i changed = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi32(l, at_next), is_p[r]), is_before[r]);
      key[r] = _mm256_or_si256(key[r], changed);  // all ones is no key
    }
    const uint32_t others = lowest();
    // Both joins hold the merged part (2 bytes or more) and a neighbour: 3 bytes or more.
    const uint8_t* pad = reinterpret_cast<const uint8_t*>(padded);
    const uint32_t key_p = e < len ? key_of(vocab.rank_of_joined_padded(pad + p, piece + p, end[e] - p), p) : kNone;
    const uint32_t key_before =
        p > 0 ? key_of(vocab.rank_of_joined_padded(pad + before, piece + before, e - before), before) : kNone;
    const __m256i new_p = _mm256_set1_epi32(int(key_p)), new_before = _mm256_set1_epi32(int(key_before));
    for (int r = 0; r < kRegs; r++)
      key[r] = _mm256_blendv_epi8(_mm256_blendv_epi8(key[r], new_p, is_p[r]), new_before, is_before[r]);
    const uint32_t changed = key_p < key_before ? key_p : key_before;
    return others < changed ? others : changed;
  }
};

}  // namespace

__attribute__((target("avx2"), flatten)) void merge_small_avx2(const Vocab& vocab, const uint8_t* piece, size_t len,
                                                               std::vector<uint32_t>& out) {
  if (len <= RegisterMerge<1>::kMax) {
    RegisterMerge<1> m(vocab, piece, uint32_t(len));
    return m.run(out);
  }
  if (len <= RegisterMerge<2>::kMax) {
    RegisterMerge<2> m(vocab, piece, uint32_t(len));
    return m.run(out);
  }
  RegisterMerge<4> m(vocab, piece, uint32_t(len));
  m.run(out);
}

// flatten compiles the whole merge, lookups included, for AVX2 inside this one function.
__attribute__((target("avx2"), flatten)) void merge32_avx2(const Vocab& vocab, const uint8_t* piece, size_t len,
                                                           std::vector<uint32_t>& out) {
  direct_merge::merge_with_keys<uint32_t, Avx2Minimum>(vocab, piece, len, out);
}

void bpe_merge_direct32_avx2(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  if (len <= kSmallPieceAvx2) return merge_small_avx2(vocab, piece, len, out);
  merge32_avx2(vocab, piece, len, out);
}

}  // namespace turbotoken
#endif
