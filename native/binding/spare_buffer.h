// One process-wide spare buffer for the async calls' copies of long strings. The JS thread must
// copy a string before a worker may read it, and on fresh memory that copy is mostly page faults:
// 100 MB of UTF-16 into new pages cost 0.2-0.9 s of CPU here, into pages already faulted in
// 12-15 ms. So the buffer of a finished job is kept (by its worker, which also frees what is not
// kept) and the next long string is copied into it.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "../core/large_array.h"

namespace turbotoken_binding {

// Owned memory from allocate_large (malloc under its threshold); data is null when it has none.
class LargeBuffer {
 public:
  LargeBuffer() = default;
  explicit LargeBuffer(size_t bytes)
      : data_(bytes >= turbotoken::kLargeAllocation ? turbotoken::allocate_large(bytes) : std::malloc(bytes)),
        bytes_(data_ ? bytes : 0) {}
  LargeBuffer(LargeBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  LargeBuffer& operator=(LargeBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~LargeBuffer() { reset(); }
  void reset() {
    if (data_) turbotoken::free_large(data_);  // free() either way (large_array.h)
    data_ = nullptr;
    bytes_ = 0;
  }
  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

class SpareBuffer {
 public:
  // A buffer of at least `bytes` (none when memory is short): the spare if it fits and is at most
  // 4x too large, otherwise a fresh one. A spare over 4x `bytes` moves to *discard, for the caller
  // to free off the JS thread: a call that needs under a quarter of it lets it go, as with the
  // synchronous calls' buffers, so that one 100 MB call does not pin 300 MB for good. bytes 0
  // (a call that copies nothing large) only does that.
  static LargeBuffer take(size_t bytes, LargeBuffer* discard) {
    {
      std::lock_guard<std::mutex> lock(mutex());
      LargeBuffer& s = spare();
      if (s.data() && bytes && s.bytes() >= bytes && s.bytes() / 4 <= bytes) return std::move(s);
      if (s.data() && s.bytes() / 4 > bytes) *discard = std::move(s);
    }
    return bytes ? LargeBuffer(bytes) : LargeBuffer();
  }

  // Keeps b as the spare if it is larger than the spare; the other is freed here (on a worker),
  // after the lock is released.
  static void give(LargeBuffer b) {
    if (!b.data()) return;
    LargeBuffer smaller;
    {
      std::lock_guard<std::mutex> lock(mutex());
      LargeBuffer& s = spare();
      if (s.bytes() < b.bytes()) std::swap(s, b);
      smaller = std::move(b);
    }
  }

 private:
  static std::mutex& mutex() {
    static std::mutex* m = new std::mutex;  // never destroyed: a worker may give while the process exits
    return *m;
  }
  static LargeBuffer& spare() {
    static LargeBuffer* s = new LargeBuffer;
    return *s;
  }
};

}  // namespace turbotoken_binding
