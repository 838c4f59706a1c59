#include "bpe.h"

#include <atomic>
#include <queue>

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
  // starts[k] is where part k begins; pair_rank[k] is the rank of parts k and k+1 joined.
  // On the stack for the short pieces this path normally serves; on the heap when a test
  // forces this path for long pieces too.
  uint32_t stack_starts[kHeapMergeThreshold + 2];
  uint32_t stack_ranks[kHeapMergeThreshold + 2];
  std::vector<uint32_t> heap_starts, heap_ranks;
  uint32_t* starts = stack_starts;
  uint32_t* pair_rank = stack_ranks;
  if (len > kHeapMergeThreshold) {
    heap_starts.resize(len + 2);
    heap_ranks.resize(len + 2);
    starts = heap_starts.data();
    pair_rank = heap_ranks.data();
  }
  size_t parts = len;
  for (size_t k = 0; k <= len; k++) starts[k] = uint32_t(k);
  for (size_t k = 0; k <= len; k++) pair_rank[k] = kNoRank;
  auto rank_at = [&](size_t k) -> uint32_t {
    if (k + 1 >= parts) return kNoRank;
    return vocab.rank_of(piece + starts[k], starts[k + 2] - starts[k]);
  };
  for (size_t k = 0; k + 1 < parts; k++) pair_rank[k] = rank_at(k);
  while (parts > 1) {
    uint32_t best = kNoRank;
    size_t at = 0;
    for (size_t k = 0; k + 1 < parts; k++) {
      if (pair_rank[k] < best) {
        best = pair_rank[k];
        at = k;
      }
    }
    if (best == kNoRank) break;
    for (size_t k = at + 1; k < parts; k++) {
      starts[k] = starts[k + 1];
      pair_rank[k] = pair_rank[k + 1];
    }
    parts--;
    pair_rank[at] = rank_at(at);
    if (at > 0) pair_rank[at - 1] = rank_at(at - 1);
  }
  for (size_t k = 0; k < parts; k++)
    out.push_back(vocab.rank_of(piece + starts[k], starts[k + 1] - starts[k]));
}

namespace {

struct Candidate {
  uint32_t rank;
  uint32_t left;   // start of the left part
  uint32_t right;  // start of the right part, to detect a stale entry
  bool operator>(const Candidate& o) const {
    return rank != o.rank ? rank > o.rank : left > o.left;
  }
};

}  // namespace

void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out) {
  // A doubly linked list of parts indexed by their start byte; a part is alive while
  // next_[start] != kDead. Stale heap entries are skipped when popped.
  constexpr uint32_t kDead = 0xFFFFFFFFu;
  const uint32_t n = uint32_t(len);
  std::vector<uint32_t> next(n), prev(n);
  for (uint32_t k = 0; k < n; k++) {
    next[k] = k + 1;
    prev[k] = k == 0 ? kDead : k - 1;
  }
  auto pair_rank = [&](uint32_t left) -> uint32_t {
    uint32_t right = next[left];
    if (right >= n) return kNoRank;
    return vocab.rank_of(piece + left, next[right] - left);
  };
  std::vector<Candidate> storage;
  storage.reserve(n);
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap(
      std::greater<Candidate>(), std::move(storage));
  for (uint32_t k = 0; k + 1 < n; k++) {
    uint32_t r = pair_rank(k);
    if (r != kNoRank) heap.push({r, k, k + 1});
  }
  while (!heap.empty()) {
    Candidate c = heap.top();
    heap.pop();
    if (next[c.left] == kDead || next[c.left] != c.right || c.right >= n) continue;
    if (pair_rank(c.left) != c.rank) continue;
    uint32_t gone = c.right;
    next[c.left] = next[gone];
    if (next[gone] < n) prev[next[gone]] = c.left;
    next[gone] = kDead;
    uint32_t r = pair_rank(c.left);
    if (r != kNoRank) heap.push({r, c.left, next[c.left]});
    if (prev[c.left] != kDead) {
      uint32_t p = prev[c.left];
      uint32_t pr = pair_rank(p);
      if (pr != kNoRank) heap.push({pr, p, c.left});
    }
  }
  for (uint32_t k = 0; k < n; k = next[k]) out.push_back(vocab.rank_of(piece + k, next[k] - k));
}

void bpe_merge_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  MergeStrategy strategy = merge_strategy();
  if (strategy == MergeStrategy::kDirect) return bpe_merge_direct(vocab, piece, len, out);
  if (strategy == MergeStrategy::kHeap) return bpe_merge_heap(vocab, piece, len, out);
  if (len > kHeapMergeThreshold) return bpe_merge_heap(vocab, piece, len, out);
  PieceCache& cache = PieceCache::local();
  if (cache.find(vocab.id(), piece, len, out)) return;
  size_t before = out.size();
  bpe_merge_direct(vocab, piece, len, out);
  cache.store(vocab.id(), piece, len, out.data() + before, out.size() - before);
}

}  // namespace turbotoken
