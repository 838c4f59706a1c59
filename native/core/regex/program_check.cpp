#include "regex/program_check.h"

#include "regex/closure.h"
#include "regex/pike_vm.h"

namespace turbotoken {
namespace regex {

ProgramCheck check_program(const uint32_t* words, size_t count) {
  if (count < 2) return {ProgramFault::kShort, 0};
  const uint32_t n = words[0];
  const uint32_t r = words[1];
  if (n == 0 || n > kMaxInstructions || r > kMaxRanges) return {ProgramFault::kOutOfBounds, 0};
  if (count != 2 + size_t(n) * 3 + size_t(r) * 2) return {ProgramFault::kLength, 0};
  const uint32_t* rw = words + 2 + size_t(n) * 3;
  for (uint32_t k = 0; k < r; k++) {
    if (rw[2 * k] > rw[2 * k + 1] || rw[2 * k + 1] > 0x10FFFF) return {ProgramFault::kRange, k};
  }
  for (uint32_t k = 0; k < n; k++) {
    const uint32_t* w = words + 2 + size_t(k) * 3;
    if (w[0] > uint32_t(Op::kPrevNotIn)) return {ProgramFault::kOpcode, k};
    const Op op = Op(w[0]);
    const uint32_t a = w[1], b = w[2];
    if ((op == Op::kSplit && (a >= n || b >= n)) || (op == Op::kJump && a >= n)) return {ProgramFault::kJumpOutside, k};
    if (has_set(op)) {
      if (a > r || b > r - a) return {ProgramFault::kRangesPastEnd, k};
      // Ascending and disjoint, so that Program::contains can search them.
      for (uint32_t j = 1; j < b; j++) {
        if (rw[2 * (a + j)] <= rw[2 * (a + j - 1) + 1]) return {ProgramFault::kRangesUnsorted, k};
      }
    }
    if (op != Op::kMatch && op != Op::kSplit && op != Op::kJump && k + 1 >= n) return {ProgramFault::kLastSteps, k};
  }
  return {ProgramFault::kNone, 0};
}

}  // namespace regex
}  // namespace turbotoken
