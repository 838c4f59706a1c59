// A per-thread cache of BPE results for pieces that are not single tokens. Real text repeats its
// words (a document's names, an inflected word in every sentence), and merging a piece costs tens
// of rank lookups while a cache hit costs one slot compare. Results are exact by construction: a
// hit returns what the merge returned for the same bytes in the same vocabulary.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace turbotoken {

class PieceCache {
 public:
  static constexpr size_t kMaxPieceBytes = 32;
  static constexpr size_t kMaxTokens = 8;

  // The calling thread's cache.
  static PieceCache& local();

  // A piece's slot and packed bytes, worked out once by find for the store that follows a miss.
  struct Probe {
    size_t slot;
    uint64_t words[kMaxPieceBytes / 8];
  };

  // Appends the cached tokens of piece for vocabulary `vocab_id` and returns true, or false (then
  // *probe is where store() keeps the result, unless the piece is too long to cache).
  bool find(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out, Probe* probe);
  // Remembers tokens[0..count) as the result for the piece of `len` bytes that find() missed with
  // `probe` (ignored if either is too long).
  void store(uint32_t vocab_id, size_t len, const Probe& probe, const uint32_t* tokens, size_t count);

 private:
  struct Slot {
    uint64_t words[kMaxPieceBytes / 8];  // the piece, zero-padded
    uint32_t vocab_id;                   // 0 = empty
    uint8_t length;
    uint8_t count;
    uint32_t tokens[kMaxTokens];
  };
  static constexpr size_t kSlots = 4096;

  PieceCache();
  static size_t slot_index(const uint64_t* words, size_t len, uint32_t vocab_id);

  std::vector<Slot> slots_;
};

}  // namespace turbotoken
