// Turning core statuses and bad arguments into JS errors. Every error thrown from the addon has a
// `code`; domain errors use the TurbotokenError class that the JS side registers at load time.
#pragma once
#include <napi.h>

#include <string>

namespace turbotoken_binding {

enum class ErrorKind { kTypeError, kRangeError, kTurbotoken };

// Throws a pending JS exception; callers then return an empty value.
void throw_error(Napi::Env env, ErrorKind kind, const char* code, const std::string& message);

// The constructor registered by setErrorClass(); held in the addon's instance data.
void set_error_class(Napi::Env env, Napi::Function ctor);

}  // namespace turbotoken_binding
