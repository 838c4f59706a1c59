// Rank passes (bpe.h) for a piece that repeats a short unit (u^k v, |u| <= 32, v a prefix of u): a
// run of " \n", of one CJK character, of an emoji or an emoji ZWJ sequence.
//
// Every part of such a piece is a substring of u u u ..., so a part is its length and the phase (the
// position in u) where it starts, and two parts side by side are looked up from that phase alone.
// The parts are held as segments, a block of parts repeated `count` times (at first: u's bytes, k
// times). A rank pass merges every pair of the lowest rank r left to right, as bpe_run.cpp does on
// run lengths, and is exact when every pair a merge makes (the new part with the part before it
// and with the part after it at that moment) ranks above r; else this gives up and the caller
// merges the piece the general way.
//
// Why a segment costs a few blocks per pass instead of `count` of them. Left to right, the pass is
// a transducer whose state is the part waiting for its right neighbour (if any) and the part
// emitted last (the left neighbour a merge checks); what a block emits, the checks it makes and the
// state after it depend only on the state before it, the block, and the part after its last part
// (the next block's first part, the same for all but the last block). So once the state before a
// block recurs, the blocks since its first occurrence repeat exactly, as a cycle, up to the last
// block: they are emitted as one repeated block, and only the segment's first few blocks and its
// last block are walked. Where the state does not recur within kWalk blocks, this gives up.
#include <algorithm>
#include <cstring>

#include "bpe/bpe.h"

namespace turbotoken {

namespace {

constexpr size_t kMaxUnit = 32;

struct Part {
  uint32_t length;
  uint32_t phase;  // where its first byte sits in the unit
  bool operator==(const Part& o) const { return length == o.length && phase == o.phase; }
};

struct Segment {
  uint32_t begin, end;  // its block: parts[begin, end)
  uint64_t count;       // times the block repeats (1: a literal run of parts)
};

// The piece's parts, as segments. Appending keeps them short: a repeated block is reduced to its
// own repeating root, and parts that repeat the block before them (or after them) join its count.
struct Segments {
  std::vector<Part> parts;
  std::vector<Segment> segs;

  void clear() {
    parts.clear();
    segs.clear();
  }
  size_t size() const { return parts.size(); }

  void append_part(Part x) {
    if (segs.empty() || segs.back().count != 1) segs.push_back({uint32_t(parts.size()), uint32_t(parts.size()), 1});
    parts.push_back(x);
    segs.back().end++;
    // A literal that spells the repeated block before it once more is one more repeat.
    if (segs.size() >= 2) {
      const Segment& lit = segs.back();
      Segment& rep = segs[segs.size() - 2];
      const uint32_t m = rep.end - rep.begin;
      if (lit.end - lit.begin == m && std::equal(parts.begin() + rep.begin, parts.begin() + rep.end, parts.begin() + lit.begin)) {
        rep.count++;
        parts.resize(lit.begin);
        segs.pop_back();
      }
    }
  }

  void append_repeat(const Part* block, size_t m, uint64_t count) {
    if (count == 0 || m == 0) return;
    // The block's smallest repeating root: m parts that are d parts repeated count as d parts.
    size_t d = 1;
    while (d < m && (m % d != 0 || !std::equal(block + d, block + m, block))) d++;
    count *= m / d;
    m = d;
    if (count == 1) {
      for (size_t i = 0; i < m; i++) append_part(block[i]);
      return;
    }
    // Copies of the block at the end of a literal before it join the count.
    while (!segs.empty() && segs.back().count == 1 && segs.back().end - segs.back().begin >= m &&
           std::equal(block, block + m, parts.begin() + (segs.back().end - m))) {
      segs.back().end -= uint32_t(m);
      parts.resize(segs.back().end);
      count++;
      if (segs.back().end == segs.back().begin) segs.pop_back();
    }
    if (!segs.empty() && segs.back().count != 1 && segs.back().end - segs.back().begin == m &&
        std::equal(block, block + m, parts.begin() + segs.back().begin)) {
      segs.back().count += count;
      return;
    }
    const uint32_t begin = uint32_t(parts.size());
    parts.insert(parts.end(), block, block + m);
    segs.push_back({begin, uint32_t(parts.size()), count});
  }
};

// The state of a pass between two parts (see the top of the file).
struct PassState {
  bool pending = false;  // a part waits for the next one
  bool has_before = false;
  Part waiting{0, 0};
  Part before{0, 0};  // the part emitted last
  bool operator==(const PassState& o) const {
    return pending == o.pending && has_before == o.has_before && (!pending || waiting == o.waiting) &&
           (!has_before || before == o.before);
  }
};

class PeriodicMerge {
 public:
  PeriodicMerge(const Vocab& vocab, const uint8_t* unit, size_t p) : vocab_(vocab), p_(uint32_t(p)) {
    const size_t n = vocab.max_token_length() + p;
    bytes_.resize(n);
    for (size_t k = 0; k < n; k++) bytes_[k] = unit[k % p];
  }

