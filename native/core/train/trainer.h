// Training a byte-level BPE vocabulary: count the distinct pre-tokenized chunks of a corpus, then
// merge the most frequent adjacent pair of tokens until the vocabulary is full. docs/training.md
// defines the result; this is the implementation.
//
// The merge loop follows Hugging Face's BpeTrainer step for step (which rustbpe shares): a max-heap
// of (count, pair) entries, each carrying the words it was counted in, stale counts corrected
// lazily when an entry reaches the top, pair counts updated from each merged word's changes (no
// recount per merge). Ties go to the smallest (left id, right id) pair, with ids in one of two
// orders: raw byte values (rustbpe) or GPT-2's byte-to-character code points (Hugging Face).
//
// Every entry point returns a TrainStatus; nothing throws across this boundary of its own accord
// (an allocation that fails throws std::bad_alloc, which the binding turns into kOutOfMemory).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace turbotoken {
namespace regex {
class Program;
}
namespace train {

enum class TrainStatus : uint8_t {
  kOk = 0,
  kOutOfMemory,
  kInvalidText,      // document ends that decrease or pass the text, or text that is not UTF-8
  kInvalidArgument,  // an unknown family or chunking mode
};

const char* train_status_name(TrainStatus s);

enum class Chunking : uint8_t { kLines = 0, kDocuments = 1 };

// How documents become chunks: cut into units (lines, each with its "\n"; or whole documents,
// truncated to max_document_chars code points when that is non-zero), then each unit split by a
// shipped family's scanner (family 0-2, see pretok/pretokenizer.h) or by a pattern program
// (family -1: the pattern's successive matches, and the text between them as chunks of its own, as
// Hugging Face's Split with behavior Isolated keeps it).
struct SplitSpec {
  int family = 0;
  const regex::Program* program = nullptr;
  Chunking chunking = Chunking::kLines;
  uint32_t max_document_chars = 0;
};

// One part of a ChunkTable: an open-addressing table over one byte arena.
class ChunkShard {
 public:
  ChunkShard();
  void add(const uint8_t* s, size_t n, uint64_t count, uint64_t hash);
  // Asks for the slot `hash` probes first to be brought into the cache ahead of its add.
  void prefetch(uint64_t hash) const { __builtin_prefetch(slots_.data() + (uint32_t(hash) & (slots_.size() - 1))); }
  // Drops every chunk counted at most `threshold` times.
  void drop_at_most(uint64_t threshold);
  // Empties the shard and gives its memory back.
  void release();
  // Adds every chunk of `other` (its stored hashes reused) and empties it, keeping its memory.
  void absorb(ChunkShard& other);
  size_t size() const { return used_; }
  uint64_t memory_bytes() const;

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Slot& e : slots_)
      if (e.len != kEmpty) fn(bytes_of(e), size_t(e.len), e.count);
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // Chunks up to this long are held in their slot: a probe that finds one reads one cache line,
  // not the slot's and then the arena's (most chunks of text are this short).
  static constexpr uint32_t kInline = 16;
  // 32 bytes. `hash` is the low half of the chunk's hash: slots are found by its low bits (a
  // shard has fewer than 2^32 slots; rebuild refuses more), and it is compared before the bytes.
  struct Slot {
    uint64_t count;
    uint32_t hash;
    uint32_t len;
    union {
      uint8_t bytes[kInline];  // len <= kInline
      uint64_t offset;         // len > kInline: where the bytes start in arena_
    };
  };
  static Slot empty_slot() {
    Slot e{};
    e.len = kEmpty;
    return e;
  }
  const uint8_t* bytes_of(const Slot& e) const { return e.len <= kInline ? e.bytes : arena_.data() + e.offset; }
  void rebuild(size_t capacity, bool compact);
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  size_t used_ = 0;
};

// A multiset of byte strings with 64-bit counts, in shards chosen by the top bits of each
// string's hash, so that threads can each add to shards that no other thread touches (count_chunks'
// merge of the batch tables).
class ChunkTable {
 public:
  // 64 so that threads taking shards in turn end within a small part of each other.
  static constexpr unsigned kShardBits = 6;
  static constexpr unsigned kShards = 1u << kShardBits;
  ChunkTable() : shards_(kShards) {}
  static uint64_t hash(const uint8_t* s, size_t n);
  static unsigned shard_of(uint64_t hash) { return unsigned(hash >> (64 - kShardBits)); }
  void add(const uint8_t* s, size_t n, uint64_t count);
  // add() with the hash already computed (ChunkTable::hash), into its shard.
  void add_hashed(const uint8_t* s, size_t n, uint64_t count, uint64_t hash) { shards_[shard_of(hash)].add(s, n, count, hash); }
  void prefetch(uint64_t hash) const { shards_[shard_of(hash)].prefetch(hash); }
  // Drops every chunk with a count at most t, for the smallest t that leaves at most `target`.
  void prune_to(size_t target);
  size_t size() const;
  uint64_t memory_bytes() const;
  void release();
  // Shard k of `other` added to shard k and emptied: threads each absorbing other shards do not meet.
  void absorb_shard(unsigned k, ChunkTable& other) { shards_[k].absorb(other.shards_[k]); }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const ChunkShard& shard : shards_) shard.for_each(fn);
  }

 private:
  std::vector<ChunkShard> shards_;
};

