// Getting input text into native memory as UTF-8: a JS string (converted by V8's UTF-8 writer, or
// for a long two-byte one by the core's transcoder; both turn lone surrogates into U+FFFD) or the
// bytes of a Uint8Array / Buffer (used in place, not copied).
#pragma once
#include <napi.h>

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "../core/large_array.h"
#include "spare_buffer.h"

namespace turbotoken_binding {

// Large buffers come from the core's allocate_large (2 MB pages where the kernel offers them).
using turbotoken::allocate_large;
using turbotoken::free_large;
constexpr size_t kLargeBuffer = turbotoken::kLargeAllocation;

// std::allocator, except that resize() leaves new bytes uninitialized (a buffer sized for the
// worst case of a 100 MB string, 3 bytes per UTF-16 unit, would otherwise be zero-filled, and
// its pages touched, on the JS thread before any work starts) and large buffers use huge pages.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  T* allocate(size_t n) {
    if (n * sizeof(T) < kLargeBuffer) return std::allocator<T>::allocate(n);
    void* p = allocate_large(n * sizeof(T));
    // Out of memory (malloc failed too): fails as any allocation here does; operator new, which
    // calls malloc, does not come back with memory that deallocate() would then free().
    if (!p) return std::allocator<T>::allocate(n);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kLargeBuffer) return std::allocator<T>::deallocate(p, n);
    free_large(p);
  }
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using ByteBuffer = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

struct TextInput {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool may_be_invalid = false;  // bytes from the caller are not known to be UTF-8
};

// The data and element count of a typed array of the wanted type; false for anything else.
// *shared, when asked for, says whether its memory is a SharedArrayBuffer's, which another thread
// may change during the call: a caller that reads it more than once copies it first.
bool typed_array_data(napi_env env, napi_value value, napi_typedarray_type want, void** data,
                      size_t* length, bool* shared = nullptr);

bool is_null_or_undefined(napi_env env, napi_value value);

// Returns false (with a TypeError pending) when value is neither a string nor a Uint8Array.
// `storage` holds the converted string, or a copy of bytes in shared memory (the core checks
// UTF-8 once and then relies on it); it must outlive the use of the result.
bool read_text(Napi::Env env, napi_value value, const char* name, ByteBuffer& storage,
               TextInput* out);

// The same; the name of the argument in the error is list[index], built only then (encodeBatch
// reads up to millions of elements).
bool read_text(Napi::Env env, napi_value value, const char* list, uint32_t index, ByteBuffer& storage,
               TextInput* out);

// Strings under this many UTF-16 units go through V8's UTF-8 writer (read_text converts longer
// two-byte ones itself).
constexpr size_t kShortStringUnits = size_t(1) << 14;

// Whether value is a string of under kShortStringUnits units, and its length in units.
bool short_string_units(napi_env env, napi_value value, size_t* units);

// V8's UTF-8 of the string value into out (capacity: 3 bytes per unit + 1 for napi's
// terminator); false if napi fails.
bool write_utf8(napi_env env, napi_value value, uint8_t* out, size_t capacity, size_t* written);

// A long string for a job on another thread: its UTF-16 units, copied on the JS thread to the
// back of `buffer` (at byte utf16_at, which is at least `units`), where utf16_to_utf8 can turn them
// into UTF-8 at the front of the same buffer, in place, on the worker (convert_long_string).
struct LongString {
  LargeBuffer buffer;
  size_t utf16_at = 0;
  size_t units = 0;
};

// When value is a string of at least kLongStringUnits UTF-16 units, copies it into *out, in the
// spare buffer when that fits (spare_buffer.h; a spare freed by this call goes to *discard), and
// returns true; otherwise returns false and leaves *out alone. Throws std::bad_alloc when the
// memory cannot be had.
constexpr size_t kLongStringUnits = size_t(1) << 16;
bool read_long_string(napi_env env, napi_value value, LongString* out, LargeBuffer* discard);

// The UTF-8 of a LongString, written over it in place (any thread); returns its byte count, at
// the buffer's start.
size_t convert_long_string(LongString& s);

}  // namespace turbotoken_binding
