// Getting input text into native memory as UTF-8: a JS string (converted by V8, which turns lone
// surrogates into U+FFFD) or the bytes of a Uint8Array / Buffer (used in place, not copied).
#pragma once
#include <napi.h>

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace turbotoken_binding {

// std::allocator, except that resize() leaves new bytes uninitialized: a buffer sized for the
// worst case of a 100 MB string (3 bytes per UTF-16 unit) would otherwise be zero-filled, and
// its pages touched, on the JS thread before any work starts.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
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
bool typed_array_data(napi_env env, napi_value value, napi_typedarray_type want, void** data,
                      size_t* length);

// Returns false (with a TypeError pending) when value is neither a string nor a Uint8Array.
// `storage` holds the converted string; it must outlive the use of the result.
bool read_text(Napi::Env env, napi_value value, const char* name, ByteBuffer& storage,
               TextInput* out);

}  // namespace turbotoken_binding
