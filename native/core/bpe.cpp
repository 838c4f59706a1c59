#include "bpe.h"

#include <atomic>
#include <cstring>

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

void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out) {
  // Part k starts at parts[k].start (the last entry marks the end of the piece); parts[k].pair
  // is the rank of parts k and k + 1 joined. One array, so that removing a part is one move.
  // On the stack for the short pieces this path normally serves; on the heap when a test forces
  // this path for long pieces too.
  struct Part {
    uint32_t start;
    uint32_t pair;
  };
  Part stack[kHeapMergeThreshold + 1];
  std::vector<Part> heap;
  Part* parts = stack;
  if (len > kHeapMergeThreshold) {
    heap.resize(len + 1);
    parts = heap.data();
  }
  for (size_t k = 0; k < len; k++) parts[k] = {uint32_t(k), k + 1 < len ? vocab.rank_of(piece + k, 2) : kNoRank};
  parts[len] = {uint32_t(len), kNoRank};
  size_t count = len;
  auto join_rank = [&](size_t k) {
    return k + 2 <= count ? vocab.rank_of(piece + parts[k].start, parts[k + 2].start - parts[k].start) : kNoRank;
  };
  while (count > 1) {
    // The lowest rank, leftmost on a tie; written without branches on the data.
    uint32_t best = kNoRank;
    size_t at = 0;
    for (size_t k = 0; k + 1 < count; k++) {
      const uint32_t r = parts[k].pair;
      const bool lower = r < best;
      best = lower ? r : best;
      at = lower ? k : at;
    }
    if (best == kNoRank) break;
    std::memmove(parts + at + 1, parts + at + 2, (count - at - 1) * sizeof(Part));
    count--;
    parts[at].pair = join_rank(at);
    if (at > 0) parts[at - 1].pair = join_rank(at - 1);
  }
  for (size_t k = 0; k < count; k++)
    out.push_back(vocab.rank_of(piece + parts[k].start, parts[k + 1].start - parts[k].start));
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
