#include "bpe.h"

#include <atomic>
#include <cstring>
#include <vector>

#include "piece_cache.h"

namespace turbotoken {

namespace {
std::atomic<uint8_t> g_strategy{uint8_t(MergeStrategy::kByLength)};
}  // namespace

void set_merge_strategy(MergeStrategy strategy) {
  g_strategy.store(uint8_t(strategy), std::memory_order_relaxed);
}

MergeStrategy merge_strategy() {
  return MergeStrategy(g_strategy.load(std::memory_order_relaxed));
}

namespace {

// Parts are named by the position of their first byte, and nothing moves when two merge: the
// part at p covers [p, end[p]), the part ending at e starts at start_of[e], and key[p] is the
// rank of the part at p joined with the next one, shifted up, with p in the low bits. The lowest
// key is then the lowest rank and, on a tie, the leftmost pair: one minimum over a fixed array
// (which compilers vectorise) finds the next merge. Positions no part starts at hold kNone.
template <typename Key>
struct DirectMerge {
  static constexpr unsigned kShift = sizeof(Key) == 4 ? 8 : 32;
  static constexpr Key kNone = ~Key(0);

  const Vocab& vocab;
  const uint8_t* piece;
  uint32_t len;
  Key* key;
  uint32_t* end;
  uint32_t* start_of;
  uint32_t* rank;  // of the part at p

  Key key_of(uint32_t r, uint32_t p) const { return r == kNoRank ? kNone : (Key(r) << kShift) | p; }

  void run(std::vector<uint32_t>& out) {
    for (uint32_t p = 0; p + 1 < len; p++) key[p] = key_of(vocab.rank_of(piece + p, 2), p);
    key[len - 1] = kNone;
    for (uint32_t p = 0; p < len; p++) end[p] = p + 1;  // separate loops: these two vectorise
    for (uint32_t p = 0; p < len; p++) start_of[p + 1] = p;
    // The last part never has a pair to its right, so the search can stop before it.
    for (uint32_t last = len - 1; last > 0; last = start_of[len]) {
      Key best = kNone;
      for (uint32_t p = 0; p < last; p++) best = key[p] < best ? key[p] : best;
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

template <typename Key>
void merge_with_keys(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  constexpr size_t kStack = kHeapMergeThreshold + 1;
  Key key_stack[kStack];
  uint32_t index_stack[3 * kStack];
  std::vector<Key> key_heap;
  std::vector<uint32_t> index_heap;
  Key* key = key_stack;
  uint32_t* index = index_stack;
  if (len + 1 > kStack) {  // only when a test forces this merge onto long pieces
    key_heap.resize(len + 1);
    index_heap.resize(3 * (len + 1));
    key = key_heap.data();
    index = index_heap.data();
  }
  const size_t stride = len + 1 > kStack ? len + 1 : kStack;
  DirectMerge<Key>{vocab, piece, uint32_t(len), key, index, index + stride, index + 2 * stride}.run(out);
}

}  // namespace

void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out) {
  // 32-bit keys hold a rank below 2^24 and a position below 256: every shipped vocabulary and
  // every piece this merge normally serves.
  if (len <= 256 && vocab.slot_count() < (1u << 24) - 1) return merge_with_keys<uint32_t>(vocab, piece, len, out);
  merge_with_keys<uint64_t>(vocab, piece, len, out);
}

void bpe_merge_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  MergeStrategy strategy = merge_strategy();
  if (strategy == MergeStrategy::kDirect) return bpe_merge_direct(vocab, piece, len, out);
  if (strategy == MergeStrategy::kHeap) return bpe_merge_heap(vocab, piece, len, out);
  if (strategy == MergeStrategy::kBuckets) return bpe_merge_long(vocab, piece, len, out);
  if (len > kHeapMergeThreshold) return bpe_merge_long(vocab, piece, len, out);
  PieceCache& cache = PieceCache::local();
  if (cache.find(vocab.id(), piece, len, out)) return;
  size_t before = out.size();
  bpe_merge_direct(vocab, piece, len, out);
  cache.store(vocab.id(), piece, len, out.data() + before, out.size() - before);
}

}  // namespace turbotoken
