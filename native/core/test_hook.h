// A point between the check of an input and its use, for tests of input memory that another
// thread changes (a SharedArrayBuffer): where that race is too narrow to hit, a test build
// (scripts/asan-check.sh, -DTURBOTOKEN_TEST_HOOKS) installs a function here that rewrites the
// caller's memory at exactly this point. Callers that copied shared input once are unaffected;
// one that reads the caller's memory again sees the change. Without the define (every shipped
// build) the call is empty and compiles away.
#pragma once

namespace turbotoken {
namespace test_hook {

#ifdef TURBOTOKEN_TEST_HOOKS
extern void (*after_input_check)();
inline void input_checked() {
  if (after_input_check) after_input_check();
}
#else
inline void input_checked() {}
#endif

}  // namespace test_hook
}  // namespace turbotoken
