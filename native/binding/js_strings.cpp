#include "js_strings.h"

#include "js_errors.h"

namespace turbotoken_binding {

namespace {

using turbotoken::Status;

Napi::Value too_long(Napi::Env env) {
  throw_error(env, ErrorKind::kRangeError, "ERR_STRING_TOO_LONG", "The decoded text is too long for a JS string");
  return Napi::Value();
}

}  // namespace

Status decode_text(const turbotoken::Encoding& core, const uint32_t* ids, size_t count, DecodedText* text,
                   size_t* bad_index) {
  size_t total;
  bool ascii;
  Status st = core.decoded_length(ids, count, &total, bad_index, &ascii);
  if (st != Status::kOk) return st;
  // malloc, not huge pages: a buffer freed right after the call is reused warm by the next one.
  if (ascii) {
    text->latin1.reset(static_cast<char*>(std::malloc(total + 1)));
    if (!text->latin1) return Status::kOutOfMemory;
    core.decode_into(ids, count, reinterpret_cast<uint8_t*>(text->latin1.get()), total);
    text->length = total;
    return Status::kOk;
  }
  text->utf16.reset(static_cast<char16_t*>(std::malloc((total + turbotoken::Encoding::kDecodeUtf16Slack) * sizeof(char16_t))));
  if (!text->utf16) return Status::kOutOfMemory;
  text->length = core.decode_utf16(ids, count, text->utf16.get());
  return Status::kOk;
}

Napi::Value to_js_string(Napi::Env env, DecodedText& text) {
  napi_value out;
  napi_status st = text.latin1 ? napi_create_string_latin1(env, text.latin1.get(), text.length, &out)
                               : napi_create_string_utf16(env, text.utf16.get(), text.length, &out);
  if (st != napi_ok) return too_long(env);
  return Napi::Value(env, out);
}

}  // namespace turbotoken_binding
