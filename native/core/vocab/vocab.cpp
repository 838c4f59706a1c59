#include "vocab/vocab.h"

#include <algorithm>
#include <atomic>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace turbotoken {

namespace {
std::atomic<uint32_t> g_next_vocab_id{1};

// Out of line, as index_tokens and insert_tokens are: inlined, this loop over every rank used up
// the WebAssembly tier-up budget of the function it was in, and V8 then compiled that whole
// function (tt_encoding_create with all of load inlined, 20 ms of TurboFan) to run it once.
// *long_tokens: how many have 3 bytes or more (the hash table's tokens).
__attribute__((noinline)) size_t total_length(const uint8_t* lens, uint32_t count, size_t* long_tokens) {
  size_t total = 0, long_count = 0;
  for (uint32_t r = 0; r < count; r++) {
    total += lens[r];
    long_count += lens[r] >= 3;
  }
  *long_tokens = long_count;
  return total;
}
}  // namespace

Status Vocab::load(const uint8_t* blob, size_t size) {
  if (size < 8 || std::memcmp(blob, "TTV1", 4) != 0) return Status::kInvalidVocabulary;
  uint32_t count;
  std::memcpy(&count, blob + 4, 4);
  if (count == 0 || count > kMaxSlots || size - 8 < count) return Status::kInvalidVocabulary;
  const uint8_t* lens = blob + 8;
  // Copied before they are checked: the checks and every later pass then read the same lengths,
  // even from memory that another thread changes (a SharedArrayBuffer).
  lengths_.assign(lens, lens + count);
  size_t long_tokens = 0;
  if (size - 8 - count != total_length(lengths_.data(), count, &long_tokens)) return Status::kInvalidVocabulary;
  const size_t total = size - 8 - count;

  max_token_length_ = std::max<size_t>(1, *std::max_element(lengths_.begin(), lengths_.end()));
  // kTokenSlack zero bytes after the last token let decode copy short tokens with one
  // fixed-size move.
  bytes_.reserve(total + kTokenSlack);
  bytes_.assign(lens + count, lens + count + total);
  bytes_.resize(total + kTokenSlack, 0);
  offsets_.resize(count);
  length_info_.assign(size_t(count) + 1, 0);
  size_t offset = 0;
  for (uint32_t r = 0; r < count; r += kLoadChunk)
    offset = index_tokens(r, std::min<uint32_t>(count, r + kLoadChunk), offset);
  // Load factor at most 1/2 keeps linear probes short. Sized by the tokens it holds, not by the
  // largest rank: a vocabulary of 3 tokens with rank 2^24 - 1 took 512 MB of table.
  unsigned bits = 4;
  while ((size_t(1) << bits) < long_tokens * 2) bits++;
  if (!allocate_table(size_t(1) << bits)) return Status::kOutOfMemory;
  mask_ = (size_t(1) << bits) - 1;
  shift_ = 64 - bits;
  for (auto& r : byte_rank_) r = kNoRank;
  pair_rank_.assign(size_t(1) << 16, kNoRank);
  unsigned filter_bits = 12;
  while ((size_t(1) << filter_bits) < long_tokens * 16) filter_bits++;
  filter_.assign((size_t(1) << filter_bits) / 64, 0);
  filter_shift_ = 64 - filter_bits;
  for (uint32_t r = 0; r < count; r += kLoadChunk)
    if (!insert_tokens(r, std::min<uint32_t>(count, r + kLoadChunk))) return Status::kInvalidVocabulary;
  has_every_byte_ = true;
  for (uint32_t r : byte_rank_)
    if (r == kNoRank) has_every_byte_ = false;
  id_ = g_next_vocab_id.fetch_add(1, std::memory_order_relaxed);
  return Status::kOk;
}

