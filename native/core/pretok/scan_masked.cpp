// Why the masked rules below give exactly the scalar scanners' pieces: each case is one
// alternative of the family's pattern (see docs/encoding.md) restricted to ASCII, taken only
// where every earlier alternative provably fails and where the bytes that decide the match are
// all ASCII and inside the 64-byte mask. Anything else returns 0 and the scalar scanner decides.
#include "pretok/scan_masked.h"

#include <cstring>

#include "pretok/scan_common.h"

namespace turbotoken {

namespace {

inline unsigned trailing_zeros(uint64_t x) { return unsigned(__builtin_ctzll(x)); }
inline unsigned leading_zeros(uint64_t x) { return unsigned(__builtin_clzll(x)); }

// Length of the run of set bits of m from bit k (k < 64); 64 - k when it reaches the top.
inline unsigned run_length(uint64_t m, unsigned k) {
  uint64_t x = ~m >> k;
  return x ? trailing_zeros(x) : 64 - k;
}

// One-byte classes for the first bytes of a piece (table lookups are cheaper than joining
// masks for single bytes). Must agree with the masks; the kernel tests check every ASCII pair.
enum : uint8_t { kLetter = 1, kDigit = 2, kSpace = 4, kNewline = 8, kOther = 16, kNonAscii = 32, kQuote = 64 };

struct ByteTable {
  uint8_t cls[256];
  constexpr ByteTable() : cls() {
    for (int b = 0; b < 256; b++) {
      uint8_t c = 0;
      if (b >= 0x80) c = kNonAscii;
      else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) c = kLetter;
      else if (b >= '0' && b <= '9') c = kDigit;
      else if (b == ' ' || (b >= '\t' && b <= '\r')) c = uint8_t(kSpace | ((b == '\r' || b == '\n') ? kNewline : 0));
      else c = uint8_t(kOther | (b == '\'' ? kQuote : 0));
      cls[b] = c;
    }
  }
};
constexpr ByteTable kBytes;

// Masks of one 64-byte block, with the unions the scanner asks for precomputed.
struct BlockMasks {
  uint64_t letter, upper, lower, digit, space, newline, other;
};

BlockMasks block_masks(const ByteClasses& c) {
  const uint64_t letter = c.lower | c.upper;
  return {letter, c.upper, c.lower, c.digit, c.space, c.newline, ~(letter | c.digit | c.space | c.nonascii)};
}

// The classes of the bytes from a position, kept for two 64-byte blocks so that each byte is
// classified once while pieces move through the text. Bytes past the end read as 0x80, which
// is in no class but non-ASCII, so every run stops at the end.
class MaskWindow {
 public:
  MaskWindow(const uint8_t* s, size_t n, ClassifyFn classify) : s_(s), n_(n), classify_(classify) {}

  // Moves to i (never backwards); mask() then describes the 64 bytes from i.
  void move_to(size_t i) {
    if (!started_ || i >= base_ + 128) {
      restart(i);
    } else if (i >= base_ + 64) {
      base_ += 64;
      low_ = high_;
      high_ = classify_block(base_ + 64);
    }
    offset_ = unsigned(i - base_);
  }

  uint64_t mask(uint64_t BlockMasks::*field) const {
    // (high << 1) << (63 - o) is high << (64 - o) without the undefined shift by 64 when o = 0.
    return (low_.*field >> offset_) | ((high_.*field << 1) << (63 - offset_));
  }

 private:
  void restart(size_t i) {
    started_ = true;
    base_ = i & ~size_t(63);
    low_ = classify_block(base_);
    high_ = classify_block(base_ + 64);
  }

  BlockMasks classify_block(size_t at) {
    // A block wholly past the end is all 0x80: no class the scanner asks for. Every text shorter
    // than 64 bytes has one, and classifying it was a fifth of a short call's scanning.
    if (at >= n_) return BlockMasks{};
    ByteClasses c;
    if (at + 64 <= n_) {
      classify_(s_ + at, &c);
    } else {
      uint8_t padded[64];
      std::memset(padded, 0x80, sizeof padded);
      if (at < n_) std::memcpy(padded, s_ + at, n_ - at);
      classify_(padded, &c);
    }
    return block_masks(c);
  }

