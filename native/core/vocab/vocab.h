// The mergeable ranks of one encoding: token bytes by rank, and the reverse lookup from bytes to
// rank that BPE merging asks millions of times per second.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "status.h"

namespace turbotoken {

constexpr uint32_t kNoRank = 0xFFFFFFFFu;
// Set in Vocab::TokenView::length_info for a token whose bytes are all ASCII.
constexpr uint16_t kAsciiToken = 0x100;

// The first min(len, 8) bytes of p as a little-endian integer, zero-padded; reads only p[0..len).
inline uint64_t pack_prefix(const uint8_t* p, size_t len) {
  uint64_t v;
  if (len >= 8) {
    std::memcpy(&v, p, 8);
    return v;
  }
  if (len >= 4) {
    // Two overlapping 4-byte loads; the overlap holds the same bytes in both.
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + len - 4, 4);
    return uint64_t(lo) | (uint64_t(hi) << ((len - 4) * 8));
  }
  if (len == 0) return 0;
  return uint64_t(p[0]) | (uint64_t(p[len >> 1]) << ((len >> 1) * 8)) | (uint64_t(p[len - 1]) << ((len - 1) * 8));
}

// Whether a[8..len) == b[8..len) for len > 8, with 8-byte loads that stay inside [0, len): the
// last one overlaps the one before. Inline, where memcmp was a library call per long lookup.
inline bool same_after_prefix(const uint8_t* a, const uint8_t* b, size_t len) {
  uint64_t x, y;
  for (size_t k = 8; k + 8 < len; k += 8) {
    std::memcpy(&x, a + k, 8);
    std::memcpy(&y, b + k, 8);
    if (x != y) return false;
  }
  std::memcpy(&x, a + len - 8, 8);
  std::memcpy(&y, b + len - 8, 8);
  return x == y;
}

class Vocab {
 public:
  // Parses a vocabulary blob, which is copied. Two formats (little-endian), both with the
  // tokens' bytes concatenated in rank order at the end:
  //   "TTV1", u32 slots, u8 length[slots] (0: no token at that rank)   (scripts/build-vocab.mjs)
  //   "TTV2", u32 tokens, u32 rank[tokens] (ascending), u8 length[tokens] (1..255)
  //   "TTV3", as TTV2 with u32 length[tokens] (1..kMaxTokenLength)
  // A TTV2/TTV3 blob's size follows the tokens whatever their ranks; src/vocab-file.ts writes
  // TTV2, or TTV3 when some token is longer than 255 bytes.
  // Either way the arrays by rank cover only the ranks the tokens fill (kDenseSlack).
  Status load(const uint8_t* blob, size_t size);

