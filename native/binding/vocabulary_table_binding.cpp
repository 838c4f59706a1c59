// NativeEncoding#vocabularyTable (native_encoding.h): core/vocab/vocabulary_table.h's table as
// typed arrays, for src/vocabulary-scan.ts and src/audit.ts.
#include <cstring>

#include "../core/vocab/vocabulary_table.h"
#include "js_errors.h"
#include "js_strings.h"
#include "native_encoding.h"

namespace turbotoken_binding {
namespace {

// A typed array holding a copy of v; empty with the error pending when memory cannot be had.
template <typename T>
Napi::Value copied(Napi::Env env, napi_typedarray_type type, const std::vector<T>& v) {
  void* memory;
  napi_value ab = unfilled_array_buffer(env, v.size() * sizeof(T), &memory);
  if (!ab) return Napi::Value();
  if (!v.empty()) std::memcpy(memory, v.data(), v.size() * sizeof(T));
  napi_value view = typed_view(env, type, v.size(), ab);
  return view ? Napi::Value(env, view) : Napi::Value();
}

}  // namespace

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
    const Napi::Value part = k == 0   ? copied(env, napi_uint32_array, table.ids)
                             : k == 1 ? copied(env, napi_uint32_array, table.starts)
                             : k == 2 ? copied(env, napi_uint8_array, table.bytes)
                                      : copied(env, napi_uint8_array, table.flags);
    if (part.IsEmpty()) return env.Undefined();  // an exception is pending
    out.Set(names[k], part);
  }
  out.Set("reachability", Napi::Boolean::New(env, reachable));
  return out;
}

}  // namespace turbotoken_binding
