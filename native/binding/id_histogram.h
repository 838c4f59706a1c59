// The token-id histogram of analyze() (src/analyze.ts), counted by the batch pipeline's threads
// while they encode, so that the ids never travel to JavaScript: counting them there, one loop
// iteration per id, was most of what analyze cost beyond encodeBatch. Each thread counts into its
// own shard (no counter is shared, no atomics); the shards are added up once every thread is done.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace turbotoken_binding {

class IdHistogram {
 public:
  // Counts 64 bits wide: one call may count more than 2^32 of one id.
  using Shard = std::vector<uint64_t>;

  // ids: the number of ids counted, 0 .. ids - 1 (every id the core can produce: max_token_value + 1).
  explicit IdHistogram(size_t ids) : ids_(ids) {}

  // A new zeroed shard for the calling thread, owned here.
  Shard* shard() {
    std::unique_ptr<Shard> s(new Shard(ids_, 0));
    std::lock_guard<std::mutex> lock(mutex_);
    shards_.push_back(std::move(s));
    return shards_.back().get();
  }

  // An id out of range is not counted: the core never returns one, and a count must not write
  // outside the shard if it did.
  void count(Shard& shard, const uint32_t* ids, size_t n) const {
    uint64_t* c = shard.data();
    for (size_t k = 0; k < n; k++) {
      if (ids[k] < ids_) c[ids[k]]++;
    }
  }

  // Adds every shard into out[0 .. ids) (a double is exact to 2^53). Call once the threads are joined.
  void add_to(double* out) const {
    for (const auto& s : shards_) {
      const uint64_t* c = s->data();
      for (size_t id = 0; id < ids_; id++) {
        if (c[id]) out[id] += double(c[id]);
      }
    }
  }

 private:
  size_t ids_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace turbotoken_binding