  // Rank of the token with exactly these bytes, or kNoRank.
  uint32_t rank_of(const uint8_t* bytes, size_t len) const {
    if (len == 1) return byte_rank_[bytes[0]];
    if (len == 2) return pair_rank_[size_t(bytes[0]) << 8 | bytes[1]];
    if (len > max_token_length_) return kNoRank;
    return find(pack_prefix(bytes, len), bytes, len);
  }
  // rank_of for 3 or more bytes, what a merge step looks up (a merged part and its neighbour):
  // the one- and two-byte tables' branches and the short keys' variable shifts are left out.
  uint32_t rank_of_joined(const uint8_t* bytes, size_t len) const {
    if (len > max_token_length_) return kNoRank;
    uint64_t key;
    if (len >= 8) {
      std::memcpy(&key, bytes, 8);
    } else if (len >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, bytes, 4);
      std::memcpy(&hi, bytes + len - 4, 4);
      key = uint64_t(lo) | (uint64_t(hi) << ((len - 4) * 8));
    } else {
      key = uint64_t(bytes[0]) | uint64_t(bytes[1]) << 8 | uint64_t(bytes[2]) << 16;
    }
    return find(key, bytes, len);
  }
  // rank_of_joined for bytes[0..len) that are also at `padded`, followed there by zeros up to at
  // least 8 bytes: the key is one load and a mask, with no branch on the length.
  uint32_t rank_of_joined_padded(const uint8_t* padded, const uint8_t* bytes, size_t len) const {
    if (len > max_token_length_) return kNoRank;
    uint64_t key;
    std::memcpy(&key, padded, 8);
    const size_t kept = len < 8 ? len : 8;
    key &= ~uint64_t(0) >> (64 - 8 * kept);
    return find(key, bytes, len);
  }
  uint32_t byte_rank(uint8_t b) const { return byte_rank_[b]; }
  // False for a caller's vocabulary that lacks some single byte: BPE can then leave a part that
  // is no token, which encode reports as kByteNotInVocabulary (tiktoken panics there).
  bool has_every_byte() const { return has_every_byte_; }

  // One past the largest rank.
  uint32_t slot_count() const { return rank_end_; }
  bool has_rank(uint32_t rank) const {  // lengths_ holds min(length, kLongToken), never 0 for a token
    if (__builtin_expect(rank < dense_count_, 1)) return lengths_[rank] != 0;
    return far_token(rank) != nullptr;
  }
  // The first rank at or after `rank` that has a token, or kNoRank: a walk over the tokens that
  // skips the ranks between far tokens (vocabulary_table.cpp).
  uint32_t next_rank(uint32_t rank) const;
  // For a rank that has a token (has_rank).
  const uint8_t* token_data(uint32_t rank) const {
    if (__builtin_expect(rank < dense_count_, 1)) return bytes_.data() + offsets_[rank];
    return bytes_.data() + far_token(rank)->offset;
  }
  uint32_t token_length(uint32_t rank) const {
    if (__builtin_expect(rank < dense_count_, 1)) return dense_length(rank);
    return far_token(rank)->length;
  }
  // The bytes of the token of this rank: false when there is none. One lookup for a far rank.
  bool token(uint32_t rank, const uint8_t** data, size_t* len) const {
    if (__builtin_expect(rank < dense_count_, 1)) {
      *data = bytes_.data() + offsets_[rank];
      *len = dense_length(rank);
      return *len != 0;
    }
    const FarToken* f = far_token(rank);
    if (!f) return false;
    *data = bytes_.data() + f->offset;
    *len = f->length;
    return true;
  }
  // The length of the longest token (at most kMaxTokenLength): no part BPE leaves is longer.
  size_t max_token_length() const { return max_token_length_; }
  // Raw views of the dense rank arrays (ranks below count) for loops that write bytes: through a
  // uint8_t* the compiler must assume a write may change a vector's own pointers and reloads
  // them on every token. A rank at or past count is a far token (token_data) or no token.
  struct TokenView {
    const uint8_t* bytes;
    const uint32_t* offsets;
    // 0: no token at that rank; kLongToken: 255 bytes or more (token() has the length).
    const uint8_t* lengths;
    // length | kAsciiToken when every byte of the token is ASCII (0: no token, and also a token
    // of kLongToken bytes or more, which the caller then takes through token()); one more zero
    // entry after the last rank, so that a 4-byte gather at any rank stays inside.
    const uint16_t* length_info;
    uint32_t count;
  };
  TokenView tokens() const {
    return {bytes_.data(), offsets_.data(), lengths_.data(), length_info_.data(), dense_count_};
  }
  size_t memory_bytes() const;
  // Unique per loaded vocabulary in this process (never 0); keys per-thread caches.
  uint32_t id() const { return id_; }

  // Tokens may be this long: a 64 KiB token. The long merge's windows (kMergeWindow, bpe.h) hold
  // at least four such tokens, and a merge's positions stay 32-bit.
  static constexpr size_t kMaxTokenLength = size_t(1) << 16;
  // The one-byte length arrays (lengths_, the table's entries) hold this for a token of this many
  // bytes or more; its length is then read from the offsets (dense_length) or the far token.
  static constexpr uint32_t kLongToken = 255;
  // Ranks are below this: a table slot keeps a rank in 24 bits.
  static constexpr uint32_t kMaxSlots = uint32_t(1) << 24;
  // The dense arrays cover ranks [0, d) for the largest d that is at most twice the number of
  // tokens below it plus this slack; the ranks past d are far tokens. Every shipped vocabulary
  // (ranks 0..n-1, a few holes) is dense throughout.
  static constexpr uint32_t kDenseSlack = 4096;
  // token_data(rank) can be read this many bytes past the token's start, whatever its length.
  static constexpr size_t kTokenSlack = 16;

 private:
  // The table's probe for a key of 3 or more bytes, packed as pack_prefix packs it. Inlined into
  // both lookups: it is the merge's innermost step.
  __attribute__((always_inline)) uint32_t find(uint64_t key, const uint8_t* bytes, size_t len) const {
    const uint64_t h = hash_of(key, len);
    if (!maybe_present(h)) return kNoRank;
    const uint32_t tail = tail_of(bytes, len);
    for (size_t slot = size_t(h >> shift_);; slot = (slot + 1) & mask_) {
      const Entry& e = table_[slot];
      if (holds(e, key, tail, bytes, len)) return e.rank();
      if (e.rank_length == 0) return kNoRank;
    }
  }

  // An open-addressing slot: the token's first 8 bytes packed and, past 8 bytes up to 12, its
  // last 4, so that a lookup of up to 12 bytes reads one cache line and compares integers. Past 12
  // bytes, tail is where the token starts in bytes_, and the rest of it is compared from there:
  // no lookup by rank, whose far ranks (far_token) would put a call into every merge loop.
  // rank_length is rank << 8 | min(length, kLongToken); 0 marks an empty slot.
  struct Entry {
    uint64_t key;
    uint32_t tail;
    uint32_t rank_length;
    uint32_t rank() const { return rank_length >> 8; }
    size_t length() const { return rank_length & 0xFF; }
  };
  // Whether slot e holds exactly bytes[0..len), whose packed prefix and tail are key and tail.
  bool holds(const Entry& e, uint64_t key, uint32_t tail, const uint8_t* bytes, size_t len) const {
    if (e.key != key || e.length() != (len < kLongToken ? len : kLongToken)) return false;
    if (len <= 12) return e.tail == tail;
    // A saturated length says only "255 or more": the token's own length decides (rare: only
    // tokens that long reach here).
    if (len >= kLongToken && token_length(e.rank()) != len) return false;
    return same_after_prefix(bytes_.data() + e.tail, bytes, len);
  }
  static uint32_t tail_of(const uint8_t* bytes, size_t len) {
    if (len <= 8) return 0;
    uint32_t t;
    std::memcpy(&t, bytes + len - 4, 4);
    return t;
  }

  static uint64_t hash_of(uint64_t key, size_t len) {
    return (key ^ (uint64_t(len) << 56)) * 0x9E3779B97F4A7C15ull;
  }
  // The filter marks two bits of one 64-bit word per token (a blocked Bloom filter): at 8 bits
  // per token fewer absent keys pass than with one bit at 16 bits per token, in half the memory,
  // which the merge's lookups share L2 with. The hash is mixed again first: the
  // product's low bits depend only on the key's low bytes, and bits taken from them would be
  // shared by every token with the same first four bytes (the slot index, from the top bits,
  // depends on all of them). The word comes from the top bits, the two bits from the middle.
  static uint64_t filter_mix(uint64_t h) {
    h ^= h >> 32;
    return h * 0xD6E8FEB86659FD93ull;
  }
  size_t filter_word(uint64_t g) const { return size_t(g >> filter_shift_); }
  static uint64_t filter_bits_of(uint64_t g) {
    return (uint64_t(1) << ((g >> 26) & 63)) | (uint64_t(1) << ((g >> 32) & 63));
  }
  bool maybe_present(uint64_t h) const {
    const uint64_t g = filter_mix(h);
    const uint64_t bits = filter_bits_of(g);
    return (filter_[filter_word(g)] & bits) == bits;
  }
  // A token whose rank is at or past dense_count_: 12 bytes, where dense arrays reaching its rank
  // would take 7 bytes per rank value (117 MB for a rank of 2^24 - 1).
  struct FarToken {
    uint32_t rank;
    uint32_t offset;  // in bytes_
    uint32_t length;
  };
  // The length of a dense token (0: none). offsets_ has one more entry, past the last dense token.
  uint32_t dense_length(uint32_t rank) const {
    const uint32_t l = lengths_[rank];
    if (__builtin_expect(l != kLongToken, 1)) return l;
    return offsets_[rank + 1] - offsets_[rank];
  }
  // The far token of this rank, or null. Out of line: no dense lookup pays for its code.
  __attribute__((noinline)) const FarToken* far_token(uint32_t rank) const;
  bool add(uint32_t rank, const uint8_t* p, size_t len);
  bool insert(uint32_t rank, const uint8_t* p, size_t len);
  bool allocate_table(size_t slots);
  // load() indexes and inserts the tokens in chunks through these out-of-line functions: in
  // WebAssembly a call that runs once stays in V8's baseline code, while a function called
  // again runs the optimised code compiled after its first calls.
  static constexpr uint32_t kLoadChunk = 4096;
  __attribute__((noinline)) size_t index_tokens(const uint32_t* lens, uint32_t from, uint32_t to, size_t offset);
  __attribute__((noinline)) bool insert_tokens(uint32_t from, uint32_t to);
  __attribute__((noinline)) bool insert_far_tokens(size_t from, size_t to);

  struct FreeTable {
    void operator()(Entry* p) const { std::free(p); }
  };

  std::vector<uint8_t> bytes_;      // all tokens, concatenated by rank
  std::vector<uint32_t> offsets_;   // dense rank -> start in bytes_; one more: the end of the last
  std::vector<uint8_t> lengths_;    // dense rank -> min(length, kLongToken) (0 = no token)
  std::vector<uint16_t> length_info_;  // dense rank -> TokenView::length_info (decode's length pass)
  std::vector<FarToken> far_;       // the ranks from dense_count_ on, ascending
  uint32_t dense_count_ = 0;        // lengths_.size(), kept apart for the inline lookups
  uint32_t rank_end_ = 0;           // one past the largest rank
  std::unique_ptr<Entry[], FreeTable> table_;  // mask_ + 1 slots; tokens of 3 or more bytes
  size_t mask_ = 0;
  unsigned shift_ = 64;
  uint32_t byte_rank_[256];
  // Every BPE merge starts by looking up each adjacent byte pair: a direct table (256 KB).
  std::vector<uint32_t> pair_rank_;
  // Two bits in one word per hash of every token of 3 or more bytes: most lookups during a merge
  // are for bytes that are no token, and this answers them from L2 instead of a miss in the table.
  std::vector<uint64_t> filter_;
  unsigned filter_shift_ = 64;  // 64 - log2(words)
  uint32_t id_ = 0;
  size_t max_token_length_ = 1;
  bool has_every_byte_ = true;
};

}  // namespace turbotoken
