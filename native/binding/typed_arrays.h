// The binding's vectors handed to JS as typed arrays, and the typed-array argument checks.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "js_errors.h"
#include "js_strings.h"

namespace turbotoken_binding {

inline bool is_typed(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

// info[0] as a Uint32Array in *out, or false with `usage` thrown: the check a constructor taking
// one table makes (a constructor cannot return the thrown value as a method does).
inline bool uint32_array_argument(const Napi::CallbackInfo& info, const BindingError& usage, Napi::Uint32Array* out) {
  if (!is_typed(info[0], napi_uint32_array)) {
    throw_error(info.Env(), usage);
    return false;
  }
  *out = info[0].As<Napi::Uint32Array>();
  return true;
}

// A new typed array of `type` holding a copy of data[0, n). Its memory is not zero-filled first
// (unfilled_array_buffer), since the copy covers all of it. An empty value with the error pending
// (or nothing pending, while the environment terminates) when the memory cannot be had.
template <typename T>
Napi::Value copied_typed_array(Napi::Env env, napi_typedarray_type type, const T* data, size_t n) {
  void* memory;
  napi_value ab = unfilled_array_buffer(env, n * sizeof(T), &memory);
  if (!ab) return Napi::Value();
  if (n) std::memcpy(memory, data, n * sizeof(T));
  napi_value view = typed_view(env, type, n, ab);
  return view ? Napi::Value(env, view) : Napi::Value();
}

inline Napi::Value to_uint32_array(Napi::Env env, const std::vector<uint32_t>& v) {
  return copied_typed_array(env, napi_uint32_array, v.data(), v.size());
}

// The same for a thread's reused result vector, which is then freed if it grew past 4 MB rather
// than kept for the life of the thread.
inline Napi::Value scratch_to_uint32_array(Napi::Env env, std::vector<uint32_t>& v) {
  Napi::Value out = to_uint32_array(env, v);
  if (v.capacity() > (size_t(1) << 20)) std::vector<uint32_t>().swap(v);
  return out;
}

}  // namespace turbotoken_binding