// Counting threads kept for a run (not in the WebAssembly build): started on first use, each
// waiting for the next batch, so that a batch does not wait for a thread to start (chunks.cpp).
class CountPool;

// The table a run counts into, and what its counting threads keep between batches. With N
// threads, thread 0 counts into the table and thread t > 0 into batch_tables[t - 1], each with the
// chunks of the parts it takes; after the batch the threads add the batch tables to the table,
// the shards taken in turn, no shard by two threads. So the table is whole after every batch (a
// progress report gives the distinct count, a cap prunes the whole count), and a batch table holds
// at most one batch's distinct chunks. No chunk is handed from thread to thread while counting:
// each thread adds what it cuts while its bytes are in the cache.
struct ChunkTables {
  ChunkTables();
  ~ChunkTables();
  ChunkTables(const ChunkTables&) = delete;
  ChunkTables& operator=(const ChunkTables&) = delete;
  ChunkTable table;
  // The counting threads other than the caller's, kept from batch to batch; finish_count ends them.
  std::shared_ptr<CountPool> pool;
  // Threads 1..N-1's tables of the batch being counted: empty between batches, their memory kept.
  std::vector<ChunkTable> batch_tables;

  // Whether the split matched anywhere in what was counted: a pattern that never matches leaves
  // only the text between matches, which the trainer refuses (ERR_EMPTY_CORPUS).
  bool matched = false;

  // Distinct chunks held between batches, whatever the thread count.
  size_t held() const { return table.size(); }
  uint64_t memory_bytes() const;
};

// Where count_chunks spent its CPU time, per thread (seconds; not measured in the WebAssembly build).
struct CountStats {
  std::vector<double> count_threads;  // checking, cutting and counting the parts
  std::vector<double> merge_threads;  // adding the batch tables to the table
};

// Adds the chunks of documents text[ends[k-1]..ends[k]) (ends[-1] = 0) to `tables`, on `threads`
// threads (1 in the WebAssembly build). When max_chunks is non-zero and the table grows past it,
// it is pruned to half of it (ChunkTable::prune_to). Text must be well-formed UTF-8, and every
// document end must fall between characters.
TrainStatus count_chunks(const SplitSpec& spec, const uint8_t* text, size_t size, const uint32_t* ends,
                         size_t count, unsigned threads, size_t max_chunks, ChunkTables& tables,
                         CountStats* stats = nullptr);

// Ends the counting threads and frees the batch tables; learn_merges reads tables.table
// only. Safe to call more than once.
TrainStatus finish_count(ChunkTables& tables);

struct MergeOptions {
  uint64_t vocab_size = 0;     // stop when the vocabulary (counted per hf_order) reaches this
  uint64_t special_count = 0;  // special tokens, counted in the vocabulary
  uint64_t min_frequency = 0;  // stop at the first pair counted fewer times
  bool hf_order = false;       // ids in Hugging Face's order instead of raw byte values
  bool scaffold = false;       // Scaffold-BPE: scaffold tokens leave the vocabulary's count
};

struct MergeResult {
  // Per merge: left, right and the resulting token, in the output layout: ids 0-255 are the
  // bytes, merged tokens are 256, 257, ... in the order they were first made. A merge whose
  // bytes are already a token (another pair made them before) names that token.
  std::vector<uint32_t> triples;
  std::vector<uint64_t> counts;  // the count each merge was made at
  uint32_t alphabet = 0;          // distinct bytes seen
  // With MergeOptions::scaffold: the scaffold tokens at the end, ascending, in the output layout.
  // They keep their merges and ids (longer tokens are merged through them) but are not counted
  // in the vocabulary size; an encoding demerges them (docs/training.md).
  std::vector<uint32_t> scaffold;
};

TrainStatus learn_merges(const ChunkTable& table, const MergeOptions& options, MergeResult& out);

}  // namespace train
}  // namespace turbotoken
