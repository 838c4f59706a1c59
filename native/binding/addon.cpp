// The addon's entry point: exports NativeEncoding and setErrorClass.
#include <napi.h>

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

Napi::Object init(Napi::Env env, Napi::Object exports) {
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
