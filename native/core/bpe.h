// Byte-pair merging of one pre-tokenized piece, defined as tiktoken defines it:
//   start from single bytes; while some adjacent pair of parts concatenates to a token, merge the
//   pair whose concatenation has the lowest rank (the leftmost such pair on a tie); then emit the
//   rank of each part.
// Two implementations of that one definition: a direct one for short pieces (the specification,
// quadratic in the piece length) and a heap-based one for long pieces (O(n log n)).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vocab.h"

namespace turbotoken {

// Pieces longer than this use the heap-based merge.
constexpr size_t kHeapMergeThreshold = 128;

// Which merge runs: by piece length (the default), or one of them for every piece so that tests
// can hold each implementation to the definition on all inputs (TURBOTOKEN_BPE=direct|heap).
enum class MergeStrategy : uint8_t { kByLength = 0, kDirect = 1, kHeap = 2 };
void set_merge_strategy(MergeStrategy strategy);
MergeStrategy merge_strategy();

// Appends the ranks of piece[0..len) to out (len >= 2; whole-piece lookup is the caller's).
void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out);
void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out);

// Appends the tokens of one piece that is not a single token: from the calling thread's piece
// cache, else by the merge that fits its length (a forced strategy bypasses the cache, so that
// tests hold that merge to the definition on every piece).
void bpe_merge_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);

// Appends the tokens of one piece: whole-piece lookup, then the merge.
inline void bpe_encode_piece(const Vocab& vocab, const uint8_t* piece, size_t len,
                             std::vector<uint32_t>& out) {
  uint32_t whole = vocab.rank_of(piece, len);
  if (whole != kNoRank) {
    out.push_back(whole);
    return;
  }
  bpe_merge_piece(vocab, piece, len, out);
}

}  // namespace turbotoken
