#include "regex/splitter.h"

#include <algorithm>
#include <cstring>

#include "regex/lazy_dfa.h"
#include "regex/words.h"

namespace turbotoken {
namespace regex {
namespace {

// Texts shorter than this run on the VM when the step's kept DFA is borrowed by another call:
// building a DFA of their own costs more than the VM.
constexpr size_t kOwnDfaMinText = 256;

// A later step's pieces go through the short-piece memo from this many on: below it, emptying the
// memo costs more than the calls it could save.
constexpr size_t kMemoMinPieces = 64;

// The ranges of a piece of `size` bytes that a step keeps, from the matches in it (`bounds`,
// start/end pairs relative to the piece), as Hugging Face's NormalizedString::split makes them:
// the matches and the text between them flagged (swapped by `invert`), combined by the
// behavior; appended to `out` shifted by `base`, empty ones dropped.
void keep_ranges(const std::vector<uint32_t>& bounds, uint32_t size, SplitMode mode, bool invert,
                 uint32_t base, std::vector<uint32_t>& marks, Words& out) {
  if (mode == SplitMode::kMatches) {
    for (uint32_t b : bounds) out.push_back(base + b);
    return;
  }
  if (mode == SplitMode::kIsolated) {
    // Every match and every stretch between matches, whichever is flagged: no marks needed.
    uint32_t* w = out.room(2 * bounds.size() + 2);
    uint32_t last = 0;
    for (size_t k = 0; k < bounds.size(); k += 2) {
      if (bounds[k] > last) w[0] = base + last, w[1] = base + bounds[k], w += 2;
      w[0] = base + bounds[k], w[1] = base + bounds[k + 1], w += 2;
      last = bounds[k + 1];
    }
    if (last < size) w[0] = base + last, w[1] = base + size, w += 2;
    out.set_end(w);
    return;
  }
  // [start, end, is-match] triples over the whole piece.
  marks.clear();
  uint32_t last = 0;
  const uint32_t match = invert ? 0 : 1, gap = invert ? 1 : 0;
  for (size_t k = 0; k < bounds.size(); k += 2) {
    if (bounds[k] > last) marks.push_back(last), marks.push_back(bounds[k]), marks.push_back(gap);
    marks.push_back(bounds[k]), marks.push_back(bounds[k + 1]), marks.push_back(match);
    last = bounds[k + 1];
  }
  if (last < size) marks.push_back(last), marks.push_back(size), marks.push_back(gap);
  const size_t first = out.size();
  const auto push = [&](uint32_t s, uint32_t e) {
    out.push_back(s);
    out.push_back(e);
  };
  switch (mode) {
    case SplitMode::kMatches:
    case SplitMode::kIsolated:
      for (size_t k = 0; k < marks.size(); k += 3) push(marks[k], marks[k + 1]);
      break;
    case SplitMode::kRemoved:
      for (size_t k = 0; k < marks.size(); k += 3) {
        if (!marks[k + 2]) push(marks[k], marks[k + 1]);
      }
      break;
    case SplitMode::kContiguous: {
      uint32_t previous = 0;
      for (size_t k = 0; k < marks.size(); k += 3) {
        if (marks[k + 2] == previous && out.size() > first) out.back() = marks[k + 1];
        else push(marks[k], marks[k + 1]);
        previous = marks[k + 2];
      }
      break;
    }
    case SplitMode::kMergedWithPrevious: {
      uint32_t previous = 0;
      for (size_t k = 0; k < marks.size(); k += 3) {
        if (marks[k + 2] && !previous && out.size() > first) out.back() = marks[k + 1];
        else push(marks[k], marks[k + 1]);
        previous = marks[k + 2];
      }
      break;
    }
    case SplitMode::kMergedWithNext: {
      // Hugging Face folds from the end: a match joins the range after it.
      uint32_t previous = 0;
      for (size_t k = marks.size(); k >= 3; k -= 3) {
        const size_t at = k - 3;
        if (marks[at + 2] && !previous && out.size() > first) out[out.size() - 2] = marks[at];
        else push(marks[at], marks[at + 1]);
        previous = marks[at + 2];
      }
      // Built back to front: reverse the pairs.
      if (out.size() > first) std::reverse(out.data() + first, out.data() + out.size());
      for (size_t k = first; k < out.size(); k += 2) std::swap(out[k], out[k + 1]);
      break;
    }
  }
  // Shift, and drop empty ranges (behaviors can leave them only where the piece was empty).
  size_t w = first;
  for (size_t k = first; k < out.size(); k += 2) {
    if (out[k + 1] > out[k]) {
      out[w++] = base + out[k];
      out[w++] = base + out[k + 1];
    }
  }
  out.shrink(w);
}

// Whether the matches (start/end pairs) tile [0, size) with no gap.
bool covers(const std::vector<uint32_t>& bounds, size_t size) {
  if (bounds.empty()) return false;
  if (bounds.front() != 0 || bounds.back() != size) return false;
  // No early exit: the loop vectorizes, and a gap is the rare case.
  uint32_t gap = 0;
  const uint32_t* b = bounds.data();
  for (size_t k = 2; k < bounds.size(); k += 2) gap |= b[k] ^ b[k - 1];
  return gap == 0;
}

// Whether the pairs `b` (n words) tile [start, end) with no gap.
bool tiles(const uint32_t* b, size_t n, uint32_t start, uint32_t end) {
  if (n == 0 || b[0] != start || b[n - 1] != end) return false;
  // No early exit: the loop vectorizes, and a gap is the rare case.
  uint32_t gap = 0;
  for (size_t k = 2; k < n; k += 2) gap |= b[k] ^ b[k - 1];
  return gap == 0;
}

// The ranges a later step keeps of short pieces, by the piece's bytes. A piece is a text of its
// own (its edges are the text's edges for anchors and lookaround), so what a step keeps of it
// depends on its bytes alone: replaying the ranges recorded for the same bytes is exactly running
// the step again. A Sequence's first step can cut the text into many short, repeating pieces
// (DeepSeek-V3's `\p{N}{1,3}`: every digit group and the punctuation between them), each of which
// would otherwise pay a whole matcher call per later step. Direct-mapped: a collision replaces.
class ShortPieceMemo {
 public:
  static constexpr uint32_t kMaxBytes = 8;
  static constexpr uint32_t kMaxRanges = 8;  // a piece of 8 bytes keeps at most 8 non-empty ranges

