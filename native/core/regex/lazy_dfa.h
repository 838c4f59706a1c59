// A lazily built DFA for the Pike VM's programs (pike_vm.h), used by find_matches ahead of the
// VM: an anchored, leftmost-first search from one position, one table lookup per code point once
// the states it visits are built. A DFA state is the ordered list of the VM's threads (their
// program counters, before their epsilon closure) plus what the closure needs to know about the
// character before them (its membership in each lookbehind set) and whether they stand at the
// text's start; the closure runs when the next character is known, so one-character lookaheads
// (`\s+(?!\S)`) are decided on the transition that reads it. Characters are read as classes: the
// code-point intervals on which every set of the program agrees.
//
// A search gives up (and the caller runs the Pike VM) when it reads kOverscan code points past
// the last match it found without the match being decided, which keeps a sequence of searches
// linear in the text, and when the states would pass kMaxCacheBytes (then the DFA is off for the
// rest of the text).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "regex/pike_vm.h"

namespace turbotoken {
namespace regex {

class LazyDfa {
 public:
  static constexpr size_t kOverscan = 256;
  static constexpr size_t kMaxCacheBytes = size_t(8) << 20;

  enum class Result : uint8_t { kMatch, kNoMatch, kGiveUp };

  explicit LazyDfa(const Program& program);

  // False when the program has more lookbehind instructions than a state can record.
  bool usable() const { return usable_; }

  // Whether the states reached the size limit (every later search gives up).
  bool full() const { return full_; }

  // Whether a non-empty match can start with this code point (any assertion assumed to pass).
  bool may_start(uint32_t cp) const { return first_[symbol(cp)] != 0; }

  // The end of the leftmost-first match that starts at `pos` (kMatch, possibly empty), none
  // (kNoMatch), or kGiveUp (with *end where it stopped reading, when it ran out of reach).
  Result match_at(const uint8_t* text, size_t size, size_t pos, size_t* end);

 private:
  uint32_t symbol(uint32_t cp) const;
  uint32_t prev_mask(uint32_t cp) const;
  int32_t state_of(const std::vector<uint32_t>& pcs, uint32_t mask, bool at_begin);
  bool step(uint32_t state, uint32_t sym, int32_t* next, bool* matched);

  const Program& p_;
  bool usable_ = true;
  bool full_ = false;
  std::vector<uint32_t> bounds_;   // ascending first code point of each class; bounds_[0] = 0
  std::vector<uint32_t> ascii_;    // code point < 128 -> class
  std::vector<uint8_t> first_;     // class -> may start a match
  std::vector<uint32_t> behind_;   // the lookbehind instructions, in program order
  uint32_t symbols_ = 0;           // classes, plus one for the end of the text

  struct State {
    std::vector<uint32_t> pcs;
    uint32_t mask;
    bool at_begin;
  };
  std::vector<State> states_;
  std::vector<int32_t> table_;     // states_ x symbols_: -1 unknown, else ((next + 1) << 1) | matched
  std::unordered_map<std::string, int32_t> index_;
  std::unordered_map<uint32_t, int32_t> starts_;  // lookbehind mask -> start state (not at the text's start)

  // Scratch of step().
  std::vector<uint32_t> mark_;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> stack_, list_, next_pcs_;
};

}  // namespace regex
}  // namespace turbotoken
