// NativeEncoding#isCanonical (native_encoding.h): core Encoding::is_canonical, for
// src/inference.ts.
#include <vector>

#include "error_texts.h"
#include "js_errors.h"
#include "native_encoding.h"
#include "text_input.h"

namespace turbotoken_binding {

// (ids: Uint32Array) -> boolean
Napi::Value NativeEncoding::is_canonical(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* p;
  size_t n;
  bool shared = false;
  if (!typed_array_data(env, info[0], napi_uint32_array, &p, &n, &shared)) return thrown(env, errors::ids_type());
  const uint32_t* ids = static_cast<const uint32_t*>(p);
  // The core reads the ids twice (to decode, to compare): shared memory is read once, here.
  std::vector<uint32_t> own;
  if (shared) {
    own.assign(ids, ids + n);
    ids = own.data();
  }
  bool canonical = false;
  size_t bad = 0;
  const turbotoken::Status st = core_->is_canonical(ids, n, &canonical, &bad);
  if (st != turbotoken::Status::kOk) {
    throw_decode_error(env, st, ids, bad);
    return env.Undefined();
  }
  return Napi::Boolean::New(env, canonical);
}

}  // namespace turbotoken_binding
