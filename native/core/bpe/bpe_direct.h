// The direct merge for short pieces: bpe.h's definition followed step by step, with parts
// named by position so that nothing moves. Shared by the portable build (bpe.cpp) and
// merge32_avx2 (bpe_x86.cpp), which differs only in how it finds the lowest key;
// merge_small_avx2 follows it step by step with its keys in registers.
#pragma once
#include <cstdint>
#include <vector>

#include "bpe/bpe.h"

namespace turbotoken {
namespace direct_merge {

// The lowest of key[0..stop), stop a multiple of kKeyBlock, where every key past the piece is
// kNone. This is the specification; Avx2Minimum (bpe_x86.cpp) must give the same value.
constexpr uint32_t kKeyBlock = 16;

struct ScalarMinimum {
  template <typename Key>
  static Key lowest(const Key* key, uint32_t stop) {
    Key best = key[0];
    for (uint32_t p = 1; p < stop; p++) best = key[p] < best ? key[p] : best;
    return best;
  }
};

// Parts are named by the position of their first byte, and nothing moves when two merge: the
// part at p covers [p, end[p]), the part ending at e starts at start_of[e], and key[p] is the
// rank of the part at p joined with the next one, shifted up, with p in the low bits. The lowest
// key is then the lowest rank and, on a tie, the leftmost pair: one minimum over a fixed array
// finds the next merge. Positions no part starts at, and those past the piece, hold kNone, so
// the minimum runs over whole blocks of kKeyBlock keys.
template <typename Key, typename Minimum>
struct DirectMerge {
  static constexpr unsigned kShift = sizeof(Key) == 4 ? 8 : 32;
  static constexpr Key kNone = ~Key(0);

  const Vocab& vocab;
  const uint8_t* piece;
  uint32_t len;
  Key* key;  // room for len - 1 + kKeyBlock keys
  uint32_t* end;
  uint32_t* start_of;
  uint32_t* rank;  // of the part at p

  Key key_of(uint32_t r, uint32_t p) const { return r == kNoRank ? kNone : (Key(r) << kShift) | p; }

  void run(std::vector<uint32_t>& out) {
    for (uint32_t p = 0; p + 1 < len; p++) key[p] = key_of(vocab.rank_of(piece + p, 2), p);
    for (uint32_t l = 0; l < kKeyBlock; l++) key[len - 1 + l] = kNone;
    for (uint32_t p = 0; p < len; p++) end[p] = p + 1;
    for (uint32_t p = 0; p < len; p++) start_of[p + 1] = p;
    // The last part never has a pair to its right, so the search can stop before it.
    for (uint32_t last = len - 1; last > 0; last = start_of[len]) {
      const Key best = Minimum::lowest(key, (last + kKeyBlock - 1) & ~(kKeyBlock - 1));
      if (best == kNone) break;
      merge(uint32_t(best & ((Key(1) << kShift) - 1)), uint32_t(best >> kShift));
    }
    // A part that never merged is one byte, and rank[] holds only merged parts.
    for (uint32_t p = 0; p < len; p = end[p]) out.push_back(end[p] == p + 1 ? vocab.byte_rank(piece[p]) : rank[p]);
  }

  void merge(uint32_t p, uint32_t joined_rank) {
    const uint32_t next = end[p];
    const uint32_t e = end[next];
    key[next] = kNone;
    end[p] = e;
    start_of[e] = p;
    rank[p] = joined_rank;
    key[p] = e < len ? key_of(vocab.rank_of(piece + p, end[e] - p), p) : kNone;
    if (p > 0) {
      const uint32_t before = start_of[p];
      key[before] = key_of(vocab.rank_of(piece + before, e - before), before);
    }
  }
};

template <typename Key, typename Minimum = ScalarMinimum>
void merge_with_keys(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  constexpr size_t kStack = kDirectMergeMaxLen + kKeyBlock;
  Key key_stack[kStack];
  uint32_t index_stack[3 * kStack];
  std::vector<Key> key_heap;
  std::vector<uint32_t> index_heap;
  Key* key = key_stack;
  uint32_t* index = index_stack;
  size_t stride = kStack;
  if (len + kKeyBlock > kStack) {  // only when a test forces this merge onto long pieces
    stride = len + kKeyBlock;
    key_heap.resize(stride);
    index_heap.resize(3 * stride);
    key = key_heap.data();
    index = index_heap.data();
  }
  DirectMerge<Key, Minimum>{vocab, piece, uint32_t(len), key, index, index + stride, index + 2 * stride}.run(out);
}

}  // namespace direct_merge
}  // namespace turbotoken
