// Growable u32 output for the Splitter's steps and the lazy DFA's scan.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace turbotoken {
namespace regex {

// The words a step writes: no resize per piece, with its zero-fill and out-of-line call, and no
// push_back, whose end pointer goes through memory. Over the caller's vector (`pieces`: its
// size from the call before is room already, so only growth past it is zero-filled; finish()
// cuts it to what was written), or over a buffer of its own, never zero-filled.
class Words {
 public:
  explicit Words(std::vector<uint32_t>* store) : v_(store) {
    if (v_) data_ = v_->data(), cap_ = v_->size();
  }
  size_t size() const { return size_; }
  uint32_t* data() { return data_; }
  const uint32_t* data() const { return data_; }
  uint32_t& operator[](size_t k) { return data_[k]; }
  uint32_t operator[](size_t k) const { return data_[k]; }
  uint32_t& back() { return data_[size_ - 1]; }
  void clear() { size_ = 0; }
  // At least `more` writable words past the end; set_end() says where the writing stopped.
  uint32_t* room(size_t more) {
    if (cap_ - size_ < more) grow(more);
    return data_ + size_;
  }
  void set_end(const uint32_t* end) { size_ = size_t(end - data_); }
  void shrink(size_t n) { size_ = n; }
  void push_back(uint32_t v) { *room(1) = v, size_++; }
  // scan()'s output: a run of its start/end pairs, and one pair.
  void append(const uint32_t* w, size_t n) {
    uint32_t* to = room(n);
    // Most runs are a few pairs: a loop, not a library call.
    for (size_t k = 0; k < n; k++) to[k] = w[k];
    size_ += n;
  }
  void push_pair(uint32_t a, uint32_t b) {
    uint32_t* to = room(2);
    to[0] = a, to[1] = b;
    size_ += 2;
  }
  void reserve(size_t n) {
    if (n > cap_) grow(n - size_);
  }
  void finish() {
    if (v_) v_->resize(size_);
  }

 private:
  void grow(size_t more) {
    size_t cap = std::max(std::max(cap_ * 2, size_ + more), size_t(64));
    if (v_) {
      // The vector's size from the call before is often just short (the same text again, whose
      // last piece asks for a few words of room more than it keeps): where its capacity holds
      // what is asked, the size grows within it by a little, not doubled (which moved and
      // zero-filled every word on every such call).
      if (size_ + more <= v_->capacity()) cap = std::min(v_->capacity(), std::max(size_ + more, cap_ + kStep));
      v_->resize(cap);
      data_ = v_->data();
    } else {
      std::unique_ptr<uint32_t[]> fresh(new uint32_t[cap]);
      if (size_) std::memcpy(fresh.get(), data_, size_ * sizeof(uint32_t));
      own_ = std::move(fresh);
      data_ = own_.get();
    }
    cap_ = cap;
  }
  static constexpr size_t kStep = 1024;  // words zero-filled per growth within the capacity
  std::vector<uint32_t>* v_;
  std::unique_ptr<uint32_t[]> own_;
  uint32_t* data_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace regex
}  // namespace turbotoken
