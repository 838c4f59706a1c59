// A linear-time matcher for split patterns that no hand-written scanner implements: a Pike VM
// (a list of threads in priority order, one step per code point) over a small program that
// src/pattern-program.ts compiles from the pattern. Leftmost-first semantics (the first
// alternative that matches wins, greedy before lazy), as the reference's regex engine has them.
// Character classes arrive as sorted code-point ranges computed on the JS side with the
// reference's Unicode, so nothing here knows Unicode properties.
//
// Cost: each search is O(text x program) time and O(program) memory, whatever the pattern.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace turbotoken {
namespace regex {

enum class Op : uint32_t {
  kMatch = 0,
  kClass = 1,         // a: first range, b: range count; consumes one code point in the set
  kSplit = 2,         // a: preferred target, b: the other
  kJump = 3,          // a: target
  kBegin = 4,         // at the start of the text
  kEnd = 5,           // at the end of the text
  kNextIn = 6,        // the next code point exists and is in the set (a, b)
  kNextNotIn = 7,     // no next code point, or it is not in the set
  kPrevIn = 8,        // the previous code point exists and is in the set
  kPrevNotIn = 9,     // no previous code point, or it is not in the set
};

// The most instructions and ranges a program may have (the JS side refuses larger patterns
// with a clearer message first).
constexpr uint32_t kMaxInstructions = 1u << 16;
constexpr uint32_t kMaxRanges = 1u << 20;

enum class ProgramStatus : uint8_t {
  kOk = 0,
  kMalformed,  // a truncated program, a bad opcode, a target or range index out of bounds,
               // ranges unsorted or past U+10FFFF, or a size over the limits above
};

struct Instruction {
  Op op;
  uint32_t a;
  uint32_t b;
  uint32_t ascii[4];  // kClass and the assertions: membership of code points 0-127
};

// A checked program. Layout of the words it is made from (little-endian u32):
//   [instruction count N] [range count R] N x [op, a, b] R x [lo, hi]
// Ranges of one set are ascending and disjoint.
class Program {
 public:
  ProgramStatus load(const uint32_t* words, size_t count);
  bool contains(const Instruction& in, uint32_t cp) const;
  const std::vector<Instruction>& code() const { return code_; }
  const std::vector<uint32_t>& ranges() const { return ranges_; }

 private:
  std::vector<Instruction> code_;
  std::vector<uint32_t> ranges_;  // lo, hi pairs
};

// The successive leftmost-first matches of the program in `text`, as the RegExp path finds them:
// each non-empty match appends its start and end (UTF-8 byte offsets); an empty match appends
// nothing and the search goes on one code point further. Ill-formed UTF-8 reads as U+FFFD a byte
// at a time. False when the text is longer than a u32 offset can say.
bool find_matches(const Program& program, const uint8_t* text, size_t size,
                  std::vector<uint32_t>& bounds);

class LazyDfa;

// As find_matches, with a DFA built for this program that the caller keeps across calls (null,
// unusable or full: the VM alone). Its states grow up to its cap; reset it when full().
bool find_matches_with(const Program& program, LazyDfa* dfa, const uint8_t* text, size_t size,
                       std::vector<uint32_t>& bounds);

}  // namespace regex
}  // namespace turbotoken
