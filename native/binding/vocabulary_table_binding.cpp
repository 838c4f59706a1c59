// NativeEncoding#vocabularyTable (native_encoding.h): core/vocab/vocabulary_table.h's table as
// typed arrays, for src/vocabulary-scan.ts and src/audit.ts.
#include "../core/vocab/vocabulary_table.h"
#include "js_errors.h"
#include "js_strings.h"
#include "native_encoding.h"
#include "typed_arrays.h"

namespace turbotoken_binding {

// (checkReachable: boolean) -> { ids: Uint32Array, starts: Uint32Array, bytes: Uint8Array,
//   flags: Uint8Array, reachability: boolean }
Napi::Value NativeEncoding::vocabulary_table(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool reachable = info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
  turbotoken::VocabularyTable table;
  const turbotoken::Status st = turbotoken::vocabulary_table(*core_, reachable, &table);
  if (throw_encode_error(env, *core_, st, turbotoken::SpecialMatch{})) return env.Undefined();
  Napi::Object out = Napi::Object::New(env);
  const char* names[] = {"ids", "starts", "bytes", "flags"};
  for (int k = 0; k < 4; k++) {
    const Napi::Value part = k == 0   ? to_uint32_array(env, table.ids)
                             : k == 1 ? to_uint32_array(env, table.starts)
                             : k == 2 ? copied_typed_array(env, napi_uint8_array, table.bytes.data(), table.bytes.size())
                                      : copied_typed_array(env, napi_uint8_array, table.flags.data(), table.flags.size());
    if (part.IsEmpty()) return env.Undefined();  // an exception is pending
    out.Set(names[k], part);
  }
  out.Set("reachability", Napi::Boolean::New(env, reachable));
  return out;
}

}  // namespace turbotoken_binding
