#include <algorithm>
#include <cstring>
#include <functional>
#include <new>

#include "pretok/pretokenizer.h"
#include "regex/pike_vm.h"
#include "text/utf8.h"
#include "train/trainer.h"
#include "util/hash_bytes.h"

#if !defined(__wasm__)
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <time.h>
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

ChunkShard::ChunkShard() { slots_.assign(256, empty_slot()); }

uint64_t ChunkShard::memory_bytes() const {
  return uint64_t(slots_.capacity()) * sizeof(Slot) + arena_.capacity();
}

void ChunkShard::add(const uint8_t* s, size_t n, uint64_t count, uint64_t hash) {
  const uint32_t h = uint32_t(hash);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& e = slots_[i];
    if (e.len == kEmpty) {
      e.hash = h;
      e.len = uint32_t(n);
      e.count = count;
      if (n <= kInline) {
        if (n != 0) std::memcpy(e.bytes, s, n);
      } else {
        e.offset = arena_.size();
        arena_.insert(arena_.end(), s, s + n);
      }
      if (++used_ * 10 > slots_.size() * 7) rebuild(slots_.size() * 2, false);
      return;
    }
    if (e.hash == h && e.len == n && std::memcmp(bytes_of(e), s, n) == 0) {
      e.count += count;
      return;
    }
  }
}

