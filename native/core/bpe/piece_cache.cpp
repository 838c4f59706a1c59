#include "bpe/piece_cache.h"

#include "vocab/vocab.h"

#include <cstring>

namespace turbotoken {

namespace {

// The piece as zero-padded 8-byte words, with loads that stay inside the piece (no memset and
// variable-length memcpy calls: a cache lookup is on every merged piece's path).
void load_words(const uint8_t* piece, size_t len, uint64_t* words) {
  for (size_t k = 0; k < PieceCache::kMaxPieceBytes / 8; k++) {
    const size_t at = k * 8;
    words[k] = at < len ? pack_prefix(piece + at, len - at < 8 ? len - at : 8) : 0;
  }
}

}  // namespace

PieceCache::PieceCache() : slots_(kSlots) {
  for (Slot& s : slots_) s.vocab_id = 0;
}

PieceCache& PieceCache::local() {
  thread_local PieceCache cache;
  return cache;
}

size_t PieceCache::slot_index(const uint64_t* words, size_t len, uint32_t vocab_id) {
  uint64_t h = uint64_t(len) * 0x9E3779B97F4A7C15ull ^ vocab_id;
  for (size_t k = 0; k < (len + 7) / 8; k++) h = (h ^ words[k]) * 0xD6E8FEB86659FD93ull;
  h ^= h >> 29;
  return size_t(h) & (kSlots - 1);
}

bool PieceCache::find(uint32_t vocab_id, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                      Probe* probe) {
  if (len > kMaxPieceBytes) return false;
  load_words(piece, len, probe->words);
  probe->slot = slot_index(probe->words, len, vocab_id);
  const Slot& s = slots_[probe->slot];
  if (s.vocab_id != vocab_id || s.length != len) return false;
  for (size_t k = 0; k < (len + 7) / 8; k++)
    if (s.words[k] != probe->words[k]) return false;
  out.insert(out.end(), s.tokens, s.tokens + s.count);
  return true;
}

void PieceCache::store(uint32_t vocab_id, size_t len, const Probe& probe, const uint32_t* tokens, size_t count) {
  if (len > kMaxPieceBytes || count > kMaxTokens) return;
  Slot& s = slots_[probe.slot];
  std::memcpy(s.words, probe.words, sizeof s.words);
  s.vocab_id = vocab_id;
  s.length = uint8_t(len);
  s.count = uint8_t(count);
  std::memcpy(s.tokens, tokens, count * sizeof(uint32_t));
}

}  // namespace turbotoken
