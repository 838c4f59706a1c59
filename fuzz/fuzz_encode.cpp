// libFuzzer target: random bytes (see input_format.h) through every check in checks.h, on every
// shipped encoding. A failed check prints what failed and traps, so libFuzzer saves the input.
#include <cstdio>
#include <cstdlib>

#include "checks.h"
#include "input_format.h"
#include "manifest.h"

namespace {

std::vector<turbotoken_fuzz::LoadedEncoding>* g_encodings;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_encodings = turbotoken_fuzz::load_all_encodings_or_exit("fuzz_encode");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  turbotoken_fuzz::FuzzCase c = turbotoken_fuzz::parse_fuzz_input(data, size, *g_encodings);
  const auto& loaded = (*g_encodings)[c.encoding_index];
  turbotoken_fuzz::Outcome baseline;
  std::string failure = turbotoken_fuzz::check_all(*loaded.encoding, reinterpret_cast<const uint8_t*>(c.text.data()),
                                                   c.text.size(), c.mode, &baseline);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_encode: %s, mode %d: %s\n", loaded.name.c_str(), int(c.mode), failure.c_str());
    __builtin_trap();
  }
  return 0;
}
