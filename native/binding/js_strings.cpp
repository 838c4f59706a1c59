#include "js_strings.h"

#include <new>

#include "js_errors.h"
#include "text_input.h"

// Node-API's external strings (Node >= 18.18 / 20.4, still marked experimental): looked up weakly
// so that the addon loads, and copies instead, on a Node without them.
#if defined(__linux__)
extern "C" {
napi_status node_api_create_external_string_latin1(napi_env, char*, size_t, napi_finalize, void*,
                                                   napi_value*, bool*) __attribute__((weak));
napi_status node_api_create_external_string_utf16(napi_env, char16_t*, size_t, napi_finalize, void*,
                                                  napi_value*, bool*) __attribute__((weak));
}
#define TURBOTOKEN_EXTERNAL_STRINGS 1
#endif

namespace turbotoken_binding {

namespace {

using turbotoken::Status;

// Below this many characters V8 copies an external string anyway; a plain copy is cheaper.
constexpr size_t kAdoptFrom = 4096;

void free_text(napi_env, void* data, void*) { std::free(data); }

// Large texts in huge pages (fewer page faults while the core writes them); freed with free().
void* allocate_text(size_t bytes) { return bytes >= kLargeBuffer ? allocate_large(bytes) : std::malloc(bytes); }

Napi::Value too_long(Napi::Env env) {
  throw_error(env, ErrorKind::kRangeError, "ERR_STRING_TOO_LONG", "The decoded text is too long for a JS string");
  return Napi::Value();
}

template <typename Unit>
napi_status adopt(napi_env env, std::unique_ptr<Unit[], FreeText>& owned, size_t length, napi_value* out) {
#ifdef TURBOTOKEN_EXTERNAL_STRINGS
  if (length >= kAdoptFrom) {
    bool copied = false;
    napi_status st = napi_generic_failure;
    if constexpr (sizeof(Unit) == 1) {
      if (node_api_create_external_string_latin1)
        st = node_api_create_external_string_latin1(env, owned.get(), length, free_text, nullptr, out, &copied);
    } else {
      if (node_api_create_external_string_utf16)
        st = node_api_create_external_string_utf16(env, owned.get(), length, free_text, nullptr, out, &copied);
    }
    // On success the finalizer owns the buffer either way: when Node copied the text instead (a
    // V8 sandbox build), it has already called the finalizer, which freed it.
    if (st == napi_ok) {
      owned.release();
      return st;
    }
  }
#endif
  if constexpr (sizeof(Unit) == 1) return napi_create_string_latin1(env, owned.get(), length, out);
  else return napi_create_string_utf16(env, owned.get(), length, out);
}

}  // namespace

Status decode_text(const turbotoken::Encoding& core, const uint32_t* ids, size_t count, DecodedText* text,
                   size_t* bad_index) {
  size_t total;
  bool ascii;
  Status st = core.decoded_length(ids, count, &total, bad_index, &ascii);
  if (st != Status::kOk) return st;
  if (ascii) {
    text->latin1.reset(static_cast<char*>(allocate_text(total + 1)));
    if (!text->latin1) return Status::kOutOfMemory;
    core.decode_into(ids, count, reinterpret_cast<uint8_t*>(text->latin1.get()), total);
    text->length = total;
    return Status::kOk;
  }
  text->utf16.reset(static_cast<char16_t*>(allocate_text((total + turbotoken::Encoding::kDecodeUtf16Slack) * sizeof(char16_t))));
  if (!text->utf16) return Status::kOutOfMemory;
  text->length = core.decode_utf16(ids, count, text->utf16.get());
  return Status::kOk;
}

Napi::Value to_js_string(Napi::Env env, DecodedText& text) {
  napi_value out;
  napi_status st = text.latin1 ? adopt(env, text.latin1, text.length, &out) : adopt(env, text.utf16, text.length, &out);
  if (st != napi_ok) return too_long(env);
  return Napi::Value(env, out);
}

}  // namespace turbotoken_binding
