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
  // `arrays` holds 3n values, left uninitialized until the loop below fills them: zero-filled
  // vectors made a 1 MB run of spaces write its 12 MB twice.
  PartList(const Vocab& vocab, const uint8_t* piece, uint32_t n, uint32_t* arrays)
      : vocab_(vocab), piece_(piece), n_(n), end_(arrays), prev_(end_ + n), pair_(prev_ + n) {
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
  uint32_t *end_, *prev_, *pair_;  // one after the other in the caller's array
};

// Map nodes kept for reuse: a long piece's windows each build the map of their ranks again, and
// allocating its nodes anew every window cost 9% more instructions on 8 MB of letters.
class NodePool {
 public:
  NodePool() = default;
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;
  ~NodePool() {
    while (free_) {
      Free* next = free_->next;
      ::operator delete(free_);
      free_ = next;
    }
  }
  void* take(size_t bytes) {
    if (free_ && bytes == size_) {
      Free* p = free_;
      free_ = p->next;
      return p;
    }
    return ::operator new(bytes);
  }
  void give(void* p, size_t bytes) {
    if (size_ == 0) size_ = bytes;
    if (bytes != size_) return ::operator delete(p);
    free_ = new (p) Free{free_};
  }

 private:
  struct Free {
    Free* next;
  };
  Free* free_ = nullptr;
  size_t size_ = 0;  // of the nodes kept (a map allocates one size)
};

template <typename T>
struct PoolAllocator {
  using value_type = T;
  NodePool* pool;
  explicit PoolAllocator(NodePool* p) : pool(p) {}
  template <typename U>
  PoolAllocator(const PoolAllocator<U>& other) : pool(other.pool) {}
  T* allocate(size_t n) {
    return static_cast<T*>(n == 1 && sizeof(T) >= sizeof(void*) ? pool->take(sizeof(T)) : ::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n == 1 && sizeof(T) >= sizeof(void*)) pool->give(p, sizeof(T));
    else ::operator delete(p);
  }
  template <typename U>
  bool operator==(const PoolAllocator<U>& other) const { return pool == other.pool; }
  template <typename U>
  bool operator!=(const PoolAllocator<U>& other) const { return pool != other.pool; }
};

// Candidate pairs grouped by rank: for each rank that some pair has, the starts of the pairs that
// had it when they were made. Ranks come out lowest first; a rank's starts are sorted before use
// so that pairs of equal rank merge leftmost first. One serves all the windows of a piece, which
// reuse its lists and map nodes.
class RankBuckets {
 public:
  RankBuckets() : by_rank_(std::less<uint32_t>(), PoolAllocator<Entry>(&pool_)) {}
  // Empties the buckets (after a window that gave up), keeping the lists.
  void clear() {
    for (Recent& recent : recent_) recent.rank = kNoRank;
    for (auto& entry : by_rank_) give_list(entry.second);
    by_rank_.clear();
  }

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
  using Entry = std::pair<const uint32_t, std::vector<uint32_t>>;
  Recent recent_[kRecent];
  NodePool pool_;  // before by_rank_, which gives its nodes back to it when destroyed
  std::map<uint32_t, std::vector<uint32_t>, std::less<uint32_t>, PoolAllocator<Entry>> by_rank_;
  std::vector<std::vector<uint32_t>> spare_;
};