  // The parts left of u^k v (v: the first `tail` bytes of u) when no pair is a token; false
  // where a pass would be inexact or the segments stop paying.
  bool merge(uint64_t k, size_t tail, size_t len, Segments& parts) {
    std::vector<Part> unit(p_);
    for (uint32_t i = 0; i < p_; i++) unit[i] = {1, i};
    parts.clear();
    parts.append_repeat(unit.data(), p_, k);
    for (size_t i = 0; i < tail; i++) parts.append_part({1, uint32_t(i)});
    // Each pass walks every part held; a vocabulary that keeps many of them over many passes
    // would cost more than the general merge, which takes over past this budget.
    size_t budget = 4 * len + 4096;
    Segments next;
    for (;;) {
      const uint32_t rank = lowest(parts);
      if (rank == kNoRank) return true;
      if (parts.size() > budget) return false;
      budget -= parts.size();
      if (!pass(parts, rank, next)) return false;
      std::swap(parts, next);
    }
  }

  uint32_t rank_of_part(Part x) const { return rank_at(x.phase, x.length); }

 private:
  uint32_t rank_at(uint32_t phase, uint64_t length) const {
    return length <= vocab_.max_token_length() ? vocab_.rank_of(bytes_.data() + phase, size_t(length)) : kNoRank;
  }
  uint32_t pair_rank(Part a, Part b) const { return rank_at(a.phase, uint64_t(a.length) + b.length); }
  // Whether a pair made during the pass of `rank` leaves the pass exact: it must rank above.
  bool made_ok(Part a, Part b, uint32_t rank) const {
    const uint32_t r = pair_rank(a, b);
    return r == kNoRank || r > rank;
  }

  // The lowest rank of two adjacent parts: inside a block, across two copies of it, across two
  // segments.
  uint32_t lowest(const Segments& s) const {
    uint32_t best = kNoRank;
    for (size_t j = 0; j < s.segs.size(); j++) {
      const Segment& g = s.segs[j];
      for (uint32_t i = g.begin; i + 1 < g.end; i++) best = std::min(best, pair_rank(s.parts[i], s.parts[i + 1]));
      if (g.count >= 2) best = std::min(best, pair_rank(s.parts[g.end - 1], s.parts[g.begin]));
      if (j + 1 < s.segs.size()) best = std::min(best, pair_rank(s.parts[g.end - 1], s.parts[s.segs[j + 1].begin]));
    }
    return best;
  }

  // Feeds one part (followed by *next, or by nothing) to the pass of `rank`: merges it with the
  // waiting part when the two make that rank. false when a merge makes a pair ranked below.
  template <typename Emit>
  bool feed(PassState& s, Part x, const Part* next, uint32_t rank, Emit& emit) const {
    if (s.pending && pair_rank(s.waiting, x) == rank) {
      const Part t{s.waiting.length + x.length, s.waiting.phase};
      if (s.has_before && !made_ok(s.before, t, rank)) return false;
      if (next && !made_ok(t, *next, rank)) return false;
      emit(t);
      s.before = t;
      s.has_before = true;
      s.pending = false;
      return true;
    }
    if (s.pending) {
      emit(s.waiting);
      s.before = s.waiting;
      s.has_before = true;
    }
    s.pending = true;
    s.waiting = x;
    return true;
  }

  // One copy of segment g's block, followed by *after.
  template <typename Emit>
  bool block(PassState& s, const Segments& in, const Segment& g, const Part* after, uint32_t rank, Emit&& emit) const {
    for (uint32_t i = g.begin; i < g.end; i++)
      if (!feed(s, in.parts[i], i + 1 < g.end ? &in.parts[i + 1] : after, rank, emit)) return false;
    return true;
  }

