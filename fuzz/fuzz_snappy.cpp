// libFuzzer target: the core's snappy decoder against the reference in snappy_check.h. A failed
// check prints what failed and traps, so libFuzzer saves the input.
#include <cstdio>

#include "snappy_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string failure = turbotoken_fuzz::check_snappy(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_snappy: %s\n", failure.c_str());
    __builtin_trap();
  }
  return 0;
}
