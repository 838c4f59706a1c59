// A compiled pre-tokenizer: one pattern's matches (the path of `new Encoding({ pattern })` and a
// tokenizer.json's single Split), or Hugging Face's Sequence of Split steps (DeepSeek-V3), each
// step run on every piece the steps before it left, in one call. Each step keeps its lazy DFA
// across calls, so short texts and short pieces run on built states too.
//
// Thread-safe: a call borrows a step's DFA (an atomic exchange); a call that finds it borrowed
// builds a DFA of its own for that call (texts of 256 bytes and more) or runs the VM. Memory: per
// step, one kept DFA of at most LazyDfa::kMaxCacheBytes of states plus its class table; a DFA
// that fills up is emptied before it is kept again.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "regex/pike_vm.h"

namespace turbotoken {
namespace regex {

class LazyDfa;

// What a step keeps of the text, as Hugging Face's SplitDelimiterBehavior (kMatches: the matches
// only, as tiktoken's pattern keeps them; valid for a single step).
enum class SplitMode : uint32_t {
  kMatches = 0,
  kRemoved = 1,
  kIsolated = 2,
  kMergedWithPrevious = 3,
  kMergedWithNext = 4,
  kContiguous = 5,
};
constexpr uint32_t kSplitInvert = 8;  // or'ed into a mode: the matches and the text between swap roles

// The most steps a splitter may have.
constexpr uint32_t kMaxSplitSteps = 64;

class Splitter {
 public:
  // Layout (u32 words): [step count S] then S x ([mode | kSplitInvert?] [word count W]
  // [W words of one program, pike_vm.h's layout]). kMalformed for anything else.
  static ProgramStatus create(const uint32_t* words, size_t count, std::unique_ptr<Splitter>* out);
  ~Splitter();

  // The pieces, as [start, end) byte offsets into `text` in pairs, in order; empty pieces are
  // dropped. False when the text is longer than a u32 offset can say.
  bool split(const uint8_t* text, size_t size, std::vector<uint32_t>& pieces) const;

  // What the kept DFAs hold now (states and class tables).
  size_t memory_bytes() const;

 private:
  struct Step {
    Program program;
    SplitMode mode = SplitMode::kMatches;
    bool invert = false;
    bool dfa_usable = false;
    mutable std::atomic<LazyDfa*> dfa{nullptr};
    mutable std::atomic<size_t> dfa_bytes{0};
  };
  Splitter() = default;
  // The step's kept DFA, or one of this call's own when another call has it (texts of
  // kOwnDfaMinText bytes and more), or null (the VM); give_back() keeps it or frees it.
  LazyDfa* borrow(const Step& step, size_t size) const;
  void give_back(const Step& step, LazyDfa* dfa) const;

  std::vector<std::unique_ptr<Step>> steps_;
};

}  // namespace regex
}  // namespace turbotoken
