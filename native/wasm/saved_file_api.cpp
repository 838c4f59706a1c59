// The WebAssembly entry of the core's check of a saved encoding's stored program
// (native/core/regex/program_check.h); the native addon's is native/binding/saved_file_binding.cpp.
#include "../core/regex/program_check.h"
#include "wasm_api.h"

// Returns the ProgramFault (0: the core loads the program); out.a is the index it names.
TT_EXPORT("tt_check_program")
int32_t tt_check_program(const uint32_t* words, size_t count) {
  const turbotoken::regex::ProgramCheck check = turbotoken::regex::check_program(words, count);
  tt_out()->a = check.at;
  return int32_t(check.fault);
}
