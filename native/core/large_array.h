// Memory for large buffers in 2 MB pages where the kernel offers them. On 4 KB pages, a fresh
// mapping of tens of megabytes costs as much in page faults and TLB misses as the work done in
// it: the long-piece merge's window (bpe_long.cpp, a few bytes per input byte), a merges list's
// hash table (16 MB for Gemma 3), and a 100 MB string copied into fresh pages, which spent most of
// its 200-400 ms in page faults.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__) && !defined(__wasm__)
#include <sys/mman.h>
#endif

namespace turbotoken {

// From this size on, buffers come from allocate_large.
constexpr size_t kLargeAllocation = size_t(4) << 20;

// `bytes` of memory aligned to 2 MB pages and advised to use them; null when even malloc fails.
// Freed with free_large.
inline void* allocate_large(size_t bytes) {
#if defined(__linux__) && !defined(__wasm__)
  constexpr size_t kHugePage = size_t(2) << 20;
  void* p = nullptr;
  if (posix_memalign(&p, kHugePage, bytes) != 0) return std::malloc(bytes);  // freed alike
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages the memory works as well
  return p;
#else
  return std::malloc(bytes);
#endif
}
inline void free_large(void* p) { std::free(p); }

// Advises 2 MB pages for the whole 2 MB pages inside [p, p + bytes) of a block that came from
// elsewhere (a reserved std::vector): each first touch of a 4 KB page is a fault, and a 10 MB
// encode's ids were thousands of them on every call (their memory goes to JS with the result).
inline void advise_huge_pages(void* p, size_t bytes) {
#if defined(__linux__) && !defined(__wasm__)
  constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
  const uintptr_t from = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // advice only
#else
  (void)p;
  (void)bytes;
#endif
}

// An uninitialized array, from allocate_large when it is large.
template <typename T>
class LargeArray {
 public:
  explicit LargeArray(size_t n) : data_(allocate(n * sizeof(T), &large_)) {}
  ~LargeArray() {
    if (large_) free_large(data_);
    else ::operator delete(data_);
  }
  LargeArray(const LargeArray&) = delete;
  LargeArray& operator=(const LargeArray&) = delete;
  T* data() const { return data_; }

 private:
  // Out of memory fails as new[] did (std::bad_alloc, which the binding turns into
  // ERR_OUT_OF_MEMORY).
  static T* allocate(size_t bytes, bool* large) {
    if (bytes >= kLargeAllocation) {
      if (void* p = allocate_large(bytes)) {
        *large = true;
        return static_cast<T*>(p);
      }
    }
    *large = false;
    return static_cast<T*>(::operator new(bytes ? bytes : 1));
  }
  bool large_ = false;
  T* data_;
};

}  // namespace turbotoken
