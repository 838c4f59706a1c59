#include "vocab.h"

#include <cstring>

namespace turbotoken {
namespace {

inline uint64_t load_partial(const uint8_t* p, size_t len) {
  uint64_t v = 0;
  std::memcpy(&v, p, len);
  return v;
}

inline uint64_t mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t hash_bytes(const uint8_t* bytes, size_t len) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t(len) * 0xFF51AFD7ED558CCDull);
  while (len >= 8) {
    h = mix(h ^ load_partial(bytes, 8));
    bytes += 8;
    len -= 8;
  }
  if (len) h = mix(h ^ load_partial(bytes, len) ^ (uint64_t(len) << 59));
  return mix(h);
}

Status Vocab::load(const uint8_t* blob, size_t size) {
  if (size < 8 || std::memcmp(blob, "TTV1", 4) != 0) return Status::kInvalidVocabulary;
  uint32_t count;
  std::memcpy(&count, blob + 4, 4);
  if (count == 0 || size - 8 < count) return Status::kInvalidVocabulary;
  const uint8_t* lens = blob + 8;
  size_t total = 0;
  for (uint32_t r = 0; r < count; r++) total += lens[r];
  if (size - 8 - count != total) return Status::kInvalidVocabulary;

  lengths_.assign(lens, lens + count);
  bytes_.assign(lens + count, lens + count + total);
  offsets_.resize(count);
  size_t offset = 0;
  for (uint32_t r = 0; r < count; r++) {
    offsets_[r] = uint32_t(offset);
    offset += lengths_[r];
  }
  uint32_t capacity = 16;
  while (capacity < count * 2u) capacity <<= 1;
  table_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (auto& r : byte_rank_) r = kNoRank;
  for (uint32_t r = 0; r < count; r++) {
    if (!lengths_[r]) continue;
    if (!insert(r)) return Status::kInvalidVocabulary;  // the same bytes twice
    if (lengths_[r] == 1) byte_rank_[bytes_[offsets_[r]]] = r;
  }
  for (uint32_t r : byte_rank_)
    if (r == kNoRank) return Status::kInvalidVocabulary;  // BPE needs every single byte
  return Status::kOk;
}

bool Vocab::insert(uint32_t rank) {
  const uint8_t* p = token_data(rank);
  size_t len = lengths_[rank];
  if (lookup(p, len) != kNoRank) return false;
  uint32_t slot = uint32_t(hash_bytes(p, len)) & mask_;
  while (table_[slot]) slot = (slot + 1) & mask_;
  table_[slot] = rank + 1;
  return true;
}

uint32_t Vocab::lookup(const uint8_t* bytes, size_t len) const {
  if (len > 255) return kNoRank;
  uint32_t slot = uint32_t(hash_bytes(bytes, len)) & mask_;
  for (;;) {
    uint32_t entry = table_[slot];
    if (!entry) return kNoRank;
    uint32_t rank = entry - 1;
    if (lengths_[rank] == len && std::memcmp(token_data(rank), bytes, len) == 0) return rank;
    slot = (slot + 1) & mask_;
  }
}

size_t Vocab::memory_bytes() const {
  return bytes_.capacity() + offsets_.capacity() * 4 + lengths_.capacity() + table_.capacity() * 4;
}

}  // namespace turbotoken
