// Getting input text into native memory as UTF-8: a JS string (converted by V8, which turns lone
// surrogates into U+FFFD) or the bytes of a Uint8Array / Buffer (used in place, not copied).
#pragma once
#include <napi.h>

#include <cstdint>
#include <vector>

namespace turbotoken_binding {

struct TextInput {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool may_be_invalid = false;  // bytes from the caller are not known to be UTF-8
};

// Returns false (with a TypeError pending) when value is neither a string nor a Uint8Array.
// `storage` holds the converted string; it must outlive the use of the result.
bool read_text(Napi::Env env, napi_value value, const char* name, std::vector<uint8_t>& storage,
               TextInput* out);

}  // namespace turbotoken_binding