// The heap merge of piece[0..len), with 3 * len values of `arrays` for its parts.
void merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len, uint32_t* arrays,
                std::vector<uint32_t>& out) {
  // Candidates are (rank << 32 | start) in a min-heap: the lowest rank pops first and, among
  // equal ranks, the leftmost, which is the definition's order.
  PartList parts(vocab, piece, uint32_t(len), arrays);
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

// The rank passes over piece[0..len); false, having appended nothing, when they give up.
bool merge_buckets(const Vocab& vocab, const uint8_t* piece, size_t len, uint32_t* arrays,
                   RankBuckets& buckets, std::vector<uint32_t>& out) {
  // The definition merges the lowest-ranked pair, leftmost first. Taking all candidates of the
  // lowest rank r and merging them left to right does exactly that as long as every pair a merge
  // creates ranks above r (then r stays the lowest, and merging never creates another r pair:
  // its bytes would be longer than r's token). When a merge creates a pair ranked below r, the
  // rest of r's candidates go back and the new lowest rank goes first. Vocabularies trained by
  // BPE rarely do that (never on the shipped ones in our tests); when putting candidates back has
  // cost more than a few passes over the piece, returning false lets the caller use the heap,
  // which is O(n log n) whatever the ranks.
  PartList parts(vocab, piece, uint32_t(len), arrays);
  buckets.clear();
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

size_t part_length(const Vocab& vocab, uint32_t id) { return id == kNoRank ? 1 : vocab.token_length(id); }

// Whether the parts `left` and `right`, which meet at piece + at, are what BPE makes of their
// bytes together: then no merge crosses `at` in any text that has a boundary at each of their
// outer ends (see merge_in_windows).
bool parts_stay_apart(const Vocab& vocab, const uint8_t* piece, size_t at, uint32_t left, uint32_t right) {
  const size_t from = at - part_length(vocab, left), to = at + part_length(vocab, right);
  std::vector<uint32_t> ids;
  // Two long tokens make a text the direct merge (quadratic in its length) must not take.
  const size_t n = to - from;
  if (n <= kDirectMergeMaxLen) {
    bpe_merge_direct(vocab, piece + from, n, ids);
  } else {
    LargeArray<uint32_t> arrays(3 * n);
    RankBuckets buckets;
    if (!merge_buckets(vocab, piece + from, n, arrays.data(), buckets, ids)) {
      ids.clear();
      merge_heap(vocab, piece + from, n, arrays.data(), ids);
    }
  }
  return ids.size() == 2 && ids[0] == left && ids[1] == right;
}

// Bytes at a window's end given back to the next window (at most a quarter of the window): the
// parts there were merged without the text after them.
constexpr size_t kHoldBack = 2048;
// Parts first given back when a seam between windows turns out not to be a boundary.
constexpr size_t kGiveBack = 8;

// BPE(piece[0..len)) through merge(text, n, arrays, out), which appends BPE(text[0..n)) for
// n <= window, in windows of `window` bytes.
//
// Why it is exact. A boundary of BPE(P) splits P into texts that BPE encodes on their own to the
// same parts (bpe_prefix.cpp). Conversely, take a sequence of parts whose concatenation is P,
// each part BPE's result for its own bytes, where every two neighbours a, b are BPE's result for
// the bytes of a and b together: it is BPE(P). By induction on the parts: with BPE(P[0..j)) =
// its parts up to j and the next part b, BPE(P[0..j+|b|)) has a boundary at j exactly when no
// merge crosses j; a merge crossing j happens in BPE(x) for x = (the bytes from the last part a
// before j) + b exactly when it happens in the longer text, because the merges on each side of j
// run alone in the same order in both (a's start is a boundary on the left, b's end on the
// right) and a crossing pair is taken when it ranks below both sides' next candidates, which
// elsewhere in the text cannot change. So each window's result is kept but for its last
// kHoldBack bytes, and the next window starts where the kept parts end; each seam is checked
// (parts_stay_apart), and one that fails gives back more parts and merges again from there.
// Every part a window emits is BPE's result for its own bytes, as every part BPE leaves is.
// With `dropped`, ids far enough behind the last seam that no give-back reaches them are removed
// from `out` and counted there instead (a count needs no more).
template <typename Merge>
void merge_in_windows(const Vocab& vocab, const uint8_t* piece, size_t len, size_t window,
                      std::vector<uint32_t>& out, Merge&& merge, size_t* dropped = nullptr) {
  LargeArray<uint32_t> arrays(3 * std::min(len, window));
  if (len <= window) return merge(piece, len, arrays.data(), out);
  const size_t hold_back = std::min(kHoldBack, window / 4);
  const size_t first = out.size();
  size_t at = 0;  // out[first..) holds the parts of piece[0..at)
  size_t give_back = kGiveBack;
  for (;;) {
    const size_t end = std::min(len, at + window);
    const size_t before = out.size();
    merge(piece + at, end - at, arrays.data(), out);
    if (before > first && !parts_stay_apart(vocab, piece, at, out[before - 1], out[before])) {
      out.resize(before);
      const size_t seam = at;
      for (size_t k = 0; k < give_back && out.size() > first; k++) {
        at -= part_length(vocab, out.back());
        out.pop_back();
      }
      give_back *= 2;
      // The next window must still end past the seam's window's kept parts, or this would loop;
      // a vocabulary whose boundaries depend on text this far away gets the whole piece at once.
      if (out.size() == first || seam - at >= window / 2) break;
      continue;
    }
    if (end == len) return;
    size_t held = 0;
    while (out.size() > before + 1 && held < hold_back) {
      held += part_length(vocab, out.back());
      out.pop_back();
    }
    at = end - held;
    give_back = kGiveBack;
    // A give-back stops within window / 2 bytes of its seam, and every id covers a byte.
    if (dropped && out.size() - first > 2 * window) {
      const size_t drop = out.size() - first - window;
      out.erase(out.begin() + first, out.begin() + first + drop);
      *dropped += drop;
    }
  }
  if (dropped) *dropped = 0;
  out.resize(first);
  LargeArray<uint32_t> whole(3 * len);
  merge(piece, len, whole.data(), out);
}

}  // namespace

void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out) {
  merge_in_windows(vocab, piece, len, kMergeWindow, out,
                   [&](const uint8_t* p, size_t n, uint32_t* arrays, std::vector<uint32_t>& o) {
                     merge_heap(vocab, p, n, arrays, o);
                   });
}

void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                    size_t window) {
  RankBuckets buckets;
  merge_in_windows(vocab, piece, len, window, out,
                   [&](const uint8_t* p, size_t n, uint32_t* arrays, std::vector<uint32_t>& o) {
                     const size_t before = o.size();
                     if (merge_buckets(vocab, p, n, arrays, buckets, o)) return;
                     o.resize(before);
                     merge_heap(vocab, p, n, arrays, o);
                   });
}

size_t bpe_count_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& scratch) {
  RankBuckets buckets;
  size_t dropped = 0;
  scratch.clear();
  merge_in_windows(
      vocab, piece, len, kMergeWindow, scratch,
      [&](const uint8_t* p, size_t n, uint32_t* arrays, std::vector<uint32_t>& o) {
        const size_t before = o.size();
        if (merge_buckets(vocab, p, n, arrays, buckets, o)) return;
        o.resize(before);
        merge_heap(vocab, p, n, arrays, o);
      },
      &dropped);
  return dropped + scratch.size();
}

}  // namespace turbotoken
