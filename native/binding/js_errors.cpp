#include "js_errors.h"

#include "env_data.h"
#include "out_of_memory.h"

namespace turbotoken_binding {

void set_error_class(Napi::Env env, Napi::Function ctor) {
  env_data(env).error_class = Napi::Persistent(ctor);
}

void throw_error(Napi::Env env, ErrorKind kind, const char* code, const std::string& message) {
  Napi::Object error;
  EnvData& data = env_data(env);
  if (kind == ErrorKind::kTurbotoken && !data.error_class.IsEmpty()) {
    error = data.error_class.New({Napi::String::New(env, message), Napi::String::New(env, code)});
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

bool throw_encode_error(Napi::Env env, const turbotoken::Encoding& core, turbotoken::Status st,
                        const turbotoken::SpecialMatch& offending) {
  using turbotoken::Status;
  if (st == Status::kOk) return false;
  if (st == Status::kDisallowedSpecial) {
    throw_error(env, ErrorKind::kTurbotoken, "ERR_DISALLOWED_SPECIAL_TOKEN",
                "The text contains a special token that is not allowed: " + core.specials()[offending.index].text +
                    " (pass it in allowedSpecial to encode it as a special token, or remove it from "
                    "disallowedSpecial to encode it as text)");
  } else if (st == Status::kOutOfMemory) {
    throw_out_of_memory(env);
  } else if (st == Status::kByteNotInVocabulary) {  // only a caller's vocabulary lacks single bytes
    throw_error(env, ErrorKind::kTurbotoken, "ERR_BYTE_NOT_IN_VOCABULARY",
                "The text needs a byte that is not a token of this vocabulary, and no merge covers it "
                "(the vocabulary lacks some single bytes; tiktoken fails here too)");
  } else {
    throw_error(env, ErrorKind::kRangeError, "ERR_OUT_OF_RANGE", turbotoken::status_name(st));
  }
  return true;
}

void throw_decode_error(Napi::Env env, turbotoken::Status st, const uint32_t* ids, size_t bad_index) {
  if (st == turbotoken::Status::kInvalidTokenId) {
    throw_error(env, ErrorKind::kRangeError, "ERR_INVALID_TOKEN_ID",
                "Token id " + std::to_string(ids[bad_index]) + " at index " + std::to_string(bad_index) +
                    " is not a token of this encoding");
  } else {
    throw_out_of_memory(env);
  }
}

void throw_out_of_memory(Napi::Env env) {
  throw_error(env, ErrorKind::kTurbotoken, "ERR_OUT_OF_MEMORY", "Out of memory");
}

}  // namespace turbotoken_binding
