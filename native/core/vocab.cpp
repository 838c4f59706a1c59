#include "vocab.h"

#include <atomic>

namespace turbotoken {

namespace {
std::atomic<uint32_t> g_next_vocab_id{1};
}  // namespace

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
  // Load factor at most 1/2 keeps linear probes short.
  unsigned bits = 4;
  while ((size_t(1) << bits) < size_t(count) * 2) bits++;
  table_.assign(size_t(1) << bits, Entry{0, 0, 0});
  mask_ = (size_t(1) << bits) - 1;
  shift_ = 64 - bits;
  for (auto& r : byte_rank_) r = kNoRank;
  for (uint32_t r = 0; r < count; r++) {
    if (!lengths_[r]) continue;
    if (lengths_[r] == 1) {
      uint8_t b = bytes_[offsets_[r]];
      if (byte_rank_[b] != kNoRank) return Status::kInvalidVocabulary;  // the same byte twice
      byte_rank_[b] = r;
    }
    if (!insert(r)) return Status::kInvalidVocabulary;  // the same bytes twice
  }
  has_every_byte_ = true;
  for (uint32_t r : byte_rank_)
    if (r == kNoRank) has_every_byte_ = false;
  id_ = g_next_vocab_id.fetch_add(1, std::memory_order_relaxed);
  return Status::kOk;
}

bool Vocab::insert(uint32_t rank) {
  const uint8_t* p = token_data(rank);
  size_t len = lengths_[rank];
  if (len > 1 && rank_of(p, len) != kNoRank) return false;
  uint64_t key = pack_prefix(p, len);
  size_t slot = slot_of(key, len);
  while (table_[slot].length) slot = (slot + 1) & mask_;
  table_[slot] = Entry{key, rank, uint32_t(len)};
  return true;
}

size_t Vocab::memory_bytes() const {
  return bytes_.capacity() + offsets_.capacity() * 4 + lengths_.capacity() +
         table_.capacity() * sizeof(Entry);
}

}  // namespace turbotoken
