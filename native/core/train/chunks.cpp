#include <algorithm>
#include <cstring>
#include <functional>

#include "pretok/pretokenizer.h"
#include "regex/pike_vm.h"
#include "text/utf8.h"
#include "train/trainer.h"

#if !defined(__wasm__)
#include <atomic>
#include <thread>
#endif

namespace turbotoken {
namespace train {

const char* train_status_name(TrainStatus s) {
  switch (s) {
    case TrainStatus::kOk: return "ok";
    case TrainStatus::kOutOfMemory: return "out of memory";
    case TrainStatus::kInvalidText: return "invalid text";
    case TrainStatus::kInvalidArgument: return "invalid argument";
  }
  return "unknown";
}

namespace {

uint64_t hash_bytes(const uint8_t* s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t(n) * 0xFF51AFD7ED558CCDull);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  std::memcpy(&w, s + i, n - i);
  h = (h ^ w) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

}  // namespace

ChunkShard::ChunkShard() { slots_.assign(256, Slot{0, 0, 0, kEmpty}); }

uint64_t ChunkShard::memory_bytes() const {
  return uint64_t(slots_.capacity()) * sizeof(Slot) + arena_.capacity();
}

void ChunkShard::add(const uint8_t* s, size_t n, uint64_t count, uint64_t h) {
  const size_t mask = slots_.size() - 1;
  for (size_t i = size_t(h) & mask;; i = (i + 1) & mask) {
    Slot& e = slots_[i];
    if (e.len == kEmpty) {
      e.hash = h;
      e.offset = arena_.size();
      e.len = uint32_t(n);
      e.count = count;
      arena_.insert(arena_.end(), s, s + n);
      if (++used_ * 10 > slots_.size() * 7) rebuild(slots_.size() * 2, false);
      return;
    }
    if (e.hash == h && e.len == n && std::memcmp(arena_.data() + e.offset, s, n) == 0) {
      e.count += count;
      return;
    }
  }
}

void ChunkShard::rebuild(size_t capacity, bool compact) {
  std::vector<Slot> old(capacity, Slot{0, 0, 0, kEmpty});
  old.swap(slots_);
  std::vector<uint8_t> arena;
  if (compact) arena.reserve(arena_.size());
  const size_t mask = slots_.size() - 1;
  used_ = 0;
  for (const Slot& e : old) {
    if (e.len == kEmpty) continue;
    Slot moved = e;
    if (compact) {
      moved.offset = arena.size();
      arena.insert(arena.end(), arena_.data() + e.offset, arena_.data() + e.offset + e.len);
    }
    size_t i = size_t(e.hash) & mask;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask;
    slots_[i] = moved;
    used_++;
  }
  if (compact) arena_.swap(arena);
}

void ChunkShard::merge_from(const ChunkShard& other) {
  // The stored hashes are reused: merging costs a probe per chunk, not a rehash.
  for (const Slot& e : other.slots_)
    if (e.len != kEmpty) add(other.arena_.data() + e.offset, e.len, e.count, e.hash);
}

void ChunkShard::drop_at_most(uint64_t threshold) {
  size_t kept = 0;
  for (Slot& e : slots_) {
    if (e.len == kEmpty) continue;
    if (e.count <= threshold) e.len = kEmpty;
    else kept++;
  }
  size_t capacity = 256;
  while (capacity * 7 < kept * 10 * 2) capacity *= 2;
  rebuild(capacity, true);
}

void ChunkTable::add(const uint8_t* s, size_t n, uint64_t count) {
  const uint64_t h = hash_bytes(s, n);
  shards_[h >> 60].add(s, n, count, h);
}

size_t ChunkTable::size() const {
  size_t n = 0;
  for (const ChunkShard& shard : shards_) n += shard.size();
  return n;
}

uint64_t ChunkTable::memory_bytes() const {
  uint64_t n = 0;
  for (const ChunkShard& shard : shards_) n += shard.memory_bytes();
  return n;
}

void ChunkTable::prune_to(size_t target) {
  const size_t used = size();
  if (used <= target) return;
  std::vector<uint64_t> counts;
  counts.reserve(used);
  for_each([&](const uint8_t*, size_t, uint64_t c) { counts.push_back(c); });
  // The smallest t with at most `target` chunks counted more than t times.
  std::nth_element(counts.begin(), counts.begin() + target, counts.end(), std::greater<uint64_t>());
  const uint64_t t = counts[target];
  for (ChunkShard& shard : shards_) shard.drop_at_most(t);
}

namespace {

struct Unit {
  size_t start;
  size_t end;
};

// The units (lines or capped documents) of text, in order.
void find_units(const SplitSpec& spec, const uint8_t* text, const uint32_t* ends, size_t count,
                std::vector<Unit>& units) {
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    const size_t end = ends[k];
    if (spec.chunking == Chunking::kLines) {
      size_t i = start;
      while (i < end) {
        const void* nl = std::memchr(text + i, '\n', end - i);
        const size_t stop = nl ? size_t(static_cast<const uint8_t*>(nl) - text) + 1 : end;
        units.push_back({i, stop});
        i = stop;
      }
    } else if (end > start) {
      size_t stop = end;
      if (spec.max_document_chars != 0) {
        size_t chars = 0;
        for (size_t i = start; i < end; i++) {
          if ((text[i] & 0xC0) == 0x80) continue;
          if (chars == spec.max_document_chars) {
            stop = i;
            break;
          }
          chars++;
        }
      }
      units.push_back({start, stop});
    }
    start = end;
  }
}

TrainStatus count_units(const SplitSpec& spec, const uint8_t* text, const Unit* units, size_t n,
                        ChunkTable& table) {
  if (spec.family < 0) {
    std::vector<uint32_t> bounds;
    for (size_t u = 0; u < n; u++) {
      bounds.clear();
      const uint8_t* s = text + units[u].start;
      if (!regex::find_matches(*spec.program, s, units[u].end - units[u].start, bounds))
        return TrainStatus::kInvalidText;
      for (size_t k = 0; k + 1 < bounds.size(); k += 2) table.add(s + bounds[k], bounds[k + 1] - bounds[k], 1);
    }
    return TrainStatus::kOk;
  }
  const PieceEndFn piece_end = piece_end_function(Family(spec.family));
  for (size_t u = 0; u < n; u++) {
    const uint8_t* s = text + units[u].start;
    const size_t len = units[u].end - units[u].start;
    for (size_t i = 0; i < len;) {
      const size_t e = piece_end(s, i, len);
      table.add(s + i, e - i, 1);
      i = e;
    }
  }
  return TrainStatus::kOk;
}

}  // namespace

TrainStatus count_chunks(const SplitSpec& spec, const uint8_t* text, size_t size, const uint32_t* ends,
                         size_t count, unsigned threads, size_t max_chunks, ChunkTable& table) {
  if (spec.family >= kFamilyCount || (spec.family < 0 && spec.program == nullptr) ||
      uint8_t(spec.chunking) > uint8_t(Chunking::kDocuments))
    return TrainStatus::kInvalidArgument;
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    if (ends[k] < start || ends[k] > size) return TrainStatus::kInvalidText;
    start = ends[k];
  }
  if (valid_utf8_prefix(text, size) != size) return TrainStatus::kInvalidText;
  std::vector<Unit> units;
  find_units(spec, text, ends, count, units);
  if (threads < 1) threads = 1;
#if defined(__wasm__)
  threads = 1;
#endif
  if (threads > units.size() / 64) threads = unsigned(std::max<size_t>(1, units.size() / 64));
  TrainStatus status = TrainStatus::kOk;
  if (threads == 1) {
    status = count_units(spec, text, units.data(), units.size(), table);
  } else {
#if !defined(__wasm__)
    // Units split by bytes into more parts than threads, taken in turn from a shared counter:
    // text that costs more per byte (non-Latin scripts) does not leave the other threads idle.
    const unsigned parts = threads * 8;
    std::vector<size_t> cut(parts + 1, units.size());
    cut[0] = 0;
    const size_t total = units.back().end - units.front().start;
    size_t u = 0;
    for (unsigned p = 1; p < parts; p++) {
      const size_t goal = units.front().start + total / parts * p;
      while (u < units.size() && units[u].start < goal) u++;
      cut[p] = u;
    }
    std::atomic<unsigned> next{0};
    std::vector<ChunkTable> locals(threads);
    std::vector<TrainStatus> statuses(threads, TrainStatus::kOk);
    std::vector<std::thread> pool;
    auto body = [&](unsigned t) {
#if defined(__cpp_exceptions)
      try {
#endif
        for (unsigned p = next++; p < parts && statuses[t] == TrainStatus::kOk; p = next++)
          statuses[t] = count_units(spec, text, units.data() + cut[p], cut[p + 1] - cut[p], locals[t]);
#if defined(__cpp_exceptions)
      } catch (...) {
        statuses[t] = TrainStatus::kOutOfMemory;
      }
#endif
    };
    for (unsigned t = 1; t < threads; t++) pool.emplace_back(body, t);
    body(0);
    for (std::thread& th : pool) th.join();
    for (unsigned t = 0; t < threads; t++) {
      if (statuses[t] != TrainStatus::kOk) return statuses[t];
    }
    // Merged shard by shard, each thread taking every threads-th shard: no two threads touch one shard.
    pool.clear();
    auto merge = [&](unsigned t) {
#if defined(__cpp_exceptions)
      try {
#endif
        for (unsigned k = t; k < ChunkTable::kShards; k += threads)
          for (unsigned l = 0; l < threads; l++) table.merge_shard_from(locals[l], k);
#if defined(__cpp_exceptions)
      } catch (...) {
        statuses[t] = TrainStatus::kOutOfMemory;
      }
#endif
    };
    for (unsigned t = 1; t < threads; t++) pool.emplace_back(merge, t);
    merge(0);
    for (std::thread& th : pool) th.join();
    for (unsigned t = 0; t < threads; t++) {
      if (statuses[t] != TrainStatus::kOk) return statuses[t];
    }
#endif
  }
  if (status != TrainStatus::kOk) return status;
  if (max_chunks != 0 && table.size() > max_chunks) table.prune_to(max_chunks / 2);
  return TrainStatus::kOk;
}

}  // namespace train
}  // namespace turbotoken
