// Rank passes (bpe.h) for a piece that is one byte repeated, worked on run lengths. Every part of such a piece is the byte repeated k times, and the rank of two parts
// joined depends only on the sum of their lengths. So the parts are held as segments of equal
// lengths, and a pass that merges every pair of one rank, left to right, turns a segment of m
// parts of length k into m/2 parts of length 2k in one step: a megabyte of spaces takes
// microseconds instead of tens of milliseconds. The rank passes' exactness condition: if a pair
// made during a pass ranks below that pass, this returns false and the caller merges the piece
// the general way.
#include <cstring>

#include "bpe/bpe.h"

namespace turbotoken {

namespace {

struct Segment {
  uint32_t length;  // of each part
  uint64_t count;
};

class RunMerge {
 public:
  // The byte repeated as long as the longest token: every length rank_of_length looks up.
  RunMerge(const Vocab& vocab, uint8_t byte) : vocab_(vocab), bytes_(vocab.max_token_length(), byte) {}

  bool run(size_t n, std::vector<uint32_t>& out) {
    std::vector<Segment> parts;
    if (!merge(n, parts)) return false;
    for (const Segment& s : parts) out.insert(out.end(), s.count, rank_of_length(s.length));
    return true;
  }
  // The number of ids run() would append, without them: a count holds no id per byte.
  bool count(size_t n, size_t* ids) {
    std::vector<Segment> parts;
    if (!merge(n, parts)) return false;
    size_t total = 0;
    for (const Segment& s : parts) total += size_t(s.count);
    *ids = total;
    return true;
  }

 private:
  // The parts left when no pair is a token, as segments; false where a pass would be inexact.
  bool merge(size_t n, std::vector<Segment>& parts) const {
    std::vector<Segment> next;
    parts.assign(1, Segment{1, n});
    for (;;) {
      uint32_t rank = kNoRank, sum = 0;
      lowest_pair(parts, &rank, &sum);
      if (rank == kNoRank) return true;
      if (!pass(parts, sum, rank, next)) return false;
      parts.swap(next);
    }
  }
  uint32_t rank_of_length(uint64_t k) const {
    return k <= bytes_.size() ? vocab_.rank_of(bytes_.data(), size_t(k)) : kNoRank;
  }

  // The lowest rank of two adjacent parts (inside a segment or across two), and their length.
  void lowest_pair(const std::vector<Segment>& parts, uint32_t* rank, uint32_t* sum) const {
    for (size_t i = 0; i < parts.size(); i++) {
      if (parts[i].count >= 2) consider(2 * uint64_t(parts[i].length), rank, sum);
      if (i + 1 < parts.size()) consider(uint64_t(parts[i].length) + parts[i + 1].length, rank, sum);
    }
  }
  void consider(uint64_t length, uint32_t* rank, uint32_t* sum) const {
    const uint32_t r = rank_of_length(length);
    if (r < *rank) {
      *rank = r;
      *sum = uint32_t(length);
    }
  }

  static void append(std::vector<Segment>& parts, uint32_t length, uint64_t count) {
    if (count == 0) return;
    if (!parts.empty() && parts.back().length == length) {
      parts.back().count += count;
    } else {
      parts.push_back({length, count});
    }
  }

  // Whether a pair made during the pass of rank `rank` leaves that pass exact: it must rank above.
  bool made_ok(uint64_t length, uint32_t rank) const {
    const uint32_t r = rank_of_length(length);
    return r == kNoRank || r > rank;
  }

  // One pass: merges every pair of parts whose lengths sum to `sum`, left to right, each part in
  // at most one pair, as the rank passes do. Each merge makes two pairs, the new part with the
  // parts beside it at that moment; all of them must rank above `rank`.
  bool pass(const std::vector<Segment>& in, uint32_t sum, uint32_t rank, std::vector<Segment>& out) const {
    out.clear();
    bool pending = false;  // an unmerged part, `pending_length` long, that may pair with the next
    uint32_t pending_length = 0;
    uint64_t before = 0;   // length of the last part settled (0: none)
    for (size_t i = 0; i < in.size(); i++) {
      const uint32_t length = in[i].length;
      uint64_t count = in[i].count;
      const uint64_t after_segment = i + 1 < in.size() ? in[i + 1].length : 0;
      if (pending && pending_length + length == sum) {
        const uint64_t after = count >= 2 ? length : after_segment;
        if ((before && !made_ok(before + sum, rank)) || (after && !made_ok(sum + after, rank))) return false;
        append(out, sum, 1);
        before = sum;
        pending = false;
        if (--count == 0) continue;
      } else if (pending) {
        append(out, pending_length, 1);
        before = pending_length;
        pending = false;
      }
      if (2 * uint64_t(length) == sum && count >= 2) {
        // The first merge has `before` on its left, later ones a merged part; a pair is followed
        // by another part of this segment, or by the part after the segment.
        if (before && !made_ok(before + sum, rank)) return false;
        if (count >= 4 && !made_ok(2 * uint64_t(sum), rank)) return false;
        if (count >= 3 && !made_ok(uint64_t(sum) + length, rank)) return false;
        if (count % 2 == 0 && after_segment && !made_ok(sum + after_segment, rank)) return false;
        append(out, sum, count / 2);
        before = sum;
        if (count % 2 == 0) continue;
        count = 1;
      }
      append(out, length, count - 1);
      if (count > 1) before = length;
      pending = true;
      pending_length = length;
    }
    if (pending) append(out, pending_length, 1);
    return true;
  }

  const Vocab& vocab_;
  std::vector<uint8_t> bytes_;
};

}  // namespace

bool is_byte_run(const uint8_t* piece, size_t len) {
  for (size_t k = 1; k < len; k++)
    if (piece[k] != piece[0]) return false;
  return len > 0;
}

bool bpe_merge_run(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  // RunMerge::run appends only after its last pass, so a false leaves out as it was.
  return RunMerge(vocab, piece[0]).run(len, out);
}

bool bpe_count_run(const Vocab& vocab, const uint8_t* piece, size_t len, size_t* count) {
  return RunMerge(vocab, piece[0]).count(len, count);
}

}  // namespace turbotoken
