#include "pattern_matcher.h"

#include <cstring>
#include <vector>

#include "../core/regex/pike_vm.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"

namespace turbotoken_binding {
namespace {

// findMatches(program: Uint32Array, bytes: Uint8Array): Uint32Array of
// [start, end) byte offsets of the non-empty matches, in pairs. The program is copied before it is checked, so a shared buffer changed by another
// thread cannot pass the check and then be read differently; the text is read with every index
// checked against its length, so a changing text gives other pieces but stays in bounds.
Napi::Value find_matches_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw_error(env, errors::find_matches_usage());
    return env.Undefined();
  }
  Napi::Uint32Array words = info[0].As<Napi::Uint32Array>();
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  std::vector<uint32_t> copy(words.ElementLength());
  if (!copy.empty()) std::memcpy(copy.data(), words.Data(), copy.size() * sizeof(uint32_t));
  turbotoken::regex::Program program;
  if (program.load(copy.data(), copy.size()) != turbotoken::regex::ProgramStatus::kOk) {
    throw_error(env, errors::malformed_pattern());
    return env.Undefined();
  }
  std::vector<uint32_t> ends;
  if (!turbotoken::regex::find_matches(program, bytes.Data(), bytes.ElementLength(), ends)) {
    throw_error(env, errors::matcher_text_too_long());
    return env.Undefined();
  }
  Napi::Uint32Array out = Napi::Uint32Array::New(env, ends.size());
  if (!ends.empty()) std::memcpy(out.Data(), ends.data(), ends.size() * sizeof(uint32_t));
  return out;
}

}  // namespace

void export_pattern_matcher(Napi::Env env, Napi::Object exports) {
  exports.Set("findMatches", Napi::Function::New(env, guarded_function<find_matches_js>));
}

}  // namespace turbotoken_binding
