// AVX2 builds of the direct merge, for x86-64 CPUs that have it (bpe_x86.cpp).
#pragma once
#if defined(__x86_64__) || defined(_M_X64)
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vocab/vocab.h"

namespace turbotoken {

// Pieces up to this length keep their keys in AVX2 registers (one up to 8 bytes, two up to 16,
// four above).
constexpr size_t kSmallPieceAvx2 = 32;

// Both append the ranks of piece[0..len) exactly as bpe_merge_direct's portable merge does, for
// 32-bit keys (ranks below 2^24); merge_small_avx2 needs 2 <= len <= kSmallPieceAvx2,
// merge32_avx2 len <= 256.
void merge_small_avx2(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
void merge32_avx2(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
// The kernel table's AVX2 build of the 32-bit-key direct merge (DirectMerge32Fn, bpe.h): one of the
// two above by length.
void bpe_merge_direct32_avx2(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);

}  // namespace turbotoken
#endif
