// Byte-pair merging of one pre-tokenized piece, defined as tiktoken defines it:
//   start from single bytes; while some adjacent pair of parts concatenates to a token, merge the
//   pair whose concatenation has the lowest rank (the leftmost such pair on a tie); then emit the
//   rank of each part.
// Implementations of that one definition: the direct merge for short pieces (the specification,
// quadratic in the piece length; its 32-bit-key form has an AVX2 build that the kernel table
// picks); for long pieces the tree merge (bpe_merge_long: one merge at a time, the lowest pair
// found in a tree of minima, O(n log n) whatever the ranks, 5 bytes per byte), and the heap merge
// (bpe_merge_heap), which only tests force. Both merge a long piece in windows of kMergeWindow
// bytes whose seams are checked to be boundaries of the piece's result (bpe_long.cpp), so that
// their memory does not grow with the piece. A long piece that is one byte repeated, or a unit of
// up to 32 bytes repeated, runs rank passes on run lengths (bpe_merge_run) or on repeated blocks
// of parts (bpe_merge_periodic) when it can: a rank pass merges every pair of the lowest rank r,
// left to right, which is the definition's order as long as no pair a merge makes ranks below r.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vocab/vocab.h"

namespace turbotoken {

class PieceCache;

// Pieces of up to this many bytes use the direct merge; longer ones the long merge (or the run
// merge).
constexpr size_t kDirectMergeMaxLen = 128;

// Which merge runs: by piece length (the default), or one of them for every piece so that tests
// can hold each implementation to the definition on all inputs
// (TURBOTOKEN_BPE=direct|heap|long|run|windows). kRun runs the run merge on every piece that is one
// byte repeated and the periodic merge on every piece that repeats a longer unit, whatever its
// length, and the long merge on the others (and where those give up). kWindows runs the long merge in windows of kTestMergeWindow bytes, so that short texts
// cross many of its seams.
enum class MergeStrategy : uint8_t { kByLength = 0, kDirect = 1, kHeap = 2, kLong = 3, kRun = 4, kWindows = 5 };
constexpr MergeStrategy kLastMergeStrategy = MergeStrategy::kWindows;
void set_merge_strategy(MergeStrategy strategy);
MergeStrategy merge_strategy();

// The direct merge with 32-bit keys (2 <= len <= 256, fewer than 2^24 - 1 slots): the portable
// build, and the type of the active kernel's build (kernel_direct_merge32, kernels.h).
using DirectMerge32Fn = void (*)(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
void bpe_merge_direct32_scalar(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);

// Appends the ranks of piece[0..len) to out (len >= 2; whole-piece lookup is the caller's).
void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out);
void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out);
// Long pieces merge in windows of this many bytes, so that the merge's state (5 bytes per byte of
// the window) is bounded by the window rather than the piece; small enough that a window's parts
// stay in the cache.
constexpr size_t kMergeWindow = size_t(256) << 10;
static_assert(kMergeWindow >= 4 * Vocab::kMaxTokenLength, "a window holds a few of the longest tokens");
constexpr size_t kTestMergeWindow = 64;
// The tree merge, in windows of `window` bytes.
void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                    size_t window = kMergeWindow);
// The number of ids bpe_merge_long appends, holding about kMergeWindow of them at a time in
// `scratch` (which it clears) rather than all of them.
size_t bpe_count_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& scratch);
// Whether piece[0..len) is one byte repeated (len > 0).
bool is_byte_run(const uint8_t* piece, size_t len);
// The rank passes for a piece that is one byte repeated, on run lengths (bpe_run.cpp): false,
// having appended nothing, where the rank passes would have to put candidates back.
bool bpe_merge_run(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
// The number of ids bpe_merge_run would append, found on the run lengths alone (no id is held);
// false where bpe_merge_run gives up.
bool bpe_count_run(const Vocab& vocab, const uint8_t* piece, size_t len, size_t* count);
// The rank passes for a piece that repeats a unit of 2 to 32 bytes (u^k v, v a prefix of u), on
// blocks of parts repeated (bpe_periodic.cpp): false, having appended nothing, where the piece is
// not such a repeat or the rank passes would have to put candidates back.
bool bpe_merge_periodic(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out);
// The number of ids bpe_merge_periodic would append, without them; false where it gives up.
bool bpe_count_periodic(const Vocab& vocab, const uint8_t* piece, size_t len, size_t* count);

// The most bytes the long merges (tree and heap, with their windows and seam checks) held at once
// since the last reset, process-wide: tests hold it to a bound per byte of the piece.
size_t long_merge_peak_bytes();
void reset_long_merge_peak_bytes();

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