// Whether a token is ASCII is read 8 bytes at a time: a byte loop per token was a tenth of the
// WebAssembly load. A last partial word may read up to 7 bytes past the token, into the next one
// or the kTokenSlack zero bytes after the last, and masks those bytes off (the mask keeps the low
// bytes: little-endian, as load() already assumes when it reads the count).
static_assert(Vocab::kTokenSlack >= 8, "index_tokens reads 8 bytes at any token's start");
size_t Vocab::index_tokens(uint32_t from, uint32_t to, size_t offset) {
  const uint8_t* bytes = bytes_.data();
  const uint8_t* lengths = lengths_.data();
  uint32_t* offsets = offsets_.data();
  uint16_t* info = length_info_.data();
  for (uint32_t r = from; r < to; r++) {
    const size_t len = lengths[r];
    offsets[r] = uint32_t(offset);
    uint64_t high = 0, word;
    size_t k = 0;
    for (; k + 8 <= len; k += 8) {
      std::memcpy(&word, bytes + offset + k, 8);
      high |= word;
    }
    if (k < len) {
      std::memcpy(&word, bytes + offset + k, 8);
      high |= word & (~uint64_t(0) >> (64 - 8 * (len - k)));
    }
    const bool ascii = (high & 0x8080808080808080ull) == 0;
    info[r] = uint16_t(len | (ascii && len ? kAsciiToken : 0));
    offset += len;
  }
  return offset;
}

// False for a byte or a byte string that two ranks share. Tokens of one or two bytes go only to
// byte_rank_ and pair_rank_, where rank_of looks them up; the table holds the longer ones.
bool Vocab::insert_tokens(uint32_t from, uint32_t to) {
  for (uint32_t r = from; r < to; r++) {
    const uint8_t* p = token_data(r);
    switch (lengths_[r]) {
      case 0:
        continue;
      case 1:
        if (byte_rank_[p[0]] != kNoRank) return false;
        byte_rank_[p[0]] = r;
        continue;
      case 2: {
        uint32_t& pair = pair_rank_[size_t(p[0]) << 8 | p[1]];
        if (pair != kNoRank) return false;
        pair = r;
        continue;
      }
      default:
        if (!insert(r)) return false;
    }
  }
  return true;
}

// A token of 3 or more bytes. One probe both finds a token with the same bytes (false) and the
// free slot for this one; a lookup and then a second probe cost the WebAssembly build a third
// more time at load.
bool Vocab::insert(uint32_t rank) {
  const uint8_t* p = token_data(rank);
  const size_t len = lengths_[rank];
  const uint64_t key = pack_prefix(p, len);
  const uint64_t h = hash_of(key, len);
  size_t slot = size_t(h >> shift_);
  const uint32_t tail = tail_of(p, len);
  for (; table_[slot].rank_length; slot = (slot + 1) & mask_)
    if (holds(table_[slot], key, tail, p, len)) return false;
  table_[slot] = Entry{key, tail, rank << 8 | uint32_t(len)};
  const size_t b = filter_bit(h);
  filter_[b >> 6] |= uint64_t(1) << (b & 63);
  return true;
}

// Zeroed slots. On Linux a table of 2 MB or more is aligned to 2 MB and asks for transparent huge
// pages: o200k_base's 8 MB table then costs a fresh process 4 page faults instead of 2048, which
// took about 2.5 ms of its first getEncoding().
bool Vocab::allocate_table(size_t slots) {
  void* p = nullptr;
#ifdef __linux__
  constexpr size_t kHugePage = size_t(2) << 20;
  const size_t bytes = slots * sizeof(Entry);
  if (bytes >= kHugePage) {
    if (posix_memalign(&p, kHugePage, bytes) != 0) return false;
    madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages it still works
    std::memset(p, 0, bytes);
  }
#endif
  if (!p) p = std::calloc(slots, sizeof(Entry));
  table_.reset(static_cast<Entry*>(p));
  return p != nullptr;
}

size_t Vocab::memory_bytes() const {
  return bytes_.capacity() + offsets_.capacity() * 4 + lengths_.capacity() + length_info_.capacity() * 2 +
         (table_ ? (mask_ + 1) * sizeof(Entry) : 0) + pair_rank_.capacity() * 4 + filter_.capacity() * 8;
}

}  // namespace turbotoken
