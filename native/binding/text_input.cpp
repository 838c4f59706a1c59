#include "text_input.h"

#include <cstdlib>
#include <string>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "js_errors.h"

namespace turbotoken_binding {

namespace {

// False, with nothing pending, when value is not a string.
bool read_string(napi_env env, napi_value value, ByteBuffer& storage, TextInput* out) {
  size_t units = 0;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &units) != napi_ok) return false;
  // A UTF-16 code unit never needs more than 3 UTF-8 bytes; +1 for the terminator napi writes.
  storage.resize(units * 3 + 1);
  size_t written = 0;
  if (napi_get_value_string_utf8(env, value, reinterpret_cast<char*>(storage.data()),
                                 storage.size(), &written) != napi_ok)
    return false;
  out->data = storage.data();
  out->size = written;
  out->may_be_invalid = false;
  return true;
}

bool read_bytes(napi_env env, napi_value value, TextInput* out) {
  void* data;
  size_t length;
  if (!typed_array_data(env, value, napi_uint8_array, &data, &length)) return false;
  static const uint8_t kEmpty = 0;
  out->data = length ? static_cast<const uint8_t*>(data) : &kEmpty;
  out->size = length;
  out->may_be_invalid = true;
  return true;
}

}  // namespace

void* allocate_large(size_t bytes) {
  void* p = nullptr;
#ifdef __linux__
  constexpr size_t kHugePage = size_t(2) << 20;
  if (posix_memalign(&p, kHugePage, bytes) != 0) return std::malloc(bytes);  // freed alike
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages it still works
#else
  p = std::malloc(bytes);
#endif
  return p;
}

void free_large(void* p, size_t) { std::free(p); }

bool typed_array_data(napi_env env, napi_value value, napi_typedarray_type want, void** data,
                      size_t* length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok) return false;
  return type == want;
}

bool is_null_or_undefined(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && (type == napi_null || type == napi_undefined);
}

bool read_long_string_utf16(napi_env env, napi_value value,
                            std::vector<char16_t, UninitializedAllocator<char16_t>>& units) {
  napi_valuetype type;
  size_t length = 0;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) return false;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &length) != napi_ok || length < kLongStringUnits)
    return false;
  units.resize(length + 1);  // napi writes a terminator
  size_t copied = 0;
  if (napi_get_value_string_utf16(env, value, units.data(), units.size(), &copied) != napi_ok) return false;
  units.resize(copied);
  return true;
}

bool read_text(Napi::Env env, napi_value value, const char* name, ByteBuffer& storage,
               TextInput* out) {
  if (read_string(env, value, storage, out)) return true;
  if (read_bytes(env, value, out)) {
    storage.clear();  // this call used none of it: the binding may free a large one (trim_scratch)
    return true;
  }
  throw_error(env, ErrorKind::kTypeError, "ERR_INVALID_ARG_TYPE",
              std::string("The \"") + name + "\" argument must be a string or a Uint8Array");
  return false;
}

}  // namespace turbotoken_binding
