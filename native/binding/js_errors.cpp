#include "js_errors.h"

#include "env_data.h"
#include "error_texts.h"
#include "out_of_memory.h"

namespace turbotoken_binding {

void set_error_class(Napi::Env env, Napi::Function ctor) {
  env_data(env).error_class = Napi::Persistent(ctor);
}

// Raw napi calls, each checked: while a worker terminates every call that could run JS fails,
// and node-addon-api's wrappers turn some such failures (napi_throw over a pending exception) into
// a fatal error. An exception already pending (a caller's getter threw) is the one JS sees.
void throw_error(Napi::Env env, const BindingError& e) {
  const ErrorKind kind = e.kind;
  const char* code = e.code;
  const std::string& message = e.message;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return;
  napi_value text, code_value, error = nullptr;
  if (napi_create_string_utf8(env, message.data(), message.size(), &text) != napi_ok ||
      napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok)
    return;
  EnvData& data = env_data(env);
  if (kind == ErrorKind::kTurbotoken && !data.error_class.IsEmpty()) {
    napi_value ctor, args[2] = {text, code_value};
    if (napi_get_reference_value(env, data.error_class, &ctor) != napi_ok || !ctor ||
        napi_new_instance(env, ctor, 2, args, &error) != napi_ok ||
        napi_set_named_property(env, error, "code", code_value) != napi_ok)
      return;  // the constructor's own exception, if it threw, is pending
  } else {
    napi_status st = kind == ErrorKind::kRangeError  ? napi_create_range_error(env, code_value, text, &error)
                     : kind == ErrorKind::kTypeError ? napi_create_type_error(env, code_value, text, &error)
                                                     : napi_create_error(env, code_value, text, &error);
    if (st != napi_ok) return;
  }
  napi_throw(env, error);  // fails only while the environment terminates: nothing to report to
}

bool throw_encode_error(Napi::Env env, const turbotoken::Encoding& core, turbotoken::Status st,
                        const turbotoken::SpecialMatch& offending) {
  using turbotoken::Status;
  if (st == Status::kOk) return false;
  if (st == Status::kDisallowedSpecial) {
    throw_error(env, errors::disallowed_special(core.specials()[offending.index].text));
  } else if (st == Status::kOutOfMemory) {
    throw_out_of_memory(env);
  } else if (st == Status::kByteNotInVocabulary) {  // only a caller's vocabulary lacks single bytes
    throw_error(env, errors::byte_not_in_vocabulary());
  } else {
    throw_error(env, errors::other_status(turbotoken::status_name(st)));
  }
  return true;
}

void throw_decode_error(Napi::Env env, turbotoken::Status st, const uint32_t* ids, size_t bad_index) {
  if (st == turbotoken::Status::kInvalidTokenId) {
    throw_error(env, errors::invalid_token_id(std::to_string(ids[bad_index]), std::to_string(bad_index)));
  } else {
    throw_out_of_memory(env);
  }
}

std::string fill_error_text(const char* text, const std::string_view* values, size_t count) {
  std::string out;
  size_t next = 0;
  for (const char* at = text; *at; at++) {
    if (*at == '{' && next < count) {
      while (*at && *at != '}') at++;  // the generator admits braces only around a name
      out += values[next++];
      if (!*at) break;
    } else {
      out += *at;
    }
  }
  return out;
}

void throw_create_error(Napi::Env env, turbotoken::Status st, const BindingError& invalid) {
  if (st == turbotoken::Status::kOutOfMemory) throw_out_of_memory(env);
  else throw_error(env, invalid);
}

Napi::Value thrown(Napi::Env env, const BindingError& error) {
  throw_error(env, error);
  return env.Undefined();
}

void throw_out_of_memory(Napi::Env env) {
  throw_error(env, errors::out_of_memory());
}

}  // namespace turbotoken_binding
