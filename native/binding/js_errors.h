// Turning core statuses and bad arguments into JS errors. Every error thrown from the addon has a
// `code`; domain errors use the TurbotokenError class that the JS side registers at load time.
#pragma once
#include <napi.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "../core/encoding.h"

namespace turbotoken_binding {

enum class ErrorKind { kTypeError, kRangeError, kTurbotoken };

// One error of the table in src/binding-errors.ts, as an ErrorEntry of error_texts.h makes it.
struct BindingError {
  ErrorKind kind;
  const char* code;
  std::string message;
};

// `text` with its {name} markers replaced, in order, by values[0, count).
std::string fill_error_text(const char* text, const std::string_view* values, size_t count);

// A row of the table in src/binding-errors.ts (error_texts.h holds them, generated from it). Called
// with one value per {name} of its text, in the text's order, it makes the error; the count is
// checked when the call compiles.
template <size_t N>
struct ErrorEntry {
  ErrorKind kind;
  const char* code;
  const char* text;

  template <typename... Values>
  BindingError operator()(const Values&... values) const {
    static_assert(sizeof...(Values) == N, "one value per {name} of the entry's text");
    const std::array<std::string_view, N> filled{std::string_view(values)...};
    return {kind, code, fill_error_text(text, filled.data(), N)};
  }
};

// Throws a pending JS exception; callers then return an empty value.
void throw_error(Napi::Env env, const BindingError& error);
// The same, returning undefined for a method to return: `return thrown(env, errors::...)`.
Napi::Value thrown(Napi::Env env, const BindingError& error);

// Throws the error of a constructor whose core object could not be made (`st` is not kOk):
// ERR_OUT_OF_MEMORY for kOutOfMemory, else `invalid`.
void throw_create_error(Napi::Env env, turbotoken::Status st, const BindingError& invalid);

// Throws the error of an encode or count that ended with `st`: the disallowed special token that
// `offending` names, a byte the vocabulary lacks, or another status as ERR_OUT_OF_RANGE. Returns
// whether it threw (false for kOk), so that a caller writes `if (throw_encode_error(...)) return`.
bool throw_encode_error(Napi::Env env, const turbotoken::Encoding& core, turbotoken::Status st,
                        const turbotoken::SpecialMatch& offending);

// Throws the error of a decode that ended with `st` (not kOk): the id at `bad_index` of `ids` is
// not a token, or memory ran out.
void throw_decode_error(Napi::Env env, turbotoken::Status st, const uint32_t* ids, size_t bad_index);

// The constructor registered by setErrorClass(); held in the environment's EnvData.
void set_error_class(Napi::Env env, Napi::Function ctor);

}  // namespace turbotoken_binding
