#include <algorithm>
#include <cstring>
#include <queue>
#include <string>
#include <unordered_map>

#include "train/scaffold.h"
#include "train/trainer.h"

namespace turbotoken {
namespace train {
namespace {

// An open-addressing map from a pair key ((left << 32) | right; ids stay below 2^32 - 1) to V.
template <typename V>
class PairMap {
 public:
  PairMap() { reset(1024); }
  V& at(uint64_t key) {
    size_t mask = keys_.size() - 1;
    size_t i = slot(key, mask);
    while (keys_[i] != kNone) {
      if (keys_[i] == key) return values_[i];
      i = (i + 1) & mask;
    }
    if ((used_ + 1) * 10 > keys_.size() * 7) {
      grow();
      mask = keys_.size() - 1;
      i = slot(key, mask);
      while (keys_[i] != kNone) i = (i + 1) & mask;
    }
    keys_[i] = key;
    values_[i] = V();
    used_++;
    return values_[i];
  }
  const V* find(uint64_t key) const {
    const size_t mask = keys_.size() - 1;
    for (size_t i = slot(key, mask); keys_[i] != kNone; i = (i + 1) & mask)
      if (keys_[i] == key) return &values_[i];
    return nullptr;
  }
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (size_t i = 0; i < keys_.size(); i++)
      if (keys_[i] != kNone) fn(keys_[i], values_[i]);
  }
  void clear() {
    if (used_ == 0) return;
    if (keys_.size() > 4096) {
      reset(1024);
    } else {
      std::fill(keys_.begin(), keys_.end(), kNone);
      used_ = 0;
    }
  }
  size_t size() const { return used_; }

 private:
  static constexpr uint64_t kNone = ~uint64_t(0);
  static size_t slot(uint64_t key, size_t mask) {
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return size_t(h ^ (h >> 29)) & mask;
  }
  void reset(size_t capacity) {
    std::vector<uint64_t>(capacity, kNone).swap(keys_);
    std::vector<V>(capacity).swap(values_);
    used_ = 0;
  }
  void grow() {
    std::vector<uint64_t> keys(keys_.size() * 2, kNone);
    std::vector<V> values(keys.size());
    const size_t mask = keys.size() - 1;
    for (size_t k = 0; k < keys_.size(); k++) {
      if (keys_[k] == kNone) continue;
      size_t i = slot(keys_[k], mask);
      while (keys[i] != kNone) i = (i + 1) & mask;
      keys[i] = keys_[k];
      values[i] = std::move(values_[k]);
    }
    keys_.swap(keys);
    values_.swap(values);
  }
  std::vector<uint64_t> keys_;
  std::vector<V> values_;
  size_t used_ = 0;
};

inline uint64_t pair_key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

struct Entry {
  uint64_t count;
  uint64_t pair;
  uint32_t positions;  // index into the position lists
};

// The top of the heap: the highest count, then the smallest pair.
struct Lower {
  bool operator()(const Entry& x, const Entry& y) const {
    if (x.count != y.count) return x.count < y.count;
    return x.pair > y.pair;
  }
};

// GPT-2's byte-to-character map (bytes_to_unicode): printable Latin-1 bytes map to themselves,
// the others to 256, 257, ... in byte order.
uint32_t gpt2_char(uint32_t b) {
  const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  if (printable) return b;
  uint32_t n = 0;
  for (uint32_t x = 0; x < b; x++)
    if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174)) n++;
  return 256 + n;
}

// Position lists: word indices, ascending and distinct, owned by one heap entry or one pending
// update; freed lists are reused.
class Lists {
 public:
  uint32_t take() {
    if (!free_.empty()) {
      uint32_t k = free_.back();
      free_.pop_back();
      return k;
    }
    lists_.emplace_back();
    return uint32_t(lists_.size() - 1);
  }
  std::vector<uint32_t>& operator[](uint32_t k) { return lists_[k]; }
  void give_back(uint32_t k) {
    std::vector<uint32_t>().swap(lists_[k]);
    free_.push_back(k);
  }

