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

// When value is a string of at least kLongStringUnits UTF-16 units, copies its units into `units`
// and returns true; otherwise returns false and leaves `units` alone.
constexpr size_t kLongStringUnits = size_t(1) << 16;
bool read_long_string_utf16(napi_env env, napi_value value,
                            std::vector<char16_t, UninitializedAllocator<char16_t>>& units);

}  // namespace turbotoken_binding
