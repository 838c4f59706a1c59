// What the addon keeps per JS environment (the main thread and each worker thread): the functions
// that the JS side registers at load time, and the buffer that large decodes reuse.
#pragma once
#include <napi.h>

namespace turbotoken_binding {

struct EnvData {
  Napi::FunctionReference error_class;     // setErrorClass()
  Napi::FunctionReference two_byte_probe;  // setTwoByteProbe()
  Napi::FunctionReference buffer_text;     // setBufferText()
  Napi::Reference<Napi::ArrayBuffer> large_text;  // js_strings.cpp
};

// This environment's data, made on first use and freed with the environment.
EnvData& env_data(Napi::Env env);

}  // namespace turbotoken_binding
