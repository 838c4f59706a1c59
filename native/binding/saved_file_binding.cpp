// What Encoding.load (src/saved-encoding.ts) asks of the addon: checkProgram(words), the core's
// check of a stored split pattern's program (native/core/regex/program_check.h), and
// largeBuffer(bytes), memory in 2 MB pages to read the file into. On this kind of host a 4 KB
// page touched for the first time costs microseconds: reading Gemma 3's 10.7 MB file into a
// Buffer and the first pass over it were a third of its cold load, and in 2 MB pages a few ms.
#include <cstring>
#include <vector>

#include "../core/large_array.h"
#include "../core/regex/program_check.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"

namespace turbotoken_binding {
namespace {

// checkProgram(words: Uint32Array): undefined for a program the core loads, else [fault, at]
// (program_check.h's ProgramFault and the index it names). The words are copied first: a shared
// buffer changed by another thread is checked as one set of words.
Napi::Value check_program_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw_error(env, errors::ids_type());
    return env.Undefined();
  }
  Napi::Uint32Array words = info[0].As<Napi::Uint32Array>();
  std::vector<uint32_t> copy(words.ElementLength());
  if (!copy.empty()) std::memcpy(copy.data(), words.Data(), copy.size() * sizeof(uint32_t));
  const turbotoken::regex::ProgramCheck check = turbotoken::regex::check_program(copy.data(), copy.size());
  if (check.fault == turbotoken::regex::ProgramFault::kNone) return env.Undefined();
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(uint32_t(0), Napi::Number::New(env, double(check.fault)));
  out.Set(uint32_t(1), Napi::Number::New(env, double(check.at)));
  return out;
}

void free_large_buffer(napi_env env, void* data, void* hint) {
  int64_t adjusted = 0;
  napi_adjust_external_memory(env, -int64_t(reinterpret_cast<uintptr_t>(hint)), &adjusted);
  turbotoken::free_large(data);
}

// largeBuffer(bytes: number): an ArrayBuffer of that many bytes (uninitialized) in 2 MB pages, or
// undefined where the runtime refuses outside memory (a V8 sandbox) or the memory is not there:
// the caller then reads into an ordinary Buffer.
Napi::Value large_buffer_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return env.Undefined();
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  // Small files gain nothing from 2 MB pages; the cap keeps size_t and the hint exact.
  if (!(bytes >= double(turbotoken::kLargeAllocation) && bytes <= double(uint32_t(0xffffffff)))) return env.Undefined();
  const size_t size = size_t(bytes);
  void* data = turbotoken::allocate_large(size);
  if (!data) return env.Undefined();
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, size, free_large_buffer, reinterpret_cast<void*>(uintptr_t(size)), &buffer) != napi_ok) {
    turbotoken::free_large(data);
    // A refusal leaves a pending exception on some runtimes: the fallback is the answer, not it.
    napi_value ignored;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ignored);
    return env.Undefined();
  }
  int64_t adjusted = 0;
  napi_adjust_external_memory(env, int64_t(size), &adjusted);
  return Napi::Value(env, buffer);
}

}  // namespace

void export_saved_file(Napi::Env env, Napi::Object exports) {
  exports.Set("checkProgram", Napi::Function::New(env, guarded_function<check_program_js>));
  exports.Set("largeBuffer", Napi::Function::New(env, guarded_function<large_buffer_js>));
}

}  // namespace turbotoken_binding
