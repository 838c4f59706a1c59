#include "text_input.h"

#include <string>

#include "../core/kernels.h"
#include "../core/text/utf8.h"
#include "env_data.h"
#include "error_texts.h"
#include "js_errors.h"

namespace turbotoken_binding {

namespace {

// From here a string that the JS side's probe shows to be two-byte is converted in place: the
// probe's call (a few hundred ns) is then under 1% of the work.
constexpr size_t kInPlaceUnits = kShortStringUnits;

// A string of `units` UTF-16 units as UTF-8 in storage, converted in place: V8 copies its units to
// the back of the buffer and the core's transcoder writes the bytes from the front, never
// overtaking a unit it has not read (utf8.h). Sets the byte count; false if napi fails.
bool convert_in_place(napi_env env, napi_value value, size_t units, ByteBuffer& storage, size_t* bytes) {
  // Even, for char16_t's alignment, and at least `units` bytes past the start, which utf8.h asks
  // of an in-place conversion; +2 for napi's terminator.
  const size_t first = units + (units & 1);
  storage.resize(first + 2 * units + 2);
  char16_t* tail = reinterpret_cast<char16_t*>(storage.data() + first);
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, value, tail, units + 1, &copied) != napi_ok) return false;
  *bytes = turbotoken::utf16_to_utf8(tail, copied, storage.data());
  return true;
}

// Whether the probe registered by setTwoByteProbe() found a unit above U+00FF in its sample of
// the string, which proves that V8 holds it as two-byte. A one-byte string V8 writes as UTF-8 at
// memory speed, faster than a copy of its UTF-16 and a transcode; a two-byte one at 0.7-1.3 GB/s
// here, which convert_in_place beats by 2-3x. A string whose sample misses keeps V8's writer.
bool sampled_two_byte(napi_env env, napi_value value) {
  Napi::FunctionReference& probe = env_data(env).two_byte_probe;
  if (probe.IsEmpty()) return false;
  napi_value undefined, result;
  bool yes = false, pending = false;
  // Not with an exception pending (none is, today): clearing below would swallow someone else's.
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return false;
  if (napi_get_undefined(env, &undefined) != napi_ok) return false;
  if (napi_call_function(env, undefined, probe.Value(), 1, &value, &result) != napi_ok) {
    // Only a patched String.prototype.charCodeAt or a stack overflow makes the probe throw; the
    // string then goes through V8's writer, which is exact too.
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return false;
  }
  return napi_get_value_bool(env, result, &yes) == napi_ok && yes;
}

// Whether the active kernel transcodes UTF-16 with SIMD: the scalar transcoder is no faster than
// V8's writer.
bool fast_transcoder() { return turbotoken::kernel_utf16_to_utf8() != turbotoken::utf16_to_utf8_scalar; }

// False, with nothing pending, when value is not a string.
bool read_string(napi_env env, napi_value value, ByteBuffer& storage, TextInput* out) {
  size_t units = 0;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &units) != napi_ok) return false;
  size_t written = 0;
  if (units >= kInPlaceUnits && fast_transcoder() && sampled_two_byte(env, value)) {
    if (!convert_in_place(env, value, units, storage, &written)) return false;
  } else {
    // A UTF-16 code unit never needs more than 3 UTF-8 bytes; +1 for the terminator napi writes.
    storage.resize(units * 3 + 1);
    if (napi_get_value_string_utf8(env, value, reinterpret_cast<char*>(storage.data()),
                                   storage.size(), &written) != napi_ok)
      return false;
  }
  out->data = storage.data();
  out->size = written;
  out->may_be_invalid = false;
  return true;
}

bool read_bytes(napi_env env, napi_value value, ByteBuffer& storage, TextInput* out) {
  void* data;
  size_t length;
  bool shared = false;
  if (!typed_array_data(env, value, napi_uint8_array, &data, &length, &shared)) return false;
  static const uint8_t kEmpty = 0;
  if (shared && length) {
    const uint8_t* bytes = static_cast<const uint8_t*>(data);
    storage.assign(bytes, bytes + length);
    data = storage.data();
  } else {
    storage.clear();  // this call used none of it: the binding may free a large one (trim_scratch)
  }
  out->data = length ? static_cast<const uint8_t*>(data) : &kEmpty;
  out->size = length;
  out->may_be_invalid = true;
  return true;
}

}  // namespace


bool typed_array_data(napi_env env, napi_value value, napi_typedarray_type want, void** data,
                      size_t* length, bool* shared) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok || type != want)
    return false;
  if (shared) {
    // V8 tells an ArrayBuffer from a SharedArrayBuffer; napi has no test for the latter.
    bool plain = false;
    if (napi_is_arraybuffer(env, buffer, &plain) != napi_ok) return false;
    *shared = !plain;
  }
  return true;
}

bool is_null_or_undefined(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && (type == napi_null || type == napi_undefined);
}

bool read_long_string(napi_env env, napi_value value, LongString* out, LargeBuffer* discard) {
  napi_valuetype type;
  size_t units = 0;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) return false;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &units) != napi_ok || units < kLongStringUnits) return false;
  // The layout of convert_in_place: UTF-16 from an even offset of at least `units` bytes, +2 for
  // napi's terminator.
  const size_t at = units + (units & 1);
  LargeBuffer buffer = SpareBuffer::take(at + 2 * units + 2, discard);
  if (!buffer.data()) throw std::bad_alloc();
  size_t copied = 0;
  char16_t* tail = reinterpret_cast<char16_t*>(static_cast<uint8_t*>(buffer.data()) + at);
  if (napi_get_value_string_utf16(env, value, tail, units + 1, &copied) != napi_ok) {
    SpareBuffer::give(std::move(buffer));
    return false;
  }
  out->buffer = std::move(buffer);
  out->utf16_at = at;
  out->units = copied;
  return true;
}

size_t convert_long_string(LongString& s) {
  uint8_t* front = static_cast<uint8_t*>(s.buffer.data());
  return turbotoken::utf16_to_utf8(reinterpret_cast<const char16_t*>(front + s.utf16_at), s.units, front);
}

bool read_text(Napi::Env env, napi_value value, const char* name, ByteBuffer& storage,
               TextInput* out) {
  if (read_string(env, value, storage, out)) return true;
  if (read_bytes(env, value, storage, out)) return true;
  throw_error(env, errors::text_type(name));
  return false;
}

bool read_text(Napi::Env env, napi_value value, const char* list, uint32_t index, ByteBuffer& storage,
               TextInput* out) {
  if (read_string(env, value, storage, out)) return true;
  if (read_bytes(env, value, storage, out)) return true;
  const std::string name = std::string(list) + "[" + std::to_string(index) + "]";
  throw_error(env, errors::text_type(name.c_str()));
  return false;
}

bool short_string_units(napi_env env, napi_value value, size_t* units) {
  return napi_get_value_string_utf16(env, value, nullptr, 0, units) == napi_ok && *units < kShortStringUnits;
}

bool write_utf8(napi_env env, napi_value value, uint8_t* out, size_t capacity, size_t* written) {
  return napi_get_value_string_utf8(env, value, reinterpret_cast<char*>(out), capacity, written) == napi_ok;
}

}  // namespace turbotoken_binding
