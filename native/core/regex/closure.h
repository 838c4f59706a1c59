// The epsilon closure both matchers share (pike_vm.cpp's add(), lazy_dfa.cpp's step()): from one
// instruction, follow jumps, splits and assertions depth first in priority order, each instruction
// once per stamp, and hand every class and match reached to `reach`. One copy, so that the VM and
// the DFA cannot disagree on priority order, which is what leftmost-first results depend on.
#pragma once
#include <cstdint>
#include <vector>

#include "regex/pike_vm.h"

namespace turbotoken {
namespace regex {

inline bool has_set(Op op) {
  return op == Op::kClass || op == Op::kNextIn || op == Op::kNextNotIn || op == Op::kPrevIn ||
         op == Op::kPrevNotIn;
}

// `passes(in, at)` decides an assertion (kBegin, kEnd, kNextIn, kNextNotIn, kPrevIn, kPrevNotIn);
// `reach(at)` receives each kMatch and kClass instruction reached.
template <class Passes, class Reach>
inline void follow_closure(const std::vector<Instruction>& code, uint32_t pc, std::vector<uint32_t>& mark,
                           uint32_t stamp, std::vector<uint32_t>& stack, Passes&& passes, Reach&& reach) {
  stack.clear();
  stack.push_back(pc);
  while (!stack.empty()) {
    uint32_t at = stack.back();
    stack.pop_back();
    for (;;) {
      if (mark[at] == stamp) break;
      mark[at] = stamp;
      const Instruction& in = code[at];
      if (in.op == Op::kMatch || in.op == Op::kClass) {
        reach(at);
        break;
      }
      if (in.op == Op::kJump) {
        at = in.a;
        continue;
      }
      if (in.op == Op::kSplit) {
        stack.push_back(in.b);
        at = in.a;
        continue;
      }
      if (!passes(in, at)) break;
      at++;
    }
  }
}

}  // namespace regex
}  // namespace turbotoken
