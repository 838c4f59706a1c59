// The merges for long pieces (bpe.h): the tree merge (bpe_merge_long), and the heap merge
// (bpe_merge_heap, which tests force to hold the other merges to an independent implementation),
// both in windows whose seams are checked.
#include <algorithm>
#include <atomic>

#include "bpe/bpe.h"
#include "large_array.h"

namespace turbotoken {

namespace {

std::atomic<size_t> g_held{0}, g_peak{0};

// Bytes of a long merge's state while it lives, counted toward long_merge_peak_bytes(); one
// atomic add per window, none per merge.
class Held {
 public:
  explicit Held(size_t bytes) : bytes_(bytes) {
    const size_t now = g_held.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    size_t peak = g_peak.load(std::memory_order_relaxed);
    while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
  }
  ~Held() { g_held.fetch_sub(bytes_, std::memory_order_relaxed); }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;

 private:
  size_t bytes_;
};

// A LargeArray counted as held.
template <typename T>
struct HeldArray {
  explicit HeldArray(size_t n) : held(n * sizeof(T)), array(n) {}
  T* data() const { return array.data(); }
  Held held;
  LargeArray<T> array;
};

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

// The tree merge: the definition itself (the lowest pair, leftmost on a tie, one merge at a time)
// in 5 bytes per byte of the piece, exact whatever the ranks.
//
// One word per byte: at the first byte s of a part, the rank of that part joined with the next one
// (kNoRank if none); in a part [s, e) of two or more bytes, word[s + 1] and word[e - 1] hold
// kLengthMark | (e - s - 1), so the part's length is read at its front and the part before a part
// at that part's front; every other inner word holds a mark or kNoRank. Ranks are below 2^24
// (Vocab::load) and marks and kNoRank above, so the lowest word is the lowest pair. Over the words,
// blocks of kTreeLeaf, a tree of minima (a binary heap layout of leaf minima) finds the leftmost
// lowest pair in one descent; a merge changes the words of at most three parts' fronts.
class TreeMerge {
 public:
  static constexpr uint32_t kLengthMark = 0x80000000u;
  static constexpr uint32_t kLengthMask = 0x0001FFFFu;  // lengths up to Vocab::kMaxTokenLength
  static_assert(Vocab::kMaxTokenLength <= size_t(kLengthMask) + 1, "a part's length fits its mark");
  static constexpr uint32_t kTreeLeaf = 8;

  static size_t leaves_for(size_t n) {
    size_t leaves = 1;
    while (leaves * kTreeLeaf < n) leaves *= 2;
    return leaves;
  }
  // Words the merge of n bytes takes: n rounded up to whole leaves, and the tree.
  static size_t words_for(size_t n) { return leaves_for(n) * kTreeLeaf + 2 * leaves_for(n); }

  TreeMerge(const Vocab& vocab, const uint8_t* piece, uint32_t n, uint32_t* words)
      : vocab_(vocab), piece_(piece), n_(n), leaves_(uint32_t(leaves_for(n))), word_(words),
        tree_(words + size_t(leaves_) * kTreeLeaf) {
    for (uint32_t k = 0; k < n; k++) word_[k] = k + 1 < n ? vocab.rank_of(piece + k, 2) : kNoRank;
    for (uint32_t k = n; k < leaves_ * kTreeLeaf; k++) word_[k] = kNoRank;
    for (uint32_t b = 0; b < leaves_; b++) tree_[leaves_ + b] = leaf_min(b);
    for (uint32_t i = leaves_ - 1; i >= 1; i--) tree_[i] = std::min(tree_[2 * i], tree_[2 * i + 1]);
  }

  void run(std::vector<uint32_t>& out) {
    for (;;) {
      // A leaf with no pair left may keep an old mark as its minimum: any mark means none left.
      const uint32_t rank = tree_[1];
      if (rank >= kLengthMark) break;
      uint32_t i = 1;
      while (i < leaves_) i = tree_[2 * i] == rank ? 2 * i : 2 * i + 1;
      uint32_t s = (i - leaves_) * kTreeLeaf;
      while (word_[s] != rank) s++;
      merge(s);
    }
    for (uint32_t s = 0; s < n_;) {
      const uint32_t len = length(s);
      out.push_back(vocab_.rank_of(piece_ + s, len));
      s += len;
    }
  }