 private:
  std::vector<std::vector<uint32_t>> lists_;
  std::vector<uint32_t> free_;
};

}  // namespace

TrainStatus learn_merges(const ChunkTable& table, const MergeOptions& options, MergeResult& out) {
  out.triples.clear();
  out.counts.clear();
  out.scaffold.clear();
  // Words: each distinct chunk as a run of symbols in one flat array; merges shrink runs in place.
  std::vector<uint32_t> symbols;
  std::vector<uint64_t> word_start;
  std::vector<uint32_t> word_len;
  std::vector<uint64_t> word_count;
  bool seen[256] = {};
  word_start.reserve(table.size());
  word_len.reserve(table.size());
  word_count.reserve(table.size());
  table.for_each([&](const uint8_t* s, size_t n, uint64_t c) {
    word_start.push_back(symbols.size());
    word_len.push_back(uint32_t(n));
    word_count.push_back(c);
    for (size_t i = 0; i < n; i++) {
      seen[s[i]] = true;
      symbols.push_back(s[i]);
    }
  });
  // Ids: raw byte values, or the seen bytes ranked by their GPT-2 character.
  uint32_t byte_id[256];
  std::vector<uint32_t> alphabet;
  for (uint32_t b = 0; b < 256; b++)
    if (seen[b]) alphabet.push_back(b);
  out.alphabet = uint32_t(alphabet.size());
  // Per id: the token's bytes and its id in the output layout.
  std::vector<std::string> bytes;
  std::vector<uint32_t> layout;
  if (options.hf_order) {
    std::sort(alphabet.begin(), alphabet.end(), [](uint32_t x, uint32_t y) { return gpt2_char(x) < gpt2_char(y); });
    for (uint32_t k = 0; k < alphabet.size(); k++) {
      byte_id[alphabet[k]] = k;
      bytes.push_back(std::string(1, char(alphabet[k])));
      layout.push_back(alphabet[k]);
    }
  } else {
    for (uint32_t b = 0; b < 256; b++) {
      byte_id[b] = b;
      bytes.push_back(std::string(1, char(b)));
      layout.push_back(b);
    }
  }
  for (uint32_t& s : symbols) s = byte_id[s];
  ScaffoldTracker tracker(uint32_t(bytes.size()));
  if (options.scaffold) {
    for (size_t w = 0; w < word_len.size(); w++)
      for (uint32_t i = 0; i < word_len[w]; i++) tracker.add(symbols[word_start[w] + i], word_count[w]);
  }
  std::unordered_map<std::string, uint32_t> id_of;
  for (uint32_t k = 0; k < bytes.size(); k++) id_of.emplace(bytes[k], k);
  const uint64_t base = options.special_count + (options.hf_order ? alphabet.size() : 256);
  uint32_t made = 0;  // distinct merged tokens

  PairMap<int64_t> pair_counts;
  PairMap<uint32_t> pending;  // pair -> position list, for the pairs a step created
  Lists lists;
  auto note = [&](uint64_t key, uint32_t w) {
    uint32_t* k = &pending.at(key);
    if (*k == 0) *k = lists.take() + 1;  // 0: no list yet
    std::vector<uint32_t>& list = lists[*k - 1];
    if (list.empty() || list.back() != w) list.push_back(w);
  };
  for (uint32_t w = 0; w < word_len.size(); w++) {
    const uint32_t* s = symbols.data() + word_start[w];
    for (uint32_t i = 0; i + 1 < word_len[w]; i++) {
      const uint64_t key = pair_key(s[i], s[i + 1]);
      pair_counts.at(key) += int64_t(word_count[w]);
      note(key, w);
    }
  }
  std::priority_queue<Entry, std::vector<Entry>, Lower> heap;
  auto flush = [&]() {
    pending.for_each([&](uint64_t key, uint32_t& k) {
      const int64_t c = *pair_counts.find(key);
      if (c > 0) heap.push(Entry{uint64_t(c), key, k - 1});
      else lists.give_back(k - 1);
    });
    pending.clear();
  };
  flush();

  // Corrects stale entries until the top is current; false when the heap is empty.
  auto settle = [&]() -> bool {
    while (!heap.empty()) {
      Entry top = heap.top();
      const int64_t actual = *pair_counts.find(top.pair);
      const uint64_t now = actual > 0 ? uint64_t(actual) : 0;
      if (top.count == now) return true;
      heap.pop();
      top.count = now;
      heap.push(top);
    }
    return false;
  };
  const uint64_t least = options.min_frequency > 1 ? options.min_frequency : 1;

  while (base + made - tracker.scaffold_count() < options.vocab_size) {
    const bool have_pair = settle();
    if (options.scaffold) {
      // The queue holds pairs and scaffold tokens; a scaffold token at its head (ties go to the
      // token) returns to the vocabulary instead of a merge.
      uint64_t frequency;
      uint32_t token;
      if (tracker.top(frequency, token) && frequency >= least && (!have_pair || frequency >= heap.top().count)) {
        tracker.restore(token);
        continue;
      }
    }
    if (!have_pair) break;
    Entry top = heap.top();
    heap.pop();
    if (top.count < 1 || options.min_frequency > top.count) break;
    const uint32_t a = uint32_t(top.pair >> 32), b = uint32_t(top.pair);
    std::string joined = bytes[a] + bytes[b];
    uint32_t id;
    auto found = id_of.find(joined);
    if (found != id_of.end()) {
      id = found->second;
    } else {
      id = uint32_t(bytes.size());
      id_of.emplace(joined, id);
      bytes.push_back(std::move(joined));
      layout.push_back(256 + made);
      made++;
    }
    out.triples.push_back(layout[a]);
    out.triples.push_back(layout[b]);
    out.triples.push_back(layout[id]);
    out.counts.push_back(top.count);
    // Moved out: noting the pairs this step makes may grow the lists.
    const std::vector<uint32_t> words = std::move(lists[top.positions]);
    lists.give_back(top.positions);
    uint64_t occurrences = 0;
    for (uint32_t w : words) {
      uint32_t* s = symbols.data() + word_start[w];
      const uint32_t n = word_len[w];
      const int64_t c = int64_t(word_count[w]);
      uint32_t r = 0, o = 0;
      while (r < n) {
        if (r + 1 < n && s[r] == a && s[r + 1] == b) {
          if (o > 0) {
            pair_counts.at(pair_key(s[o - 1], a)) -= c;
            pair_counts.at(pair_key(s[o - 1], id)) += c;
            note(pair_key(s[o - 1], id), w);
          }
          if (r + 2 < n) {
            pair_counts.at(pair_key(b, s[r + 2])) -= c;
            pair_counts.at(pair_key(id, s[r + 2])) += c;
            note(pair_key(id, s[r + 2]), w);
          }
          s[o++] = id;
          occurrences += uint64_t(c);
          r += 2;
        } else {
          s[o++] = s[r++];
        }
      }
      word_len[w] = o;
    }
    flush();
    if (options.scaffold) {
      tracker.merged(a, b, id, occurrences);
      uint64_t head = settle() ? heap.top().count : 0;
      uint64_t frequency;
      uint32_t token;
      if (tracker.top(frequency, token) && frequency > head) head = frequency;
      tracker.check(a, head);
      tracker.check(b, head);
    }
  }
  if (options.scaffold) {
    for (uint32_t id = 0; id < bytes.size(); id++)
      if (tracker.is_scaffold(id)) out.scaffold.push_back(layout[id]);
    std::sort(out.scaffold.begin(), out.scaffold.end());
  }
  return TrainStatus::kOk;
}

}  // namespace train
}  // namespace turbotoken