  const uint8_t* s_;
  size_t n_;
  ClassifyFn classify_;
  bool started_ = false;
  size_t base_ = 0;
  unsigned offset_ = 0;
  BlockMasks low_{}, high_{};
};

// The end of the piece at i from the masks of the bytes from i, or 0 when undecided.
template <Family F>
size_t masked_piece_end(const uint8_t* s, size_t i, size_t n, const MaskWindow& w) {
  constexpr bool kGpt2 = F == Family::kGpt2;
  const uint8_t b0 = s[i];
  const uint8_t c0 = kBytes.cls[b0];
  // Contractions and non-ASCII starts belong to the scalar scanner.
  if (c0 & (kNonAscii | kQuote)) return 0;
  const size_t avail = n - i;
  const uint8_t c1 = avail > 1 ? kBytes.cls[s[i + 1]] : 0;
  // A run that stops at a byte >= 0x80 might go on in a non-ASCII character of its class.
  auto ends_in_ascii = [&](unsigned end) { return end < 64 && (end >= avail || s[i + end] < 0x80); };

  // Words: an optional one-character prefix (cl100k/o200k: [^\r\n\p{L}\p{N}]; gpt2: a space),
  // then letters (o200k: uppercase letters, then lowercase ones).
  unsigned word = 64;
  if (c0 & kLetter) {
    word = 0;
  } else {
    const bool can_prefix = kGpt2 ? b0 == ' ' : !(c0 & (kDigit | kNewline));
    if (can_prefix && (c1 & kNonAscii)) return 0;
    if (can_prefix && (c1 & kLetter)) word = 1;
  }
  if (word < 64) {
    unsigned end;
    if (F == Family::kO200k) {
      const unsigned upper_end = word + run_length(w.mask(&BlockMasks::upper), word);
      end = upper_end < 64 ? upper_end + run_length(w.mask(&BlockMasks::lower), upper_end) : 64;
    } else {
      end = word + run_length(w.mask(&BlockMasks::letter), word);
    }
    if (!ends_in_ascii(end)) return 0;
    // o200k's words may end in a contraction ('s, 'T, ...).
    if (F == Family::kO200k && end < avail && s[i + end] == '\'') return 0;
    return i + end;
  }

  // Numbers: cl100k/o200k take \p{N}{1,3}; gpt2 takes " ?\p{N}+".
  if (kGpt2) {
    const unsigned j = (b0 == ' ' && (c1 & kDigit)) ? 1 : 0;
    if (j || (c0 & kDigit)) {
      const unsigned end = j + run_length(w.mask(&BlockMasks::digit), j);
      return ends_in_ascii(end) ? i + end : 0;
    }
  } else if (c0 & kDigit) {
    const unsigned run = run_length(w.mask(&BlockMasks::digit), 0);
    if (run >= 3) return i + 3;
    return ends_in_ascii(run) ? i + run : 0;
  }

  // Punctuation: " ?[^\s\p{L}\p{N}]+", then cl100k "[\r\n]*", o200k "[\r\n/]*".
  const unsigned j = (b0 == ' ' && (c1 & kOther)) ? 1 : 0;
  if (j || (c0 & kOther)) {
    const unsigned end = j + run_length(w.mask(&BlockMasks::other), j);
    if (!ends_in_ascii(end)) return 0;
    if (kGpt2) return i + end;
    return scan::newline_run_end(s, i + end, n, F == Family::kO200k);
  }

  // Whitespace: cl100k/o200k "\s*[\r\n]+" ends after the run's last CR/LF; then "\s+(?!\S)"
  // takes the run at the end of the text, else all but its last character; then "\s+" one.
  const unsigned run = run_length(w.mask(&BlockMasks::space), 0);
  if (!ends_in_ascii(run)) return 0;
  if (!kGpt2) {
    const uint64_t newlines = w.mask(&BlockMasks::newline) & ((uint64_t(1) << run) - 1);
    if (newlines) return i + 64 - leading_zeros(newlines);
  }
  if (run == avail) return n;
  return i + (run >= 2 ? run - 1 : 1);
}

template <Family F>
size_t scan_masked(ClassifyFn classify, const uint8_t* s, size_t i, size_t n, size_t* ends,
                   size_t max_ends) {
  const PieceEndFn scalar = piece_end_function(F);
  MaskWindow window(s, n, classify);
  size_t k = 0;
  while (k < max_ends && i < n) {
    window.move_to(i);
    size_t end = masked_piece_end<F>(s, i, n, window);
    if (!end) end = scalar(s, i, n);
    ends[k++] = end;
    i = end;
  }
  return k;
}

}  // namespace

size_t scan_pieces_masked(Family family, ClassifyFn classify, const uint8_t* s, size_t i, size_t n,
                          size_t* ends, size_t max_ends) {
  switch (family) {
    case Family::kCl100k: return scan_masked<Family::kCl100k>(classify, s, i, n, ends, max_ends);
    case Family::kO200k: return scan_masked<Family::kO200k>(classify, s, i, n, ends, max_ends);
    default: return scan_masked<Family::kGpt2>(classify, s, i, n, ends, max_ends);
  }
}

size_t scan_pieces_scalar(Family family, const uint8_t* s, size_t i, size_t n, size_t* ends,
                          size_t max_ends) {
  const PieceEndFn piece_end = piece_end_function(family);
  size_t k = 0;
  while (k < max_ends && i < n) {
    i = piece_end(s, i, n);
    ends[k++] = i;
  }
  return k;
}

}  // namespace turbotoken
