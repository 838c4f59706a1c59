// The addon's entry point: exports NativeEncoding and setErrorClass.
#include <napi.h>

#include <string>

#include "../core/bpe.h"
#include "js_errors.h"
#include "native_encoding.h"

namespace turbotoken_binding {
namespace {

Napi::Value set_error_class_js(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    throw_error(info.Env(), ErrorKind::kTypeError, "ERR_INVALID_ARG_TYPE", "expected a constructor");
    return info.Env().Undefined();
  }
  set_error_class(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// setMergeStrategy('auto' | 'direct' | 'heap'): process-wide, for tests (TURBOTOKEN_BPE).
Napi::Value set_merge_strategy_js(const Napi::CallbackInfo& info) {
  std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  turbotoken::MergeStrategy strategy;
  if (name == "auto") strategy = turbotoken::MergeStrategy::kByLength;
  else if (name == "direct") strategy = turbotoken::MergeStrategy::kDirect;
  else if (name == "heap") strategy = turbotoken::MergeStrategy::kHeap;
  else {
    throw_error(info.Env(), ErrorKind::kRangeError, "ERR_OUT_OF_RANGE",
                "The merge strategy must be 'auto', 'direct' or 'heap'");
    return info.Env().Undefined();
  }
  turbotoken::set_merge_strategy(strategy);
  return info.Env().Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("setMergeStrategy", Napi::Function::New(env, set_merge_strategy_js));
  exports.Set("NativeEncoding", NativeEncoding::define(env));
  exports.Set("setErrorClass", Napi::Function::New(env, set_error_class_js));
  exports.Set("backend", Napi::String::New(env, "native-scalar"));
  return exports;
}

}  // namespace
}  // namespace turbotoken_binding

static Napi::Object init_module(Napi::Env env, Napi::Object exports) {
  return turbotoken_binding::init(env, exports);
}

NODE_API_MODULE(turbotoken, init_module)