  // Emptied for each step: what a step keeps is its own.
  void clear(size_t pieces) {
    uint32_t bits = 6;
    while (bits < 10 && (size_t(1) << bits) < pieces) bits++;
    bits_ = bits;
    slots_.assign(size_t(1) << bits, Slot());
  }

  // The piece's bytes as a key (the length is kept beside it), or 0 when the piece is too long to
  // be kept (or all NUL bytes: not kept either, which only costs a call).
  // `size` is the whole text's: where 8 bytes from the piece's start are inside it, the key is
  // one load and a mask (a loop over the piece's bytes mispredicts its exit on most pieces).
  static uint64_t key_of(const uint8_t* text, size_t size, uint32_t start, uint32_t end) {
    const uint32_t len = end - start;
    if (len == 0 || len > kMaxBytes) return 0;
    uint64_t k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (size - start >= 8) {
      std::memcpy(&k, text + start, 8);
      return k & (~uint64_t(0) >> (64 - 8 * len));  // little-endian: the piece's bytes are the low ones
    }
#endif
    for (uint32_t i = 0; i < len; i++) k |= uint64_t(text[start + i]) << (8 * i);
    return k;
  }

  // Appends the recorded ranges shifted by `base` and returns true, or false when not recorded.
  bool replay(uint64_t key, uint32_t len, uint32_t base, Words& out) const {
    const Slot& s = slots_[slot_of(key, len)];
    if (s.len != len || s.key != key) return false;
    // Every slot's words written, the recorded ones kept: no loop exit that depends on the count.
    // Through a local copy: added in place into `w`, the compiler must assume each store may
    // change the slot's ranges, and the 16 adds stay scalar (a load, an add and a store each).
    uint32_t r[2 * kMaxRanges];
    std::memcpy(r, s.ranges, sizeof r);
    for (uint32_t k = 0; k < 2 * kMaxRanges; k++) r[k] += base;
    uint32_t* const w = out.room(2 * kMaxRanges);
    std::memcpy(w, r, sizeof r);
    out.set_end(w + 2 * s.count);
    return true;
  }

