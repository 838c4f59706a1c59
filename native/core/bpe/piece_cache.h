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

  // A piece's set, tag and packed bytes, worked out once by find for the store that follows a miss.
  struct Probe {
    size_t set;
    uint32_t tag;
    uint64_t words[kMaxPieceBytes / 8];
  };

  // Appends the cached tokens of piece for vocabulary `vocab_id` and returns true, or false (then
  // *probe is where store() keeps the result, unless the piece is too long to cache).
  bool find(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out, Probe* probe);
  // Remembers tokens[0..count) as the result for the piece of `len` bytes that find() missed with
  // `probe` (ignored if either is too long).
  void store(uint32_t vocab_id, size_t len, const Probe& probe, const uint32_t* tokens, size_t count);

  // Pieces of kMaxPieceBytes + 1 to kMaxLongPieceBytes bytes (table rules, separator lines, long
  // identifiers and paths) have a smaller table of their own: they are few, but each merge costs
  // thousands of instructions (the 33-128-byte direct merge keeps its keys in memory; past 128
  // bytes the tree merge), and about half of their bytes in the mix repeat a piece seen shortly
  // before. Slots hold the whole piece, so a hit is exact after one memcmp.
  static constexpr size_t kMaxLongPieceBytes = 256;
  static constexpr size_t kMaxLongTokens = 128;
  // Like find, for kMaxPieceBytes < len <= kMaxLongPieceBytes; *hash is for store_long.
  bool find_long(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out, uint64_t* hash);
  void store_long(uint32_t vocab_id, const uint8_t* piece, size_t len, uint64_t hash, const uint32_t* tokens,
                  size_t count);

 private:
  struct Slot {
    uint64_t words[kMaxPieceBytes / 8];  // the piece, zero-padded
    uint32_t vocab_id;                   // 0 = empty
    uint8_t length;
    uint8_t count;
    uint32_t tokens[kMaxTokens];
  };
  // Sets of kWays slots. Source code's identifiers collided in one direct-mapped table
  // (cl100k_base, code.txt: 5,030 distinct merged pieces, 7,379 misses; 4 ways: 5,891).
  static constexpr size_t kSlots = 4096;
  static constexpr size_t kWays = 4;
  static constexpr size_t kSets = kSlots / kWays;
  // A set's entries in one word: kWays 16-bit entries, the most recently used lowest, each a
  // 14-bit tag from the piece's hash (never 0: 0 is an empty entry) and the way of its slot. A
  // miss reads this word alone (8 KB for all sets, in L1), not kWays slots; a hit reads one slot.
  static constexpr unsigned kWayBits = 2;
  static_assert(kWays == 4 && kWays == (1u << kWayBits), "four 16-bit entries fill a set's word");

  PieceCache();
  static void locate(const uint64_t* words, size_t len, uint32_t vocab_id, Probe* probe);
  static bool holds(const Slot& s, uint32_t vocab_id, size_t len, const uint64_t* words);

  std::vector<Slot> slots_;
  std::vector<uint64_t> sets_;

  struct LongSlot {
    uint64_t hash;
    uint32_t vocab_id;  // 0 = empty
    uint16_t length;
    uint16_t count;
    uint8_t bytes[kMaxLongPieceBytes];
    uint32_t tokens[kMaxLongTokens];
  };
  // Direct-mapped. Measured on the mix's 33-256-byte pieces (o200k_base, 10 MB): 64 slots answer
  // 74 KB of the 98 KB that repeat, 128 slots 79 KB, 1024 slots 92 KB.
  static constexpr size_t kLongSlots = 128;
  // Allocated by the first store (100 KB), so that threads that never see such a piece do not pay.
  std::vector<LongSlot> long_slots_;
};

}  // namespace turbotoken
