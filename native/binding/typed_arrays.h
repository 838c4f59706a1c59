// The binding's id and offset vectors handed to JS as Uint32Arrays.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace turbotoken_binding {

// A new Uint32Array holding a copy of `v`.
inline Napi::Uint32Array to_uint32_array(Napi::Env env, const std::vector<uint32_t>& v) {
  Napi::Uint32Array out = Napi::Uint32Array::New(env, v.size());
  if (!v.empty()) std::memcpy(out.Data(), v.data(), v.size() * sizeof(uint32_t));
  return out;
}

// The same for a thread's reused result vector, which is then freed if it grew past 4 MB rather
// than kept for the life of the thread.
inline Napi::Uint32Array scratch_to_uint32_array(Napi::Env env, std::vector<uint32_t>& v) {
  Napi::Uint32Array out = to_uint32_array(env, v);
  if (v.capacity() > (size_t(1) << 20)) std::vector<uint32_t>().swap(v);
  return out;
}

}  // namespace turbotoken_binding