  // Records the ranges that `out[from..]` holds for the piece at `base`.
  void record(uint64_t key, uint32_t len, uint32_t base, const Words& out, size_t from) {
    const size_t pairs = (out.size() - from) / 2;
    if (pairs > kMaxRanges) return;
    Slot& s = slots_[slot_of(key, len)];
    s.key = key;
    s.len = uint8_t(len);
    s.count = uint8_t(pairs);
    for (size_t k = 0; k < 2 * pairs; k++) s.ranges[k] = out[from + k] - base;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint8_t len = 0;  // 0: empty (no piece is empty)
    uint8_t count = 0;
    // Words, not bytes: the replay's 16 adds then vectorize with SSE2 alone.
    uint32_t ranges[2 * kMaxRanges] = {};
  };
  size_t slot_of(uint64_t key, uint32_t len) const {
    return size_t(((key + len) * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
  }
  uint32_t bits_ = 6;
  std::vector<Slot> slots_;
};

}  // namespace

ProgramStatus Splitter::create(const uint32_t* words, size_t count, std::unique_ptr<Splitter>* out) {
  if (count < 1 || words[0] == 0 || words[0] > kMaxSplitSteps) return ProgramStatus::kMalformed;
  std::unique_ptr<Splitter> s(new Splitter());
  size_t at = 1;
  for (uint32_t k = 0; k < words[0]; k++) {
    if (count - at < 2) return ProgramStatus::kMalformed;
    const uint32_t mode = words[at] & ~kSplitInvert, size = words[at + 1];
    if (mode > uint32_t(SplitMode::kContiguous) || (words[at] & kSplitInvert && mode == 0)) return ProgramStatus::kMalformed;
    if (mode == uint32_t(SplitMode::kMatches) && words[0] != 1) return ProgramStatus::kMalformed;
    at += 2;
    if (count - at < size) return ProgramStatus::kMalformed;
    std::unique_ptr<Step> step(new Step());
    if (step->program.load(words + at, size) != ProgramStatus::kOk) return ProgramStatus::kMalformed;
    step->mode = SplitMode(mode);
    step->invert = (words[at - 2] & kSplitInvert) != 0;
    // Kept from the start, so that the first short text runs on it too.
    std::unique_ptr<LazyDfa> dfa(new LazyDfa(step->program));
    step->dfa_usable = dfa->usable();
    if (step->dfa_usable) {
      step->dfa_bytes.store(dfa->memory_bytes());
      step->dfa.store(dfa.release());
    }
    at += size;
    s->steps_.push_back(std::move(step));
  }
  if (at != count) return ProgramStatus::kMalformed;
  *out = std::move(s);
  return ProgramStatus::kOk;
}

Splitter::~Splitter() {
  for (auto& step : steps_) delete step->dfa.load();
}

LazyDfa* Splitter::borrow(const Step& step, size_t size) const {
  LazyDfa* dfa = step.dfa.exchange(nullptr);
  if (!dfa && step.dfa_usable && size >= kOwnDfaMinText) dfa = new LazyDfa(step.program);
  return dfa;
}

void Splitter::give_back(const Step& step, LazyDfa* dfa) const {
  if (!dfa) return;
  if (dfa->full()) dfa->reset();
  const size_t bytes = dfa->memory_bytes();
  LazyDfa* expected = nullptr;
  // Kept unless another call put its own back first.
  if (step.dfa.compare_exchange_strong(expected, dfa)) step.dfa_bytes.store(bytes);
  else delete dfa;
}

bool Splitter::split(const uint8_t* text, size_t size, std::vector<uint32_t>& pieces) const {
  if (size > 0xFFFFFFFFu) return false;
  if (size == 0) {
    pieces.clear();
    return true;
  }
  // A single step that keeps the matches writes them straight out.
  if (steps_.size() == 1 && steps_[0]->mode == SplitMode::kMatches) {
    pieces.clear();
    LazyDfa* dfa = borrow(*steps_[0], size);
    const bool ok = find_matches_with(steps_[0]->program, dfa, text, size, pieces);
    give_back(*steps_[0], dfa);
    return ok;
  }
  // A single Isolated step (a tokenizer.json's one Split, Qwen3's) whose matches cover the text:
  // the matches are the pieces. Patterns written to cover every character leave no gap, so the
  // matches go straight out and only a text with a gap takes the general path below.
  if (steps_.size() == 1 && steps_[0]->mode == SplitMode::kIsolated) {
    pieces.clear();
    LazyDfa* dfa = borrow(*steps_[0], size);
    const bool ok = find_matches_with(steps_[0]->program, dfa, text, size, pieces);
    give_back(*steps_[0], dfa);
    if (!ok) return false;
    if (covers(pieces, size)) return true;
    std::vector<uint32_t> bounds, marks;
    bounds.swap(pieces);
    pieces.clear();
    Words gapped(&pieces);
    keep_ranges(bounds, uint32_t(size), SplitMode::kIsolated, false, 0, marks, gapped);
    gapped.finish();
    return true;
  }
  // Each step reads the one before's words and writes its own, alternating between two buffers
  // so that the last step writes into `pieces` (kept by the caller across calls: its pages are
  // already there).
  std::vector<uint32_t> bounds, marks;
  Words in_pieces(&pieces), in_other(nullptr);
  Words* const buffers[2] = {&in_pieces, &in_other};
  const uint32_t whole[2] = {0, uint32_t(size)};
  ShortPieceMemo memo;
  // Grown as needed, not reserved for the worst case: a block of several MB asked for and freed on
  // every call goes back to the system each time and comes back as fresh pages (faults and
  // zeroing that cost DeepSeek-V3's first two steps half their speed), where blocks grown by
  // doubling stay in the allocator's heap from call to call.
  for (size_t s = 0; s < steps_.size(); s++) {
    const Step& step = *steps_[s];
    Words& out = *buffers[(steps_.size() - 1 - s) & 1];
    out.clear();
    // Borrowed once for all the pieces of this step (a piece's text is part of the call's).
    LazyDfa* dfa = borrow(step, size);
    // Later steps only: the first one has the whole text as its one piece.
    const Words* const prior = s > 0 ? buffers[(steps_.size() - s) & 1] : nullptr;
    const size_t count = prior ? prior->size() : 2;
    const uint32_t* const in = prior ? prior->data() : whole;
    const bool memo_on = s > 0 && count >= 2 * kMemoMinPieces;
    if (memo_on) memo.clear(count / 2);
    // A piece in which no byte can begin a match is one unmatched stretch, whatever its context:
    // kept whole, or dropped where Removed drops the stretches `invert` flags as matches. The
    // pieces ascend, so one skip over the text (the DFA's start bytes) serves them all: a step
    // that matches rarely (DeepSeek-V3's digits and CJK runs) pays no matcher call per piece.
    const bool drop_unmatched = step.mode == SplitMode::kRemoved && step.invert;
    // Isolated keeps every match and every stretch between them, whatever `invert` says.
    const bool isolated_direct = step.mode == SplitMode::kIsolated && !step.program.code().empty();
    size_t next_hit = 0;
    bool hit_known = false;
    for (size_t k = 0; k < count; k += 2) {
      const uint32_t start = in[k], end = in[k + 1];
      if (dfa) {
        if (!hit_known || next_hit < start) next_hit = dfa->next_start(text, start, size), hit_known = true;
        if (next_hit >= end) {
          // So does every later piece that ends by next_hit (no start byte between this piece's
          // start and it): the run of them found by a galloping search over their ends, passed
          // on in one copy, not one piece at a time.
          size_t lo = k / 2, step_by = 1;  // pieces lo.. end by next_hit; find the first that does not
          size_t hi = lo + 1;
          const size_t pairs = count / 2;
          while (hi < pairs && in[2 * hi + 1] <= next_hit) lo = hi, hi = std::min(pairs, hi + step_by), step_by *= 2;
          // in[2 * lo + 1] <= next_hit; the first piece past the run is in (lo, hi].
          while (hi - lo > 1) {
            const size_t mid = lo + (hi - lo) / 2;
            if (in[2 * mid + 1] <= next_hit) lo = mid;
            else hi = mid;
          }
          const size_t words = 2 * hi - k;
          if (!drop_unmatched) {
            uint32_t* const w = out.room(words);
            std::memcpy(w, in + k, words * sizeof(uint32_t));
            out.set_end(w + words);
          }
          k = 2 * hi - 2;
          continue;
        }
      }
      const uint64_t key = memo_on ? ShortPieceMemo::key_of(text, size, start, end) : 0;
      const size_t from = out.size();
      if (key && memo.replay(key, end - start, start, out)) continue;
      if (isolated_direct && dfa && !dfa->full()) {
        // The piece's matches straight into the step's output; where they tile the piece they are
        // its Isolated ranges already (the usual case), else they are taken back for keep_ranges.
        size_t pos = 0, reach = 0;
        if (dfa->scan_words(text + start, end - start, &pos, out, start, &reach) == LazyDfa::Result::kNoMatch) {
          if (!tiles(out.data() + from, out.size() - from, start, end)) {
            bounds.assign(out.data() + from, out.data() + out.size());
            for (uint32_t& b : bounds) b -= start;
            out.shrink(from);
            keep_ranges(bounds, end - start, step.mode, step.invert, start, marks, out);
          }
          if (key) memo.record(key, end - start, start, out, from);
          continue;
        }
        // Not decided within reach, or the states filled up: the general path below runs the
        // piece again from its start (the VM where the DFA gave up; a DFA that filled up is
        // emptied first, so that the piece does not go to the VM whole).
        out.shrink(from);
        if (dfa->full()) dfa->reset();
      }
      bounds.clear();
      // A piece is a text of its own: its edges are the text's edges for anchors and lookaround.
      const bool ok = find_matches_with(step.program, dfa, text + start, end - start, bounds);
      // A DFA that filled up on this piece is emptied for the next one.
      if (dfa && dfa->full()) dfa->reset();
      if (!ok) {
        give_back(step, dfa);
        pieces.clear();
        return false;
      }
      keep_ranges(bounds, end - start, step.mode, step.invert, start, marks, out);
      if (key) memo.record(key, end - start, start, out, from);
    }
    give_back(step, dfa);
  }
  in_pieces.finish();
  return true;
}

size_t Splitter::memory_bytes() const {
  size_t total = 0;
  for (const auto& step : steps_) total += step->dfa_bytes.load();
  return total;
}

}  // namespace regex
}  // namespace turbotoken
