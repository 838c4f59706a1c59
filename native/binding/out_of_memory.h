// Running out of memory as a status or a JS error, never the end of the process. The addon is
// built with C++ exceptions for this alone: a std::vector (in the core or here) that cannot grow
// throws std::bad_alloc (or std::length_error, asked for more than it can ever hold), and without
// a handler that calls std::terminate. Each entry point from JS and each thread body runs inside
// one of these; the WebAssembly build has no exceptions and traps instead (src/wasm.ts then
// starts a fresh instance).
#pragma once
#include <napi.h>

#include <new>
#include <stdexcept>

#include "../core/status.h"

namespace turbotoken_binding {

// Throws TurbotokenError ERR_OUT_OF_MEMORY; the caller then returns an empty value.
void throw_out_of_memory(Napi::Env env);

// fn() (a Status), or kOutOfMemory when it ran out of memory. For code on any thread.
template <typename Fn>
turbotoken::Status status_unless_out_of_memory(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return turbotoken::Status::kOutOfMemory;
  } catch (const std::length_error&) {
    return turbotoken::Status::kOutOfMemory;
  }
}

// fn() (a JS value), or an empty value with ERR_OUT_OF_MEMORY pending. For the JS thread.
template <typename Fn>
Napi::Value value_unless_out_of_memory(Napi::Env env, Fn&& fn) noexcept {
  Napi::Value result;
  const turbotoken::Status st = status_unless_out_of_memory([&] {
    result = fn();
    return turbotoken::Status::kOk;
  });
  if (st == turbotoken::Status::kOk) return result;
  throw_out_of_memory(env);
  return Napi::Value();
}

// A module function as registered with JS, inside value_unless_out_of_memory.
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value guarded_function(const Napi::CallbackInfo& info) {
  return value_unless_out_of_memory(info.Env(), [&] { return Fn(info); });
}

}  // namespace turbotoken_binding
