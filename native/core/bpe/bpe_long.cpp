// The merges for long pieces (bpe.h): rank passes over a list of parts, and the heap they fall
// back on. Both keep the parts in a PartList and differ only in how they order candidates.
#include <algorithm>
#include <map>
#include <memory>

#include "bpe/bpe.h"
#include "large_array.h"

namespace turbotoken {

namespace {

// The parts of one piece while it merges: a linked list indexed by each part's first byte.
// end_[k] is where the part starting at k ends (0 once merged into its left neighbour), prev_[k]
// where its left neighbour starts, pair_[k] the rank of the part at k joined with the next one
// (kNoRank if none). A candidate (rank, start) is current only while its part is alive and its
// pair still has that rank: a pair's bytes only grow, and different bytes have different ranks.
class PartList {
 public:
  // The arrays are left uninitialized until the loop below fills them: zero-filled vectors made
  // a 1 MB run of spaces write its 12 MB twice.
  PartList(const Vocab& vocab, const uint8_t* piece, uint32_t n)
      : vocab_(vocab), piece_(piece), n_(n), arrays_(3 * size_t(n)), end_(arrays_.data()), prev_(end_ + n), pair_(prev_ + n) {
    for (uint32_t k = 0; k < n; k++) {
      end_[k] = k + 1;
      prev_[k] = k - 1;
      pair_[k] = k + 1 < n ? vocab.rank_of(piece + k, 2) : kNoRank;
    }
  }

  uint32_t size() const { return n_; }
  uint32_t pair_rank(uint32_t start) const { return pair_[start]; }
  bool is_current(uint32_t start, uint32_t rank) const { return end_[start] != 0 && pair_[start] == rank; }

  // Joins the part at `left` with the next one; made(start, rank) hears of every pair this
  // changes that is a token (the new part with its right neighbour, its left neighbour with it).
  template <typename Made>
  void merge(uint32_t left, Made&& made) {
    const uint32_t right = end_[left];
    end_[left] = end_[right];
    end_[right] = 0;
    if (end_[left] < n_) prev_[end_[left]] = left;
    update(left, made);
    if (left > 0) update(prev_[left], made);
  }

  void emit(std::vector<uint32_t>& out) const {
    for (uint32_t k = 0; k < n_; k = end_[k]) out.push_back(vocab_.rank_of(piece_ + k, end_[k] - k));
  }

 private:
  template <typename Made>
  void update(uint32_t left, Made& made) {
    const uint32_t right = end_[left];
    pair_[left] = right < n_ ? vocab_.rank_of(piece_ + left, end_[right] - left) : kNoRank;
    if (pair_[left] != kNoRank) made(left, pair_[left]);
  }

