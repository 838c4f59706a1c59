// The WebAssembly entry point of core Encoding::is_canonical, for src/wasm.ts; the native addon's
// is native/binding/canonical_binding.cpp.
#include "../core/encoding.h"
#include "wasm_api.h"

// On success (0) out.a is 1 when ids are canonical, else 0; on kInvalidTokenId out.a is the
// index of the bad id.
TT_EXPORT("tt_is_canonical")
int32_t tt_is_canonical(const void* handle, const uint32_t* ids, size_t n) {
  bool canonical = false;
  size_t bad = 0;
  const turbotoken::Status st = tt_encoding_core(handle).is_canonical(ids, n, &canonical, &bad);
  tt_out()->a = st == turbotoken::Status::kOk ? uint32_t(canonical) : uint32_t(bad);
  return int32_t(st);
}
