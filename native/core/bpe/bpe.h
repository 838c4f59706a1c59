// Byte-pair merging of one pre-tokenized piece, defined as tiktoken defines it:
//   start from single bytes; while some adjacent pair of parts concatenates to a token, merge the
//   pair whose concatenation has the lowest rank (the leftmost such pair on a tie); then emit the
//   rank of each part.
// Three implementations of that one definition: a direct one for short pieces (the
// specification, quadratic in the piece length), and for long pieces one that merges all pairs
// of the lowest rank in one left-to-right pass (bpe_merge_buckets), falling back to a heap of
// candidate pairs (O(n log n) whatever the ranks) when a vocabulary defeats it. A long piece that
// is one byte repeated runs that pass on run lengths (bpe_merge_run) when it can.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vocab/vocab.h"

namespace turbotoken {

class PieceCache;

// Pieces longer than this use the merge for long pieces.
constexpr size_t kHeapMergeThreshold = 128;

// Which merge runs: by piece length (the default), or one of them for every piece so that tests
// can hold each implementation to the definition on all inputs (TURBOTOKEN_BPE=direct|heap|buckets).
enum class MergeStrategy : uint8_t { kByLength = 0, kDirect = 1, kHeap = 2, kBuckets = 3 };
void set_merge_strategy(MergeStrategy strategy);
MergeStrategy merge_strategy();

// Appends the ranks of piece[0..len) to out (len >= 2; whole-piece lookup is the caller's).
void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out);
void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out);
// Returns false, having appended nothing useful, when the vocabulary's ranks make the pass
// approach costly; bpe_merge_long then runs the heap.
bool bpe_merge_buckets(const Vocab& vocab, const uint8_t* piece, size_t len,
                       std::vector<uint32_t>& out);
void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
// Whether piece[0..len) is one byte repeated (len > 0).
bool is_byte_run(const uint8_t* piece, size_t len);
// bpe_merge_buckets for a piece that is one byte repeated, on run lengths (bpe_run.cpp): false,
// having appended nothing, where the rank passes would have to put candidates back.
bool bpe_merge_run(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);

// Appends the tokens of one piece that is not a single token: from `cache` (the calling thread's
// PieceCache::local(), which a caller looks up once per text: reaching a thread_local from a
// shared library is a call), else by the merge that fits its length (a forced strategy bypasses
// the cache, so that tests hold that merge to the definition on every piece).
void bpe_merge_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                     PieceCache& cache);

// Appends the tokens of one piece: whole-piece lookup, then the merge.
inline void bpe_encode_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                             PieceCache& cache) {
  uint32_t whole = vocab.rank_of(piece, len);
  if (whole != kNoRank) {
    out.push_back(whole);
    return;
  }
  bpe_merge_piece(vocab, piece, len, out, cache);
}

// Appends the first ids of BPE(piece[0..len)), at least `wanted` of them and all exact, from
// merges of prefixes near the front (bpe_prefix.cpp); false, having appended nothing, when that
// would cost more than merging the whole piece (then the caller does that).
bool bpe_encode_piece_prefix(const Vocab& vocab, const uint8_t* piece, size_t len, size_t wanted,
                             std::vector<uint32_t>& out, PieceCache& cache);

}  // namespace turbotoken