void ChunkShard::rebuild(size_t capacity, bool compact) {
  // Slots are found by the low 32 bits of the hash (Slot::hash).
#if defined(__cpp_exceptions)
  if (uint64_t(capacity) > (uint64_t(1) << 32)) throw std::bad_alloc();
#endif
  std::vector<Slot> old(capacity, empty_slot());
  old.swap(slots_);
  std::vector<uint8_t> arena;
  if (compact) arena.reserve(arena_.size());
  const size_t mask = slots_.size() - 1;
  used_ = 0;
  for (const Slot& e : old) {
    if (e.len == kEmpty) continue;
    Slot moved = e;
    if (compact && e.len > kInline) {
      moved.offset = arena.size();
      arena.insert(arena.end(), arena_.data() + e.offset, arena_.data() + e.offset + e.len);
    }
    size_t i = e.hash & mask;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask;
    slots_[i] = moved;
    used_++;
  }
  if (compact) arena_.swap(arena);
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

void ChunkShard::absorb(ChunkShard& other) {
  for (Slot& e : other.slots_) {
    if (e.len == kEmpty) continue;
    add(other.bytes_of(e), e.len, e.count, e.hash);
    e.len = kEmpty;
  }
  other.arena_.clear();
  other.used_ = 0;
}

void ChunkShard::release() {
  std::vector<Slot>(256, empty_slot()).swap(slots_);
  std::vector<uint8_t>().swap(arena_);
  used_ = 0;
}

void ChunkTable::release() {
  for (ChunkShard& shard : shards_) shard.release();
}

uint64_t ChunkTable::hash(const uint8_t* s, size_t n) { return hash_bytes(s, n); }

void ChunkTable::add(const uint8_t* s, size_t n, uint64_t count) { add_hashed(s, n, count, hash_bytes(s, n)); }

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

// Adds chunks to a table kAhead chunks late, fetching each one's first slot when it is handed
// over: the probes then overlap instead of waiting for memory one after another (a table of a
// corpus's distinct chunks is far larger than the caches). flush() adds the ones still held.
class AddAhead {
 public:
  explicit AddAhead(ChunkTable& table) : table_(table) {}
  void add(const uint8_t* s, size_t n, uint64_t h) {
    table_.prefetch(h);
    Held& slot = held_[next_ % kAhead];
    if (next_ >= kAhead) table_.add_hashed(slot.s, slot.n, 1, slot.h);
    slot = Held{s, n, h};
    next_++;
  }
  void flush() {
    const size_t first = next_ > kAhead ? next_ - kAhead : 0;
    for (size_t k = first; k < next_; k++) {
      const Held& slot = held_[k % kAhead];
      table_.add_hashed(slot.s, slot.n, 1, slot.h);
    }
    next_ = 0;
  }

 private:
  static constexpr size_t kAhead = 8;
  struct Held {
    const uint8_t* s;
    size_t n;
    uint64_t h;
  };
  ChunkTable& table_;
  Held held_[kAhead];
  size_t next_ = 0;
};

struct Unit {
  size_t start;
  size_t end;
};

// The units (lines or capped documents) of documents [first, last), in order; starts[k] is where
// document k begins and ends[k] where it ends.
void find_units(const SplitSpec& spec, const uint8_t* text, const uint32_t* ends, size_t first, size_t last,
                size_t from, size_t to, std::vector<Unit>& units) {
  for (size_t k = first; k < last; k++) {
    const size_t start = std::max<size_t>(k == 0 ? 0 : ends[k - 1], from);
    const size_t end = std::min<size_t>(ends[k], to);
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
  }
}

// Hands each chunk of the units to add(bytes, length), in order; sets `matched` when a pattern
// matched (a scanner's chunk is always a match).
template <typename Add>
TrainStatus count_units(const SplitSpec& spec, const uint8_t* text, const Unit* units, size_t n, bool& matched,
                        Add&& add) {
  if (spec.family < 0) {
    std::vector<uint32_t> bounds;
    for (size_t u = 0; u < n; u++) {
      bounds.clear();
      const uint8_t* s = text + units[u].start;
      const size_t len = units[u].end - units[u].start;
      if (!regex::find_matches(*spec.program, s, len, bounds)) return TrainStatus::kInvalidText;
      if (!bounds.empty()) matched = true;
      // Text between matches is a chunk too, as Hugging Face's Split (behavior Isolated) keeps it.
      size_t at = 0;
      for (size_t k = 0; k + 1 < bounds.size(); k += 2) {
        if (bounds[k] > at) add(s + at, size_t(bounds[k] - at));
        add(s + bounds[k], size_t(bounds[k + 1] - bounds[k]));
        at = bounds[k + 1];
      }
      if (len > at) add(s + at, len - at);
    }
    return TrainStatus::kOk;
  }
  const PieceEndFn piece_end = piece_end_function(Family(spec.family));
  for (size_t u = 0; u < n; u++) {
    const uint8_t* s = text + units[u].start;
    const size_t len = units[u].end - units[u].start;
    if (len) matched = true;
    for (size_t i = 0; i < len;) {
      const size_t e = piece_end(s, i, len);
      add(s + i, e - i);
      i = e;
    }
  }
  return TrainStatus::kOk;
}

// A stretch of the batch that one thread checks, cuts into units and counts: [from, to) bytes,
// starting in document `first`. Stretches start at unit boundaries (a document's start, or just
// after a "\n" with chunking by lines), so no unit spans two of them.
struct Part {
  size_t from;
  size_t to;
  size_t first;
};

#if !defined(__wasm__)
// The first unit boundary at or after `goal` (and the document it starts in).
Part boundary_after(const SplitSpec& spec, const uint8_t* text, size_t size, const uint32_t* ends, size_t count,
                    size_t goal) {
  // Document k holds goal when ends[k-1] <= goal < ends[k].
  size_t k = size_t(std::upper_bound(ends, ends + count, uint32_t(goal)) - ends);
  if (k == count) return {size, size, count};
  const size_t start = k == 0 ? 0 : ends[k - 1];
  if (goal == start) return {goal, goal, k};
  if (spec.chunking == Chunking::kLines) {
    const void* nl = std::memchr(text + goal, '\n', ends[k] - goal);
    if (nl) return {size_t(static_cast<const uint8_t*>(nl) - text) + 1, 0, k};
  }
  // The next document; empty documents after it hold no units.
  const size_t next = ends[k];
  while (k < count && ends[k] == next) k++;
  return {next, 0, k};
}
#endif

template <typename Add>
TrainStatus count_part(const SplitSpec& spec, const uint8_t* text, const uint32_t* ends, size_t count,
                       const Part& part, std::vector<Unit>& units, bool& matched, Add&& add) {
  if (valid_utf8_prefix(text + part.from, part.to - part.from) != part.to - part.from) return TrainStatus::kInvalidText;
  units.clear();
  size_t last = part.first;
  while (last < count && ends[last] < part.to) last++;
  if (last < count) last++;
  find_units(spec, text, ends, part.first, last, part.from, part.to, units);
  return count_units(spec, text, units.data(), units.size(), matched, add);
}

#if !defined(__wasm__)
double thread_cpu_seconds() {
  timespec t;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

}  // namespace

// Threads 1..n-1 of a run's counts, kept between calls: a thread started per batch
// began its part 0.1-4.8 ms after the caller's. Each waits on `wake` for a new job (a generation
// number), runs it if its index is below the job's thread count, and the last to finish signals
// `done`. One job at a time: the trainer's calls do not overlap.
class CountPool {
 public:
  CountPool() = default;
  CountPool(const CountPool&) = delete;
  CountPool& operator=(const CountPool&) = delete;
  ~CountPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& th : workers_) th.join();
  }

  // Runs body(t) for t in 1..threads-1 on the pool's threads and body(0) on the calling thread,
  // and returns when all have. False (nothing run) when a thread could not be started.
  template <typename Fn>
  bool run(unsigned threads, Fn&& body) {
    if (!grow(threads - 1)) return false;
    const std::function<void(unsigned)> job = [&](unsigned t) { body(t); };
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      active_ = threads - 1;
      pending_ = threads - 1;
      generation_++;
    }
    wake_.notify_all();
    body(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
    return true;
  }

 private:
  bool grow(unsigned n) {
#if defined(__cpp_exceptions)
    try {
#endif
      while (workers_.size() < n) {
        const unsigned index = unsigned(workers_.size()) + 1;
        // A thread starts waiting for the job after the current one, whatever it missed.
        uint64_t seen;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          seen = generation_;
        }
        workers_.emplace_back([this, index, seen] { loop(index, seen); });
      }
#if defined(__cpp_exceptions)
    } catch (...) {
      return false;
    }
