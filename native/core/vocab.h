// The mergeable ranks of one encoding: token bytes by rank, and the reverse lookup from bytes to
// rank that BPE merging asks millions of times per second.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace turbotoken {

constexpr uint32_t kNoRank = 0xFFFFFFFFu;

class Vocab {
 public:
  // Parses a .tkv blob (see scripts/build-vocab.mjs for the format). The blob is copied.
  Status load(const uint8_t* blob, size_t size);

  // Rank of the token with exactly these bytes, or kNoRank.
  uint32_t rank_of(const uint8_t* bytes, size_t len) const {
    if (len == 1) return byte_rank_[bytes[0]];
    return lookup(bytes, len);
  }
  uint32_t byte_rank(uint8_t b) const { return byte_rank_[b]; }

  // Number of rank slots (max rank + 1); slots without a token have length 0.
  uint32_t slot_count() const { return uint32_t(lengths_.size()); }
  bool has_rank(uint32_t rank) const { return rank < lengths_.size() && lengths_[rank] != 0; }
  const uint8_t* token_data(uint32_t rank) const { return bytes_.data() + offsets_[rank]; }
  uint32_t token_length(uint32_t rank) const { return lengths_[rank]; }
  size_t memory_bytes() const;

 private:
  uint32_t lookup(const uint8_t* bytes, size_t len) const;
  bool insert(uint32_t rank);

  std::vector<uint8_t> bytes_;      // all tokens, concatenated by rank
  std::vector<uint32_t> offsets_;   // rank -> start in bytes_
  std::vector<uint8_t> lengths_;    // rank -> length (0 = no token)
  std::vector<uint32_t> table_;     // open addressing: rank + 1, 0 = empty
  uint32_t mask_ = 0;
  uint32_t byte_rank_[256];
};

// The hash used by the rank table; exposed for tests of distribution, not for callers.
uint64_t hash_bytes(const uint8_t* bytes, size_t len);

}  // namespace turbotoken
