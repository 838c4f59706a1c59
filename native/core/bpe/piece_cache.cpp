#include "bpe/piece_cache.h"

#include "util/hash_bytes.h"
#include "vocab/vocab.h"

#include <cstring>

namespace turbotoken {

namespace {

constexpr uint64_t kLaneOne = 0x0001000100010001ull;   // 1 in each 16-bit entry
constexpr uint64_t kLaneTop = 0x8000800080008000ull;   // each entry's top bit
constexpr uint64_t kTagBits = 0xFFFCFFFCFFFCFFFCull;   // each entry's tag (above its way)

// The piece as zero-padded 8-byte words, with loads that stay inside the piece (no memset and
// variable-length memcpy calls: a cache lookup is on every merged piece's path).
void load_words(const uint8_t* piece, size_t len, uint64_t* words) {
  for (size_t k = 0; k < PieceCache::kMaxPieceBytes / 8; k++) {
    const size_t at = k * 8;
    words[k] = at < len ? pack_prefix(piece + at, len - at < 8 ? len - at : 8) : 0;
  }
}

}  // namespace

PieceCache::PieceCache() : slots_(kSlots), sets_(kSets) {
  for (Slot& s : slots_) s.vocab_id = 0;
  // Empty entries (tag 0) naming ways 0..3, so that stores fill every way before evicting.
  for (uint64_t& set : sets_) set = uint64_t(0) | uint64_t(1) << 16 | uint64_t(2) << 32 | uint64_t(3) << 48;
}

PieceCache& PieceCache::local() {
  thread_local PieceCache cache;
  return cache;
}

void PieceCache::locate(const uint64_t* words, size_t len, uint32_t vocab_id, Probe* probe) {
  uint64_t h = uint64_t(len) * 0x9E3779B97F4A7C15ull ^ vocab_id;
  for (size_t k = 0; k < (len + 7) / 8; k++) h = (h ^ words[k]) * 0xD6E8FEB86659FD93ull;
  h ^= h >> 29;
  probe->set = size_t(h) & (kSets - 1);
  probe->tag = uint32_t(h >> 50) | 1;  // 14 bits, not 0
}

bool PieceCache::holds(const Slot& s, uint32_t vocab_id, size_t len, const uint64_t* words) {
  if (s.vocab_id != vocab_id || s.length != len) return false;
  for (size_t k = 0; k < (len + 7) / 8; k++)
    if (s.words[k] != words[k]) return false;
  return true;
}

bool PieceCache::find(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                      Probe* probe) {
  if (len > kMaxPieceBytes) return false;
  load_words(piece, len, probe->words);
  locate(probe->words, len, vocab_id, probe);
  uint64_t& set = sets_[probe->set];
  // The entries whose tag matches, all four compared at once: a lane of `differ` is 0 where the
  // tags are equal. The lowest flagged lane is always such a lane (a borrow only starts at one);
  // a higher one may be flagged wrongly, which the full compare below rejects.
  const uint64_t differ = (set ^ uint64_t(probe->tag) * kLaneOne << kWayBits) & kTagBits;
  for (uint64_t match = (differ - kLaneOne) & ~differ & kLaneTop; match; match &= match - 1) {
    const unsigned i = unsigned(__builtin_ctzll(match)) / 16;
    const uint64_t entry = (set >> (16 * i)) & 0xFFFF;
    const Slot& s = slots_[probe->set * kWays + (entry & (kWays - 1))];
    if (!holds(s, vocab_id, len, probe->words)) continue;  // two pieces with one tag
    // The entry moves to the front: the least recently used is the one a store evicts. Most hits
    // are on the front entry already.
    if (i > 0) {
      const uint64_t below = set & ((uint64_t(1) << (16 * i)) - 1);
      const uint64_t above = i + 1 < kWays ? set & ~((uint64_t(1) << (16 * (i + 1))) - 1) : 0;
      set = above | below << 16 | entry;
    }
    out.insert(out.end(), s.tokens, s.tokens + s.count);
    return true;
  }
  return false;
}

void PieceCache::store(uint32_t vocab_id, size_t len, const Probe& probe, const uint32_t* tokens, size_t count) {
  if (len > kMaxPieceBytes || count > kMaxTokens) return;
  uint64_t& set = sets_[probe.set];
  const uint64_t way = (set >> (16 * (kWays - 1))) & (kWays - 1);  // the least recently used entry's
  set = set << 16 | uint64_t(probe.tag) << kWayBits | way;
  Slot& s = slots_[probe.set * kWays + way];
  std::memcpy(s.words, probe.words, sizeof s.words);
  s.vocab_id = vocab_id;
  s.length = uint8_t(len);
  s.count = uint8_t(count);
  std::memcpy(s.tokens, tokens, count * sizeof(uint32_t));
}

bool PieceCache::find_long(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                           uint64_t* hash) {
  *hash = hash_bytes(piece, len, vocab_id);
  if (long_slots_.empty()) return false;
  const LongSlot& s = long_slots_[*hash & (kLongSlots - 1)];
  if (s.hash != *hash || s.vocab_id != vocab_id || s.length != len || std::memcmp(s.bytes, piece, len) != 0)
    return false;
  // Not out.insert: a second caller of that instantiation made GCC stop inlining it into find,
  // whose hits then paid a call (+8M instructions on the 10 MB mix).
  const size_t at = out.size();
  out.resize(at + s.count);
  std::memcpy(out.data() + at, s.tokens, s.count * sizeof(uint32_t));
  return true;
}

void PieceCache::store_long(uint32_t vocab_id, const uint8_t* piece, size_t len, uint64_t hash,
                            const uint32_t* tokens, size_t count) {
  if (len > kMaxLongPieceBytes || count > kMaxLongTokens) return;
  if (long_slots_.empty()) {
    long_slots_.resize(kLongSlots);
    for (LongSlot& s : long_slots_) s.vocab_id = 0;
  }
  LongSlot& s = long_slots_[hash & (kLongSlots - 1)];
  s.hash = hash;
  s.vocab_id = vocab_id;
  s.length = uint16_t(len);
  s.count = uint16_t(count);
  std::memcpy(s.bytes, piece, len);
  std::memcpy(s.tokens, tokens, count * sizeof(uint32_t));
}

}  // namespace turbotoken
