// A lazily built DFA for the Pike VM's programs (pike_vm.h), used by find_matches ahead of the
// VM: an anchored, leftmost-first search from one position, one table lookup per code point once
// the states it visits are built. A DFA state is the ordered list of the VM's threads (their
// program counters, before their epsilon closure) plus what the closure needs to know about the
// character before them (its membership in each lookbehind set) and whether they stand at the
// text's start; the closure runs when the next character is known, so one-character lookaheads
// (`\s+(?!\S)`) are decided on the transition that reads it. Characters are read as classes: the
// code-point intervals on which every set of the program agrees, looked up in a two-level table
// (code point >> 8, then its low byte), so a character costs a decode and two loads.
//
// A search gives up (and the caller runs the Pike VM) when, at the end of a kOverscan-byte chunk,
// it has read more than kOverscan bytes past the last match it found (or its start) without the
// match being decided (so at most 2 x kOverscan), which keeps a sequence of searches linear in
// the text, and when the states would pass kMaxCacheBytes (full(): the caller drops the states
// with reset() before the DFA is used again).
//
// Not thread-safe: one search at a time (a Splitter hands each DFA to one caller at a time).
#pragma once
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "regex/pike_vm.h"
#include "regex/words.h"
#include "text/byte_set.h"

namespace turbotoken {
namespace regex {

class LazyDfa {
 public:
  static constexpr size_t kOverscan = 256;
  // The states' share of memory (the class table comes on top, at most kMaxClassTableBytes).
  static constexpr size_t kMaxCacheBytes = size_t(8) << 20;
  static constexpr size_t kMaxClassTableBytes = size_t(4352) * 2 + size_t(4352) * 256 * 2;

  enum class Result : uint8_t { kMatch, kNoMatch, kGiveUp };

  explicit LazyDfa(const Program& program);

  // False when the program has more lookbehind instructions than a state can record.
  bool usable() const { return usable_; }

  // Whether the states reached the size limit (every later search gives up until reset()).
  bool full() const { return full_; }

  // Drops every state (the classes stay).
  void reset();

  // What the states and the class table hold now.
  size_t memory_bytes() const;

  // Whether a non-empty match can start with this code point (any assertion assumed to pass).
  bool may_start(uint32_t cp) const { return first_[symbol(cp)] != 0; }

  // The first offset from `from` on whose byte may begin a non-empty match, or `size` when none
  // does. The bytes it passes begin no match in any context (a superset of the start characters'
  // bytes, assertions assumed to pass), so a stretch that ends before the returned offset has no
  // non-empty match of its own.
  // Inline: a Splitter's later step asks once per piece, and its scan twice more (at the piece's
  // start and end), where the answer is mostly the byte it stands on or the end.
  size_t next_start(const uint8_t* text, size_t from, size_t size) const {
    if (from >= size) return size;
    if (start_bytes_.member[text[from]]) return from;
    return next_start_far(text, from, size);
  }

  // The successive non-empty leftmost-first matches from *pos on, appended to `bounds` as start/end
  // pairs, as find_matches defines them: kNoMatch when it reached the end of the text; kGiveUp
  // when the match that starts at *pos was not decided within reach (*reach: where it stopped
  // reading) or the states filled up (then *reach = *pos).
  Result scan(const uint8_t* text, size_t size, size_t* pos, std::vector<uint32_t>& bounds, size_t* reach);

  // scan() writing its pairs straight into a Splitter step's output, each offset plus `bias` (the
  // piece's offset in the whole text), so a later step's matches need no second copy. On kGiveUp
  // some pairs may have been written: the caller drops them and takes the general path.
  Result scan_words(const uint8_t* text, size_t size, size_t* pos, Words& out, uint32_t bias, size_t* reach);

 private:
  // Table entries: kUnknown (not built yet), kDead | kMatched (no thread goes on), or the next
  // state's row (state x stride_) shifted left kFlagBits | flags: kMatched says that a match ends
  // before the character read, kBoundary that the search dies there with that match and the
  // entry is the start state's on the same character (fold_boundary).
  static constexpr int32_t kUnknown = INT32_MIN;
  static constexpr int32_t kDead = -2;
  static constexpr int32_t kMatched = 1;
  static constexpr int32_t kBoundary = 2;
  static constexpr int kFlagBits = 2;
  // A row shifted past the flags is then the row's byte offset, which scan()'s ASCII loop adds
  // to a column's byte offset without a shift.
  static_assert((1 << kFlagBits) == sizeof(int32_t), "the flags fill an entry's alignment bits");
  // The entry of every row's last column, where bytes from 0x80 on are looked up in the ASCII loop:
  // it leaves that loop (as a dead entry does) for the code that decodes the character.
  static constexpr int32_t kNonAscii = -4;
  // A dead entry with a match that fold_boundary() found cannot fold, for good (the start state's
  // own row, or a start-state entry that dies too): it is not asked again. Negative as dead is,
  // kMatched set, kBoundary clear.
  static constexpr int32_t kDeadUnfolded = kNonAscii | kMatched;
  static_assert(kDeadUnfolded < 0 && (kDeadUnfolded & kMatched) && !(kDeadUnfolded & kBoundary) &&
                    kDeadUnfolded != (kDead | kMatched),
                "an unfolded dead entry reads as dead with a match");

