// Scaffold-BPE's token bookkeeping for the merge loop (merges.cpp): how often each token stands in
// the merged corpus, which tokens are scaffold tokens, and the scaffold tokens' half of the
// priority queue. docs/training.md ("Scaffold-BPE") defines the rule this implements.
#pragma once
#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace turbotoken {
namespace train {

class ScaffoldTracker {
 public:
  // Ids below `base` are the single bytes: never scaffold tokens, since nothing could stand in
  // for them when an encoding demerges.
  explicit ScaffoldTracker(uint32_t base) : base_(base) {}

  // Counts `count` more occurrences of token `id` in the starting corpus.
  void add(uint32_t id, uint64_t count);

  // A merge of (a, b) into `id` made `occurrences` (weighted) replacements. A scaffold token
  // made again by a merge is back in the vocabulary; a scaffold child's lower frequency goes into
  // the queue.
  void merged(uint32_t a, uint32_t b, uint32_t id, uint64_t occurrences);

  // The scaffold token at the head of the token queue (highest frequency, then smallest id), or
  // false if there is none with a frequency above 0.
  bool top(uint64_t& frequency, uint32_t& id);

  // Returns the head scaffold token to the vocabulary.
  void restore(uint32_t id);

  // Marks `child` (a child of the merge just made) a scaffold token when it stands fewer times
  // than `head`, the frequency at the head of the queue (pairs and scaffold tokens together).
  void check(uint32_t child, uint64_t head);

  uint64_t scaffold_count() const { return flagged_count_; }
  bool is_scaffold(uint32_t id) const { return id < flagged_.size() && flagged_[id] != 0; }
  uint64_t frequency(uint32_t id) const { return id < freq_.size() ? freq_[id] : 0; }

 private:
  struct Entry {
    uint64_t frequency;
    uint32_t id;
  };
  struct Lower {
    bool operator()(const Entry& x, const Entry& y) const {
      if (x.frequency != y.frequency) return x.frequency < y.frequency;
      return x.id > y.id;
    }
  };
  void grow(uint32_t id);
  void push(uint32_t id);

  uint32_t base_;
  std::vector<uint64_t> freq_;
  std::vector<uint8_t> flagged_;
  uint64_t flagged_count_ = 0;
  std::priority_queue<Entry, std::vector<Entry>, Lower> queue_;
};

}  // namespace train
}  // namespace turbotoken