  bool pass(const Segments& in, uint32_t rank, Segments& out) {
    out.clear();
    PassState s;
    auto literal = [&](Part t) { out.append_part(t); };
    for (size_t j = 0; j < in.segs.size(); j++) {
      const Segment& g = in.segs[j];
      const Part* first = &in.parts[g.begin];
      const Part* after = j + 1 < in.segs.size() ? &in.parts[in.segs[j + 1].begin] : nullptr;
      const uint64_t c = g.count;
      uint64_t done = 0;  // blocks emitted so far; s is the state after them
      if (c > kWalk + 1) {
        // Blocks 1, 2, ... (none of them the last) until the state after one recurs.
        states_[0] = s;
        size_t from = 0, to = 0;  // the state after block `to` is the state after block `from`
        for (size_t b = 1; b <= kWalk && to == 0; b++) {
          walked_[b].clear();
          auto into = [this, b](Part t) { walked_[b].push_back(t); };
          if (!block(s, in, g, first, rank, into)) return false;
          states_[b] = s;
          for (size_t i = 0; i < b; i++)
            if (states_[i] == s) {
              from = i;
              to = b;
              break;
            }
        }
        if (to == 0) return false;
        // Blocks from+1..to repeat from there on, up to the last block (walked on its own).
        for (size_t b = 1; b <= from; b++)
          for (Part t : walked_[b]) out.append_part(t);
        cycle_.clear();
        for (size_t b = from + 1; b <= to; b++) cycle_.insert(cycle_.end(), walked_[b].begin(), walked_[b].end());
        const uint64_t cycles = (c - 1 - from) / (to - from);
        out.append_repeat(cycle_.data(), cycle_.size(), cycles);
        s = states_[from];
        done = from + cycles * (to - from);
      }
      for (uint64_t k = done; k < c; k++)
        if (!block(s, in, g, k + 1 < c ? first : after, rank, literal)) return false;
    }
    if (s.pending) out.append_part(s.waiting);
    return true;
  }

  // Blocks walked before their states must have recurred: a state is the waiting part (none, or
  // the block's last part) and the part emitted last, so it recurs within a few blocks.
  static constexpr size_t kWalk = 6;
  const Vocab& vocab_;
  uint32_t p_;
  std::vector<uint8_t> bytes_;  // the unit repeated past the longest token
  PassState states_[kWalk + 1];
  std::vector<Part> walked_[kWalk + 1];
  std::vector<Part> cycle_;
};

// The period of piece[0..len) if it repeats a unit of 2..kMaxUnit bytes (its smallest such
// period), else 0. A period q <= 32 of the whole piece is a period of its first 64 bytes, whose
// smallest period p then divides q (Fine and Wilf: p + q - gcd(p, q) <= 64), so p is a period of
// the whole piece; only p is checked against the whole piece.
size_t unit_period(const uint8_t* piece, size_t len) {
  const size_t head = std::min<size_t>(len, 64);
  size_t p = 1;
  while (p < head && p <= kMaxUnit && std::memcmp(piece, piece + p, head - p) != 0) p++;
  if (p >= head || p > kMaxUnit || p < 2) return 0;
  if (len > head && std::memcmp(piece, piece + p, len - p) != 0) return 0;
  return p;
}

}  // namespace

bool bpe_merge_periodic(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  const size_t p = unit_period(piece, len);
  if (p == 0) return false;
  PeriodicMerge merge(vocab, piece, p);
  Segments parts;
  // Nothing is appended before the last pass, so a false leaves out as it was.
  if (!merge.merge(len / p, len % p, len, parts)) return false;
  std::vector<uint32_t> ranks;
  for (const Segment& g : parts.segs) {
    ranks.clear();
    for (uint32_t i = g.begin; i < g.end; i++) ranks.push_back(merge.rank_of_part(parts.parts[i]));
    for (uint64_t c = 0; c < g.count; c++) out.insert(out.end(), ranks.begin(), ranks.end());
  }
  return true;
}

bool bpe_count_periodic(const Vocab& vocab, const uint8_t* piece, size_t len, size_t* count) {
  const size_t p = unit_period(piece, len);
  if (p == 0) return false;
  PeriodicMerge merge(vocab, piece, p);
  Segments parts;
  if (!merge.merge(len / p, len % p, len, parts)) return false;
  size_t total = 0;
  for (const Segment& g : parts.segs) total += size_t(g.count) * (g.end - g.begin);
  *count = total;
  return true;
}

}  // namespace turbotoken
