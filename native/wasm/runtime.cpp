// The allocator and abort hooks of the WebAssembly build. Without exceptions, a failed allocation
// cannot be reported through the core's callers, so it traps; the flag set just before lets the
// JS side report ERR_OUT_OF_MEMORY and replace the instance, whose heap state a trap leaves
// unknown. Overriding libc++'s verbose abort keeps stdio, and so every WASI import, out of the
// module. Also the C++ runtime hooks that wasi-libc lacks.
#include <__verbose_abort>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "wasm_api.h"

namespace {

size_t g_limit = 0;  // 0: no cap below the engine's own
bool g_out_of_memory = false;

uint64_t linear_memory_bytes() { return uint64_t(__builtin_wasm_memory_size(0)) * 65536u; }

void* allocate(size_t size) {
  if (g_limit && size > g_limit) return nullptr;
  void* p = std::malloc(size ? size : 1);
  // malloc grows memory as it needs; a growth past the cap counts as a failure.
  if (p && g_limit && linear_memory_bytes() > g_limit) {
    std::free(p);
    return nullptr;
  }
  return p;
}

[[noreturn]] void out_of_memory() {
  g_out_of_memory = true;
  __builtin_trap();
}

void* allocate_or_trap(size_t size) {
  void* p = allocate(size);
  if (!p) out_of_memory();
  return p;
}

}  // namespace

void* tt_alloc(size_t size) { return allocate(size); }
void tt_free(void* p) { std::free(p); }
void tt_set_memory_limit(size_t bytes) { g_limit = bytes; }
uint32_t tt_out_of_memory() { return g_out_of_memory ? 1 : 0; }

void* operator new(size_t size) { return allocate_or_trap(size); }
void* operator new[](size_t size) { return allocate_or_trap(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

// wasi-libc built without threads lacks this hook for thread_local destructors. A reactor's one
// thread never exits, so those destructors would never run anyway: registering is a no-op.
extern "C" int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }

_LIBCPP_BEGIN_NAMESPACE_STD
void __libcpp_verbose_abort(const char*, ...) { __builtin_trap(); }
_LIBCPP_END_NAMESPACE_STD