#endif
    return true;
  }

  void loop(unsigned index, uint64_t seen) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (index > active_) continue;
      const std::function<void(unsigned)>* job = job_;
      lock.unlock();
      (*job)(index);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  const std::function<void(unsigned)>* job_ = nullptr;
  uint64_t generation_ = 0;
  unsigned active_ = 0;
  unsigned pending_ = 0;
  bool stop_ = false;
};

namespace {

// Runs body(t) on threads 0..threads-1 (0 on the calling thread, the others the run's pool's), a
// thrown exception (std::bad_alloc) as kOutOfMemory; the first failing thread's status, and each
// thread's CPU seconds added to cpu[t].
template <typename Fn>
TrainStatus on_threads(ChunkTables& tables, unsigned threads, std::vector<double>& cpu, Fn&& body) {
  std::vector<TrainStatus> statuses(threads, TrainStatus::kOk);
  auto run = [&](unsigned t) {
    const double c0 = thread_cpu_seconds();
#if defined(__cpp_exceptions)
    try {
#endif
      statuses[t] = body(t);
#if defined(__cpp_exceptions)
    } catch (...) {
      statuses[t] = TrainStatus::kOutOfMemory;
    }
#endif
    cpu[t] += thread_cpu_seconds() - c0;
  };
  if (threads == 1) {
    run(0);
    return statuses[0];
  }
#if defined(__cpp_exceptions)
  try {
#endif
    if (!tables.pool) tables.pool = std::make_shared<CountPool>();
#if defined(__cpp_exceptions)
  } catch (...) {
    return TrainStatus::kOutOfMemory;
  }
#endif
  // A thread that could not start: nothing was run, and the call fails as out of memory.
  if (!tables.pool->run(threads, run)) return TrainStatus::kOutOfMemory;
  for (TrainStatus s : statuses)
    if (s != TrainStatus::kOk) return s;
  return TrainStatus::kOk;
}
#endif

}  // namespace

ChunkTables::ChunkTables() = default;
ChunkTables::~ChunkTables() = default;

uint64_t ChunkTables::memory_bytes() const {
  uint64_t n = table.memory_bytes();
  for (const ChunkTable& t : batch_tables) n += t.memory_bytes();
  return n;
}

TrainStatus finish_count(ChunkTables& tables) {
  tables.pool.reset();
  std::vector<ChunkTable>().swap(tables.batch_tables);
  return TrainStatus::kOk;
}

