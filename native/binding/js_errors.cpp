#include "js_errors.h"

namespace turbotoken_binding {

namespace {

struct InstanceData {
  Napi::FunctionReference error_class;
};

InstanceData* instance(Napi::Env env) {
  InstanceData* data = env.GetInstanceData<InstanceData>();
  if (!data) {
    data = new InstanceData();
    env.SetInstanceData(data);
  }
  return data;
}

}  // namespace

void set_error_class(Napi::Env env, Napi::Function ctor) {
  instance(env)->error_class = Napi::Persistent(ctor);
}

void throw_error(Napi::Env env, ErrorKind kind, const char* code, const std::string& message) {
  Napi::Object error;
  InstanceData* data = instance(env);
  if (kind == ErrorKind::kTurbotoken && !data->error_class.IsEmpty()) {
    error = data->error_class.New({Napi::String::New(env, message), Napi::String::New(env, code)});
  } else if (kind == ErrorKind::kRangeError) {
    error = Napi::RangeError::New(env, message).Value();
  } else if (kind == ErrorKind::kTypeError) {
    error = Napi::TypeError::New(env, message).Value();
  } else {
    error = Napi::Error::New(env, message).Value();
  }
  error.Set("code", Napi::String::New(env, code));
  Napi::Error(env, error).ThrowAsJavaScriptException();
}

}  // namespace turbotoken_binding
