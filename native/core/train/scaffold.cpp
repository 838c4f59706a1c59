#include "train/scaffold.h"

namespace turbotoken {
namespace train {

void ScaffoldTracker::grow(uint32_t id) {
  if (id >= freq_.size()) {
    freq_.resize(size_t(id) + 1, 0);
    flagged_.resize(size_t(id) + 1, 0);
  }
}

void ScaffoldTracker::add(uint32_t id, uint64_t count) {
  grow(id);
  freq_[id] += count;
}

// Entries are never updated in place: a stale one (frequency changed, or no longer a scaffold
// token) is dropped when it reaches the head, so each change costs one push.
void ScaffoldTracker::push(uint32_t id) {
  if (freq_[id] > 0) queue_.push(Entry{freq_[id], id});
}

void ScaffoldTracker::merged(uint32_t a, uint32_t b, uint32_t id, uint64_t occurrences) {
  grow(a > b ? (a > id ? a : id) : (b > id ? b : id));
  freq_[a] -= occurrences;
  freq_[b] -= occurrences;
  freq_[id] += occurrences;
  if (flagged_[id]) {
    flagged_[id] = 0;
    flagged_count_--;
  }
  if (flagged_[a]) push(a);
  if (b != a && flagged_[b]) push(b);
}

bool ScaffoldTracker::top(uint64_t& frequency, uint32_t& id) {
  while (!queue_.empty()) {
    const Entry e = queue_.top();
    if (flagged_[e.id] && freq_[e.id] == e.frequency) {
      frequency = e.frequency;
      id = e.id;
      return true;
    }
    queue_.pop();
  }
  return false;
}

void ScaffoldTracker::restore(uint32_t id) {
  flagged_[id] = 0;
  flagged_count_--;
  queue_.pop();
}

void ScaffoldTracker::check(uint32_t child, uint64_t head) {
  if (child < base_ || flagged_[child] || freq_[child] >= head) return;
  flagged_[child] = 1;
  flagged_count_++;
  push(child);
}

}  // namespace train
}  // namespace turbotoken