  const Vocab& vocab_;
  const uint8_t* piece_;
  uint32_t n_;
  LargeArray<uint32_t> arrays_;  // end_, prev_ and pair_, one after the other
  uint32_t *end_, *prev_, *pair_;
};

// Candidate pairs grouped by rank: for each rank that some pair has, the starts of the pairs that
// had it when they were made. Ranks come out lowest first; a rank's starts are sorted before use
// so that pairs of equal rank merge leftmost first.
class RankBuckets {
 public:
  void add(uint32_t rank, uint32_t start) {
    // A pass's merges add to few ranks, over and over (a run of spaces: two), so the last list
    // of each rank modulo kRecent is kept at hand; a map node, and so its list, stays put until
    // take_lowest erases it.
    Recent& recent = recent_[rank % kRecent];
    if (recent.rank != rank) {
      auto it = by_rank_.find(rank);
      if (it == by_rank_.end()) it = by_rank_.emplace(rank, take_list()).first;
      recent = {rank, &it->second};
    }
    recent.list->push_back(start);
  }
  bool empty() const { return by_rank_.empty(); }
  // Removes the lowest rank's starts, sorted, into `starts`; returns that rank.
  uint32_t take_lowest(std::vector<uint32_t>& starts) {
    auto it = by_rank_.begin();
    const uint32_t rank = it->first;
    for (Recent& recent : recent_) recent.rank = kNoRank;
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
  struct Recent {
    uint32_t rank = kNoRank;
    std::vector<uint32_t>* list = nullptr;
  };
  static constexpr uint32_t kRecent = 4;
  Recent recent_[kRecent];
  std::map<uint32_t, std::vector<uint32_t>> by_rank_;
  std::vector<std::vector<uint32_t>> spare_;
};

}  // namespace

void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out) {
  // Candidates are (rank << 32 | start) in a min-heap: the lowest rank pops first and, among
  // equal ranks, the leftmost, which is the definition's order.
  PartList parts(vocab, piece, uint32_t(len));
  std::vector<uint64_t> heap;
  heap.reserve(len);
  for (uint32_t k = 0; k + 1 < parts.size(); k++)
    if (parts.pair_rank(k) != kNoRank) heap.push_back(uint64_t(parts.pair_rank(k)) << 32 | k);
  auto later = [](uint64_t a, uint64_t b) { return a > b; };
  std::make_heap(heap.begin(), heap.end(), later);
  auto push = [&](uint32_t start, uint32_t rank) {
    heap.push_back(uint64_t(rank) << 32 | start);
    std::push_heap(heap.begin(), heap.end(), later);
  };
  while (!heap.empty()) {
    const uint64_t top = heap.front();
    std::pop_heap(heap.begin(), heap.end(), later);
    heap.pop_back();
    if (parts.is_current(uint32_t(top), uint32_t(top >> 32))) parts.merge(uint32_t(top), push);
  }
  parts.emit(out);
}

bool bpe_merge_buckets(const Vocab& vocab, const uint8_t* piece, size_t len,
                       std::vector<uint32_t>& out) {
  // The definition merges the lowest-ranked pair, leftmost first. Taking all candidates of the
  // lowest rank r and merging them left to right does exactly that as long as every pair a merge
  // creates ranks above r (then r stays the lowest, and merging never creates another r pair:
  // its bytes would be longer than r's token). When a merge creates a pair ranked below r, the
  // rest of r's candidates go back and the new lowest rank goes first. Vocabularies trained by
  // BPE rarely do that (never on the shipped ones in our tests); when putting candidates back has
  // cost more than a few passes over the piece, returning false lets the caller use the heap,
  // which is O(n log n) whatever the ranks.
  PartList parts(vocab, piece, uint32_t(len));
  RankBuckets buckets;
  for (uint32_t k = 0; k + 1 < parts.size(); k++)
    if (parts.pair_rank(k) != kNoRank) buckets.add(parts.pair_rank(k), k);
  uint32_t lowest_made = kNoRank;  // the lowest rank of a pair made while merging one rank
  auto add = [&](uint32_t start, uint32_t rank) {
    buckets.add(rank, start);
    lowest_made = std::min(lowest_made, rank);
  };
  std::vector<uint32_t> starts;
  size_t put_back_budget = 4 * len + 64;
  while (!buckets.empty()) {
    const uint32_t rank = buckets.take_lowest(starts);
    lowest_made = kNoRank;
    for (size_t i = 0; i < starts.size(); i++) {
      if (!parts.is_current(starts[i], rank)) continue;
      if (lowest_made < rank) {
        if (starts.size() - i > put_back_budget) return false;
        put_back_budget -= starts.size() - i;
        for (size_t j = i; j < starts.size(); j++) buckets.add(rank, starts[j]);
        break;
      }
      parts.merge(starts[i], add);
    }
  }
  parts.emit(out);
  return true;
}

void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  const size_t before = out.size();
  if (bpe_merge_buckets(vocab, piece, len, out)) return;
  out.resize(before);
  bpe_merge_heap(vocab, piece, len, out);
}

}  // namespace turbotoken