  // next_start() past its first byte: the kernel's search.
  size_t next_start_far(const uint8_t* text, size_t from, size_t size) const;

  // The row of the start state for a search from `pos`, or -1 when the states are full.
  int64_t start_row(const uint8_t* text, size_t size, size_t pos);

  uint32_t symbol(uint32_t cp) const {
    if (cp < 128) return ascii_[cp];
    if (cp <= 0x10FFFF && !blocks_.empty()) return blocks_[size_t(block_of_[cp >> 8]) * 256 + (cp & 0xFF)];
    return slow_symbol(cp);
  }
  uint32_t slow_symbol(uint32_t cp) const;
  void build_class_table();
  void build_start_bytes();
  uint32_t prev_mask(uint32_t cp) const;
  int32_t start_state(uint32_t mask, bool at_begin);
  int32_t state_of(const std::vector<uint32_t>& pcs, uint32_t mask, bool at_begin);
  bool step(uint32_t state, uint32_t sym, int32_t* next, bool* matched);
  bool fill(int64_t row, uint32_t sym, int32_t* v);
  int32_t fold_boundary(int64_t row, uint32_t sym);
  template <class Out>
  Result scan_into(const uint8_t* text, size_t size, size_t* pos, Out& out, uint32_t bias, size_t* reach);

  const Program& p_;
  bool usable_ = true;
  bool full_ = false;
  std::vector<uint32_t> bounds_;   // ascending first code point of each class; bounds_[0] = 0
  uint32_t ascii_[128];            // code point < 128 -> class
  std::vector<uint16_t> block_of_;  // code point >> 8 -> block (empty when classes pass 65,535)
  std::vector<uint16_t> blocks_;    // block x 256 -> class
  std::vector<uint8_t> first_;     // class -> may start a match
  // Byte -> may a match start at a code point that begins with it: ASCII exactly, a lead byte
  // when any code point it leads may (1 for every byte from 0x80 when U+FFFD may start, since
  // then a continuation byte can start a match and only decoding tells where characters begin).
  ByteSet start_bytes_;
  bool skip_bytes_ = false;        // whether U+FFFD cannot start a match (continuation bytes skip)
  std::vector<uint32_t> behind_;   // the lookbehind instructions, in program order
  uint32_t symbols_ = 0;           // classes, plus one for the end of the text
  uint32_t stride_ = 0;            // a row's entries: symbols_ and the kNonAscii column
  uint32_t byte_class_[256];       // byte -> class below 0x80, the kNonAscii column from 0x80 on
  uint32_t class_offset_[256];     // byte_class_ x sizeof(int32_t): the column's byte offset in a row

  struct State {
    std::vector<uint32_t> pcs;
    uint32_t mask;
    bool at_begin;
  };
  std::vector<State> states_;
  std::vector<int32_t> table_;     // states_ x stride_, entries as kUnknown says
  // table_ with the flags cleared from non-negative entries (negative ones as they are): the
  // next row's byte offset, so that the ASCII loop's state chain is one load, its flags read
  // from table_ at the same offset beside it. Written with table_, by put().
  std::vector<int32_t> next_;
  void put(size_t at, int32_t v) {
    table_[at] = v;
    next_[at] = v >= 0 ? v & ~int32_t((1 << kFlagBits) - 1) : v;
  }
  std::unordered_map<std::string, int32_t> index_;
  size_t state_bytes_ = 0;
  // Start states: at the text's start, and elsewhere without lookbehind (the common case, no
  // lookup); elsewhere with lookbehind, by the mask of the character before.
  int32_t start_begin_ = -1;
  int32_t start_plain_ = -1;
  std::unordered_map<uint32_t, int32_t> starts_;

  // Scratch of step().
  std::vector<uint32_t> mark_;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> stack_, list_, next_pcs_, pcs_;
};

}  // namespace regex
}  // namespace turbotoken
