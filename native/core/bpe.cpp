#include "bpe.h"

#include <atomic>
#include <cstring>
#include <algorithm>
#include <map>

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

namespace {

// Candidate pairs grouped by rank: for each rank that some pair has, the starts of the pairs that
// had it when they were made. Ranks come out lowest first; a rank's starts are sorted before use
// so that pairs of equal rank merge leftmost first.
class RankBuckets {
 public:
  void add(uint32_t rank, uint32_t start) {
    auto it = by_rank_.find(rank);
    if (it == by_rank_.end()) {
      it = by_rank_.emplace(rank, take_list()).first;
    }
    it->second.push_back(start);
  }
  bool empty() const { return by_rank_.empty(); }
  // Removes the lowest rank's starts, sorted, into `starts`; returns that rank.
  uint32_t take_lowest(std::vector<uint32_t>& starts) {
    auto it = by_rank_.begin();
    const uint32_t rank = it->first;
    give_list(starts);
    starts = std::move(it->second);
    by_rank_.erase(it);
    if (!std::is_sorted(starts.begin(), starts.end())) std::sort(starts.begin(), starts.end());
    return rank;
  }

 private:
  std::vector<uint32_t> take_list() {
    if (spare_.empty()) return {};
    std::vector<uint32_t> list = std::move(spare_.back());
    spare_.pop_back();
    return list;
  }
  void give_list(std::vector<uint32_t>& list) {
    list.clear();
    if (list.capacity()) spare_.push_back(std::move(list));
  }
  std::map<uint32_t, std::vector<uint32_t>> by_rank_;
  std::vector<std::vector<uint32_t>> spare_;
};

}  // namespace

void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out) {
  // Parts are a linked list indexed by their first byte: end[k] is where the part starting at k
  // ends (0 once it has been merged into its left neighbour), prev[k] where its left neighbour
  // starts. pair[k] is the rank of the part at k joined with the next one (kNoRank if none).
  // The heap holds (rank << 32 | start) candidates, so the lowest rank pops first and, among
  // equal ranks, the leftmost. A popped candidate is stale unless its part is alive and its pair
  // still has that rank: a pair's bytes only grow, and different bytes have different ranks.
  const uint32_t n = uint32_t(len);
  std::vector<uint32_t> end(n), prev(n), pair(n, kNoRank);
  std::vector<uint64_t> heap;
  heap.reserve(n);
  for (uint32_t k = 0; k < n; k++) {
    end[k] = k + 1;
    prev[k] = k - 1;
    if (k + 1 < n) {
      pair[k] = vocab.rank_of(piece + k, 2);
      if (pair[k] != kNoRank) heap.push_back(uint64_t(pair[k]) << 32 | k);
    }
  }
  auto later = [](uint64_t a, uint64_t b) { return a > b; };
  std::make_heap(heap.begin(), heap.end(), later);
  auto update = [&](uint32_t left) {
    const uint32_t right = end[left];
    pair[left] = right < n ? vocab.rank_of(piece + left, end[right] - left) : kNoRank;
    if (pair[left] != kNoRank) {
      heap.push_back(uint64_t(pair[left]) << 32 | left);
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  while (!heap.empty()) {
    const uint64_t top = heap.front();
    std::pop_heap(heap.begin(), heap.end(), later);
    heap.pop_back();
    const uint32_t left = uint32_t(top), rank = uint32_t(top >> 32);
    if (end[left] == 0 || pair[left] != rank) continue;
    const uint32_t right = end[left];
    end[left] = end[right];
    end[right] = 0;
    if (end[left] < n) prev[end[left]] = left;
    update(left);
    if (left > 0) update(prev[left]);
  }
  for (uint32_t k = 0; k < n; k = end[k]) out.push_back(vocab.rank_of(piece + k, end[k] - k));
}

bool bpe_merge_buckets(const Vocab& vocab, const uint8_t* piece, size_t len,
                       std::vector<uint32_t>& out) {
  // The parts, end/prev/pair, are as in bpe_merge_heap. A candidate (rank, start) is stale unless its part is alive and its pair still has that
  // rank: a pair's bytes only grow, and different bytes have different ranks.
  //
  // The definition merges the lowest-ranked pair, leftmost first. Taking all candidates of the
  // lowest rank r and merging them left to right does exactly that as long as every pair a merge
  // creates ranks above r (then r stays the lowest, and merging never creates another r pair:
  // its bytes would be longer than r's token). When a merge creates a pair ranked below r, the
  // rest of r's candidates go back and the new lowest rank goes first. Vocabularies trained by
  // BPE rarely do that (never on the shipped ones in our tests); when putting candidates back has
  // cost more than a few passes over the piece, returning false lets the caller use the heap,
  // which is O(n log n) whatever the ranks.
  const uint32_t n = uint32_t(len);
  std::vector<uint32_t> end(n), prev(n), pair(n, kNoRank);
  RankBuckets buckets;
  for (uint32_t k = 0; k < n; k++) {
    end[k] = k + 1;
    prev[k] = k - 1;
    if (k + 1 < n) {
      pair[k] = vocab.rank_of(piece + k, 2);
      if (pair[k] != kNoRank) buckets.add(pair[k], k);
    }
  }
  uint32_t lowest_made = kNoRank;  // the lowest rank of a pair made while merging one rank
  auto update = [&](uint32_t left) {
    const uint32_t right = end[left];
    pair[left] = right < n ? vocab.rank_of(piece + left, end[right] - left) : kNoRank;
    if (pair[left] == kNoRank) return;
    buckets.add(pair[left], left);
    if (pair[left] < lowest_made) lowest_made = pair[left];
  };
  std::vector<uint32_t> starts;
  size_t put_back_budget = 4 * size_t(n) + 64;
  while (!buckets.empty()) {
    const uint32_t rank = buckets.take_lowest(starts);
    lowest_made = kNoRank;
    for (size_t i = 0; i < starts.size(); i++) {
      const uint32_t left = starts[i];
      if (end[left] == 0 || pair[left] != rank) continue;
      if (lowest_made < rank) {
        if (starts.size() - i > put_back_budget) return false;
        put_back_budget -= starts.size() - i;
        for (size_t j = i; j < starts.size(); j++) buckets.add(rank, starts[j]);
        break;
      }
      const uint32_t right = end[left];
      end[left] = end[right];
      end[right] = 0;
      if (end[left] < n) prev[end[left]] = left;
      update(left);
      if (left > 0) update(prev[left]);
    }
  }
  for (uint32_t k = 0; k < n; k = end[k]) out.push_back(vocab.rank_of(piece + k, end[k] - k));
  return true;
}

void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  const size_t before = out.size();
  if (bpe_merge_buckets(vocab, piece, len, out)) return;
  out.resize(before);
  bpe_merge_heap(vocab, piece, len, out);
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
