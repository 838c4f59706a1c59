// The WebAssembly entry of the core's snappy decoder (native/core/codec/snappy.h); the addon's is
// native/binding/snappy_binding.cpp. The caller copies the input into module memory and the
// output out of it (src/snappy.ts).
#include "../core/codec/snappy.h"
#include "wasm_api.h"

// Returns the SnappyFault (0: out[0, out_size) holds the decoded stream).
TT_EXPORT("tt_snappy_decompress")
int32_t tt_snappy_decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_size) {
  return int32_t(turbotoken::snappy_decompress(in, n, out, out_size));
}

// NUL-terminated sentence naming a fault.
TT_EXPORT("tt_snappy_fault_text")
const char* tt_snappy_fault_text(int32_t fault) {
  return turbotoken::snappy_fault_text(turbotoken::SnappyFault(uint8_t(fault)));
}