 private:
  static bool is_mark(uint32_t w) { return (w & ~kLengthMask) == kLengthMark; }
  uint32_t length(uint32_t s) const {
    return s + 1 < n_ && is_mark(word_[s + 1]) ? (word_[s + 1] & kLengthMask) + 1 : 1;
  }
  // The front of the part that ends where the part at s starts (s > 0).
  uint32_t before(uint32_t s) const {
    const uint32_t w = word_[s - 1];
    return is_mark(w) ? s - 1 - (w & kLengthMask) : s - 1;
  }
  uint32_t leaf_min(uint32_t b) const {
    uint32_t m = kNoRank;
    for (uint32_t k = 0; k < kTreeLeaf; k++) m = std::min(m, word_[b * kTreeLeaf + k]);
    return m;
  }
  // The leaf of word k changed: its minimum and the minima above it, up to the first that stays.
  void changed(uint32_t k) {
    uint32_t i = leaves_ + k / kTreeLeaf;
    uint32_t m = leaf_min(k / kTreeLeaf);
    while (tree_[i] != m) {
      tree_[i] = m;
      if (i == 1) break;
      i /= 2;
      m = std::min(tree_[2 * i], tree_[2 * i + 1]);
    }
  }

  // Joins the part at s with the next one.
  void merge(uint32_t s) {
    const uint32_t left = length(s), m = s + left, right = length(m), e = m + right, len = left + right;
    const uint32_t mark = kLengthMark | (len - 1);
    word_[s + 1] = mark;
    word_[e - 1] = mark;
    if (m != s + 1 && m != e - 1) word_[m] = kNoRank;
    word_[s] = e < n_ ? vocab_.rank_of(piece_ + s, len + length(e)) : kNoRank;
    uint32_t p = s;
    if (s > 0) {
      p = before(s);
      word_[p] = vocab_.rank_of(piece_ + p, s - p + len);
    }
    // Only the fronts p <= s < m held ranks that changed; the marks replaced marks or m's rank.
    changed(p);
    if (s / kTreeLeaf != p / kTreeLeaf) changed(s);
    if (m / kTreeLeaf != s / kTreeLeaf) changed(m);
  }

  const Vocab& vocab_;
  const uint8_t* piece_;
  uint32_t n_, leaves_;
  uint32_t* word_;
  uint32_t* tree_;  // tree_[1] the root, tree_[leaves_ + b] the minimum of leaf b
};

// The tree merge of piece[0..len), with TreeMerge::words_for(len) words of `words`.
void merge_tree(const Vocab& vocab, const uint8_t* piece, size_t len, uint32_t* words, std::vector<uint32_t>& out) {
  TreeMerge(vocab, piece, uint32_t(len), words).run(out);
}

// The heap merge of piece[0..len), with 3 * len values of `arrays` for its parts.
void merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len, uint32_t* arrays,
                std::vector<uint32_t>& out) {
  // Candidates are (rank << 32 | start) in a min-heap: the lowest rank pops first and, among
  // equal ranks, the leftmost, which is the definition's order.
  PartList parts(vocab, piece, uint32_t(len), arrays);
  std::vector<uint64_t> heap;
  heap.reserve(len);
  Held held(len * sizeof(uint64_t));
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
    HeldArray<uint32_t> words(TreeMerge::words_for(n));
    merge_tree(vocab, piece + from, n, words.data(), ids);
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
template <typename Words, typename Merge>
void merge_in_windows(const Vocab& vocab, const uint8_t* piece, size_t len, size_t window,
                      std::vector<uint32_t>& out, Words&& words, Merge&& merge, size_t* dropped = nullptr) {
  HeldArray<uint32_t> arrays(words(std::min(len, window)));
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
  HeldArray<uint32_t> whole(words(len));
  merge(piece, len, whole.data(), out);
}

}  // namespace

size_t long_merge_peak_bytes() { return g_peak.load(std::memory_order_relaxed); }
void reset_long_merge_peak_bytes() { g_peak.store(g_held.load(std::memory_order_relaxed), std::memory_order_relaxed); }

void bpe_merge_heap(const Vocab& vocab, const uint8_t* piece, size_t len,
                    std::vector<uint32_t>& out) {
  merge_in_windows(vocab, piece, len, kMergeWindow, out, [](size_t n) { return 3 * n; },
                   [&](const uint8_t* p, size_t n, uint32_t* arrays, std::vector<uint32_t>& o) {
                     merge_heap(vocab, p, n, arrays, o);
                   });
}

void bpe_merge_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                    size_t window) {
  merge_in_windows(vocab, piece, len, window, out, TreeMerge::words_for,
                   [&](const uint8_t* p, size_t n, uint32_t* words, std::vector<uint32_t>& o) {
                     merge_tree(vocab, p, n, words, o);
                   });
}

size_t bpe_count_long(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& scratch) {
  size_t dropped = 0;
  scratch.clear();
  merge_in_windows(
      vocab, piece, len, kMergeWindow, scratch, TreeMerge::words_for,
      [&](const uint8_t* p, size_t n, uint32_t* words, std::vector<uint32_t>& o) { merge_tree(vocab, p, n, words, o); },
      &dropped);
  return dropped + scratch.size();
}

}  // namespace turbotoken
