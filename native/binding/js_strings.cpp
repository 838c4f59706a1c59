#include "js_strings.h"

#include <cstring>

#include "env_data.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"

namespace turbotoken_binding {

namespace {

using turbotoken::Status;

// V8's String::kMaxLength.
constexpr size_t kMaxStringUnits = sizeof(void*) == 4 ? (size_t(1) << 28) - 16 : (size_t(1) << 29) - 24;

// Buffer#toString('utf16le') reads little-endian units; the core writes the host's order.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr bool kHostIsLittleEndian = false;
#else
constexpr bool kHostIsLittleEndian = true;
#endif

Napi::Value too_long(Napi::Env env) {
  throw_error(env, errors::string_too_long());
  return Napi::Value();
}

// Text the core has decoded, given a total from decoded_length().
Status decode_sized(const turbotoken::Encoding& core, const uint32_t* ids, size_t count, size_t total, bool ascii,
                    DecodedText* text) {
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
  text->length = core.decode_utf16(ids, count, total, text->utf16.get());
  return Status::kOk;
}

Napi::Value copied_string(Napi::Env env, const void* data, size_t length, bool latin1) {
  napi_value out;
  napi_status st = latin1 ? napi_create_string_latin1(env, static_cast<const char*>(data), length, &out)
                          : napi_create_string_utf16(env, static_cast<const char16_t*>(data), length, &out);
  if (st != napi_ok) return too_long(env);
  return Napi::Value(env, out);
}

// Whether text of this length goes to JS through the environment's buffer and Buffer#toString.
bool use_large_text(const EnvData& d, size_t length, bool latin1) {
  return length >= kLargeTextUnits && (latin1 || kHostIsLittleEndian) && !d.buffer_text.IsEmpty();
}

// The environment's buffer for large text with room for `bytes`, or an empty value with a pending
// error. It is kept for the next large decode, which reuses its pages warm, unless that call needs
// more or under a quarter of it; any other call frees it (CallScratch, native_encoding.cpp).
// *data is its memory.
napi_value large_text_buffer(Napi::Env env, EnvData& d, size_t bytes, void** data) {
  if (!d.large_text.IsEmpty()) {
    napi_value kept = nullptr;
    size_t have = 0;
    // A detached buffer has no data and length 0.
    if (napi_get_reference_value(env, d.large_text, &kept) == napi_ok && kept &&
        napi_get_arraybuffer_info(env, kept, data, &have) == napi_ok && *data && bytes <= have && bytes >= have / 4)
      return kept;
    d.large_text.Reset();
  }
  napi_value ab = unfilled_array_buffer(env, bytes, data);
  if (ab) d.large_text = Napi::Persistent(Napi::ArrayBuffer(env, ab));
  return ab;
}

// The string of the first `length` characters (Latin-1) or units (UTF-16) in ab, whose memory is data.
Napi::Value buffer_string(Napi::Env env, EnvData& d, napi_value ab, const void* data, size_t length, bool latin1) {
  if (length > kMaxStringUnits) return too_long(env);
  if (length < kLargeTextUnits) return copied_string(env, data, length, latin1);
  napi_value view = typed_view(env, latin1 ? napi_uint8_array : napi_uint16_array, length, ab);
  napi_value fn, undefined, text = nullptr;
  if (!view || napi_get_reference_value(env, d.buffer_text, &fn) != napi_ok || !fn ||
      napi_get_undefined(env, &undefined) != napi_ok)
    return Napi::Value();
  // The call can fail with an exception pending (the function threw) or none (the environment
  // terminates): either way there is no string.
  if (napi_call_function(env, undefined, fn, 1, &view, &text) != napi_ok || !text) return Napi::Value();
  napi_valuetype type;
  if (napi_typeof(env, text, &type) != napi_ok || type != napi_string) {
    throw_error(env, errors::buffer_text_result());
    return Napi::Value();
  }
  return Napi::Value(env, text);
}

}  // namespace

Status decode_text(const turbotoken::Encoding& core, const uint32_t* ids, size_t count, DecodedText* text,
                   size_t* bad_index) {
  size_t total;
  bool ascii;
  Status st = core.decoded_length(ids, count, &total, bad_index, &ascii);
  if (st != Status::kOk) return st;
  return decode_sized(core, ids, count, total, ascii, text);
}

Napi::Value to_js_string(Napi::Env env, DecodedText& text, bool* kept) {
  const bool latin1 = bool(text.latin1);
  const void* data = latin1 ? static_cast<const void*>(text.latin1.get()) : text.utf16.get();
  EnvData& d = env_data(env);
  if (text.length > kMaxStringUnits) return too_long(env);
  if (!use_large_text(d, text.length, latin1)) return copied_string(env, data, text.length, latin1);
  // Decoded on a worker: one copy into the buffer still costs less than V8's string.
  const size_t bytes = text.length * (latin1 ? 1 : 2);
  void* memory;
  napi_value ab = large_text_buffer(env, d, bytes, &memory);
  if (!ab) return Napi::Value();
  *kept = true;
  std::memcpy(memory, data, bytes);
  return buffer_string(env, d, ab, memory, text.length, latin1);
}

Napi::Value decode_to_string(Napi::Env env, const turbotoken::Encoding& core, const uint32_t* ids, size_t count,
                             bool* kept) {
  size_t total, bad = 0;
  bool ascii;
  Status st = core.decoded_length(ids, count, &total, &bad, &ascii);
  if (st != Status::kOk) {
    throw_decode_error(env, st, ids, bad);
    return Napi::Value();
  }
  // At least one UTF-16 unit per 3 bytes (4 bytes make 2 units): a text that is surely too long
  // throws before anything is allocated.
  if ((ascii ? total : total / 3) > kMaxStringUnits) return too_long(env);
  EnvData& d = env_data(env);
  // The UTF-16 length is only known after decoding, so UTF-16 takes this path from 2^20 bytes,
  // and text that comes out under 2^20 units is then copied by V8 from the buffer.
  if (use_large_text(d, total, ascii)) {
    const size_t bytes = ascii ? total : (total + turbotoken::Encoding::kDecodeUtf16Slack) * 2;
    void* memory;
    napi_value ab = large_text_buffer(env, d, bytes, &memory);
    if (!ab) return Napi::Value();
    *kept = true;
    size_t length = total;
    if (ascii) core.decode_into(ids, count, static_cast<uint8_t*>(memory), total);
    else length = core.decode_utf16(ids, count, total, static_cast<char16_t*>(memory));
    return buffer_string(env, d, ab, memory, length, ascii);
  }
  DecodedText text;
  st = decode_sized(core, ids, count, total, ascii, &text);
  if (st != Status::kOk) {
    throw_decode_error(env, st, ids, 0);
    return Napi::Value();
  }
  return to_js_string(env, text, kept);  // under 2^20 units: V8's copy
}

void release_large_text(napi_env env) { env_data(Napi::Env(env)).large_text.Reset(); }

napi_value unfilled_array_buffer(napi_env env, size_t bytes, void** data) {
  // Node aborts the process when a Buffer's memory cannot be had (a CHECK in Buffer::New, and
  // V8's ArrayBuffer::New alike); malloc says so first, so that the call throws instead. Results
  // under 1 MiB skip the probe: they come from the heap, and their calls are the frequent ones.
  if (bytes >= (size_t(1) << 20)) {
    void* probe = std::malloc(bytes);
    if (!probe) {
      throw_out_of_memory(Napi::Env(env));
      return nullptr;
    }
    std::free(probe);
  }
  napi_value buffer, ab = nullptr;
  napi_typedarray_type type;
  size_t length, offset;
  *data = nullptr;
  // Under 4 KiB V8's zero-filled ArrayBuffer is the cheaper one: the fill costs less than the
  // Buffer object napi_create_buffer makes and the look-up of its ArrayBuffer.
  const bool small = bytes < (size_t(1) << 12);
  if (small || napi_create_buffer(env, bytes, data, &buffer) != napi_ok ||
      napi_get_typedarray_info(env, buffer, &type, &length, data, &ab, &offset) != napi_ok || offset != 0) {
    ab = nullptr;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) != napi_ok || pending ||
        napi_create_arraybuffer(env, bytes, data, &ab) != napi_ok)
      ab = nullptr;
  }
  if (ab && (*data || bytes == 0)) {
    static uint8_t empty;
    if (!*data) *data = &empty;  // a zero-length buffer may have no memory; nothing is written there
    return ab;
  }
  throw_out_of_memory(Napi::Env(env));  // no-op while an exception is pending or the environment terminates
  return nullptr;
}

napi_value typed_view(napi_env env, napi_typedarray_type type, size_t length, napi_value ab) {
  napi_value out = nullptr;
  if (!ab || napi_create_typedarray(env, type, length, ab, 0, &out) != napi_ok) return nullptr;
  return out;
}

}  // namespace turbotoken_binding