#if !defined(__wasm__)
namespace {

// The batch's parts counted on `threads` threads: thread 0 adds its chunks to the table, thread t
// > 0 to batch_tables[t - 1]; then, once every thread has counted, the threads take the table's
// shards in turn from a shared counter and add shard k of every batch table to the table's shard
// k, emptying it (keeping its memory for the next batch). The table is whole again at the batch's
// end. Counting and adding are one job of the pool with a barrier between them (one wake-up of the
// threads per batch, not two), and the shards are taken in turn, not dealt k % threads: how many
// chunks a shard gets differs from batch to batch, and a thread left idle waits for the slowest.
TrainStatus count_threaded(const SplitSpec& spec, const uint8_t* text, const uint32_t* ends, size_t count,
                           const std::vector<Part>& parts, unsigned threads, ChunkTables& tables, CountStats* stats) {
  if (tables.batch_tables.size() < threads - 1) tables.batch_tables.resize(threads - 1);
  std::atomic<size_t> next{0};
  std::atomic<unsigned> next_shard{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::condition_variable all_counted;
  unsigned counting = threads;
  std::vector<double> total(threads, 0.0), cpu(threads, 0.0), merge_cpu(threads, 0.0);
  std::vector<char> matched(threads, 0);
  const TrainStatus status = on_threads(tables, threads, total, [&](unsigned t) {
    const double c0 = thread_cpu_seconds();
    TrainStatus st = TrainStatus::kOk;
#if defined(__cpp_exceptions)
    // Every thread must reach the barrier, whatever happened to its parts.
    try {
#endif
      AddAhead ahead(t == 0 ? tables.table : tables.batch_tables[t - 1]);
      std::vector<Unit> units;
      bool any = false;
      for (size_t p = next++; p < parts.size() && st == TrainStatus::kOk; p = next++) {
        st = count_part(spec, text, ends, count, parts[p], units, any,
                        [&](const uint8_t* s, size_t n) { ahead.add(s, n, ChunkTable::hash(s, n)); });
      }
      matched[t] = any;
      if (st == TrainStatus::kOk) ahead.flush();
#if defined(__cpp_exceptions)
    } catch (...) {
      st = TrainStatus::kOutOfMemory;
    }
#endif
    if (st != TrainStatus::kOk) failed = true;
    const double c1 = thread_cpu_seconds();
    cpu[t] = c1 - c0;
    {
      std::unique_lock<std::mutex> lock(mutex);
      if (--counting == 0) all_counted.notify_all();
      else all_counted.wait(lock, [&] { return counting == 0; });
    }
    // A failed batch is not merged: its error ends the run, and the next batch must not count it.
    if (failed) return st;
    for (unsigned k = next_shard++; k < ChunkTable::kShards; k = next_shard++)
      for (unsigned b = 0; b + 1 < threads; b++) tables.table.absorb_shard(k, tables.batch_tables[b]);
    merge_cpu[t] = thread_cpu_seconds() - c1;
    return st;
  });
  if (status == TrainStatus::kOk)
    for (char m : matched) tables.matched = tables.matched || m;
  if (status != TrainStatus::kOk)
    for (ChunkTable& b : tables.batch_tables) b.release();
  if (stats) {
    stats->count_threads.assign(cpu.begin(), cpu.end());
    stats->merge_threads.assign(merge_cpu.begin(), merge_cpu.end());
  }
  return status;
}

}  // namespace
#endif

TrainStatus count_chunks(const SplitSpec& spec, const uint8_t* text, size_t size, const uint32_t* ends,
                         size_t count, unsigned threads, size_t max_chunks, ChunkTables& tables,
                         [[maybe_unused]] CountStats* stats) {
  if (spec.family >= kFamilyCount || (spec.family < 0 && spec.program == nullptr) ||
      uint8_t(spec.chunking) > uint8_t(Chunking::kDocuments))
    return TrainStatus::kInvalidArgument;
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    // A document that ends inside a character would hand the scanners half of one.
    if (ends[k] < start || ends[k] > size || (ends[k] < size && (text[ends[k]] & 0xC0) == 0x80))
      return TrainStatus::kInvalidText;
    start = ends[k];
  }
  // Bytes after the last document belong to none: only the documents are checked and counted.
  size = count ? ends[count - 1] : 0;
  if (threads < 1) threads = 1;
#if defined(__wasm__)
  threads = 1;
#endif
  // Below ~64 KiB a thread costs more to start than it saves.
  if (threads > size / 65536) threads = unsigned(std::max<size_t>(1, size / 65536));
  TrainStatus status = TrainStatus::kOk;
  if (threads == 1) {
    std::vector<Unit> units;
#if !defined(__wasm__)
    const double c0 = thread_cpu_seconds();
#endif
    AddAhead ahead(tables.table);
    bool any = false;
    status = count_part(spec, text, ends, count, Part{0, size, 0}, units, any,
                        [&](const uint8_t* s, size_t n) { ahead.add(s, n, ChunkTable::hash(s, n)); });
    if (status == TrainStatus::kOk) {
      ahead.flush();
      tables.matched = tables.matched || any;
    }
#if !defined(__wasm__)
    if (stats) {
      stats->count_threads.assign(1, thread_cpu_seconds() - c0);
      stats->merge_threads.clear();
    }
#endif
  } else {
#if !defined(__wasm__)
    // The batch cut by bytes into more parts than threads, taken in turn from a shared counter:
    // text that costs more per byte (non-Latin scripts) does not leave the other threads idle.
    // Each part is a quarter of what is left per thread (at least 64 KiB), so the parts shrink
    // towards the end and the threads finish within a small part of each other (equal parts of
    // 1/16 left one thread idle for half a part on average). Each thread checks, cuts and counts
    // its parts: nothing but these cuts runs on one thread.
    std::vector<Part> parts;
    Part at{0, 0, 0};
    while (at.from < size) {
      const size_t left = size - at.from;
      const size_t step = std::max<size_t>(left / (size_t(threads) * 4), 65536);
      const Part next = step >= left ? Part{size, 0, count} : boundary_after(spec, text, size, ends, count, at.from + step);
      parts.push_back({at.from, next.from, at.first});
      at = next;
    }
    status = count_threaded(spec, text, ends, count, parts, threads, tables, stats);
#endif
  }
  if (status != TrainStatus::kOk) return status;
  if (max_chunks != 0 && tables.table.size() > max_chunks) tables.table.prune_to(max_chunks / 2);
  return TrainStatus::kOk;
}

}  // namespace train
}  // namespace turbotoken
