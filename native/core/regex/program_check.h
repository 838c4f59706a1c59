// The checks a Pike VM program (pike_vm.h) passes before it runs: Program::load runs them, and a
// saved encoding's stored programs (src/saved-programs.ts) are checked here once at load, so that
// the one list of rules is the core's.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {
namespace regex {

// Why words are not a program; `at` in ProgramCheck names the range or instruction. The values
// cross to JavaScript (src/program-enums.ts is generated from this list).
enum class ProgramFault : uint32_t {
  kNone = 0,
  kShort = 1,           // fewer than the two counts
  kOutOfBounds = 2,     // an instruction or range count of zero or over kMaxInstructions / kMaxRanges
  kLength = 3,          // a word count other than the counts say
  kRange = 4,           // range `at` is not lo <= hi <= U+10FFFF
  kOpcode = 5,          // instruction `at` has an opcode past kPrevNotIn
  kJumpOutside = 6,     // instruction `at` (Split, Jump) targets past the last instruction
  kRangesPastEnd = 7,   // instruction `at` names ranges past the last
  kRangesUnsorted = 8,  // instruction `at`'s ranges are not ascending and disjoint
  kLastSteps = 9,       // the last instruction would step past the end (a class or an assertion)
};

struct ProgramCheck {
  ProgramFault fault;
  uint32_t at;
};

// Reads each word at most a bounded number of times and never past words[count - 1].
ProgramCheck check_program(const uint32_t* words, size_t count);

}  // namespace regex
}  // namespace turbotoken
