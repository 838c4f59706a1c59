#include "vocab/vocab.h"

#include <algorithm>
#include <atomic>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace turbotoken {

namespace {
std::atomic<uint32_t> g_next_vocab_id{1};

// What one pass over the lengths finds.
struct LengthScan {
  uint64_t total = 0;      // bytes of all tokens
  size_t long_tokens = 0;  // tokens of 3 bytes or more (the hash table's tokens)
  size_t zero = 0;         // lengths of 0
  uint32_t longest = 0;
};

// Out of line, as index_tokens and insert_tokens are: inlined, this loop over every rank used up
// the WebAssembly tier-up budget of the function it was in, and V8 then compiled that whole
// function (tt_encoding_create with all of load inlined, 20 ms of TurboFan) to run it once.
__attribute__((noinline)) LengthScan scan_lengths(const uint32_t* lens, uint32_t count) {
  LengthScan s;
  for (uint32_t k = 0; k < count; k++) {
    s.total += lens[k];
    s.long_tokens += lens[k] >= 3;
    s.zero += lens[k] == 0;
    s.longest = std::max(s.longest, lens[k]);
  }
  return s;
}

// The blob's lengths, widened: one byte each (TTV1, TTV2) or four (TTV3).
__attribute__((noinline)) void widen_lengths(const uint8_t* p, uint32_t count, bool wide, uint32_t* lens) {
  if (wide) {
    std::memcpy(lens, p, size_t(count) * 4);
    return;
  }
  for (uint32_t k = 0; k < count; k++) lens[k] = p[k];
}

// The dense arrays' extent: one past the largest rank r of a token with r < 2 * (tokens up to r)
// + Vocab::kDenseSlack. lens holds one length per slot (TTV1, ranks null) or per token (TTV2/3).
// load() skips this pass when the largest rank already qualifies (every shipped vocabulary).
__attribute__((noinline)) uint32_t dense_extent(const uint32_t* lens, const uint32_t* ranks, uint32_t count) {
  uint32_t tokens = 0, dense = 0;
  for (uint32_t k = 0; k < count; k++) {
    if (!lens[k]) continue;
    tokens++;
    const uint32_t rank = ranks ? ranks[k] : k;
    if (rank < 2 * tokens + Vocab::kDenseSlack) dense = rank + 1;
  }
  return dense;
}

// Whether ranks are strictly ascending and below the bound.
__attribute__((noinline)) bool ranks_ascending(const uint32_t* ranks, uint32_t count) {
  uint32_t next = 0;  // the least rank allowed here
  bool ok = true;
  for (uint32_t k = 0; k < count; k++) {
    ok &= ranks[k] >= next && ranks[k] < Vocab::kMaxSlots;
    next = ranks[k] + 1;
  }
  return ok;
}
}  // namespace

Status Vocab::load(const uint8_t* blob, size_t size) {
  if (size < 8) return Status::kInvalidVocabulary;
  const bool wide = std::memcmp(blob, "TTV3", 4) == 0;
  const bool ranked = wide || std::memcmp(blob, "TTV2", 4) == 0;
  if (!ranked && std::memcmp(blob, "TTV1", 4) != 0) return Status::kInvalidVocabulary;
  uint32_t count;
  std::memcpy(&count, blob + 4, 4);
  size_t rest = size - 8;
  const size_t length_size = wide ? 4 : 1;
  const size_t per_entry = (ranked ? 4 : 0) + length_size;
  if (count == 0 || count > kMaxSlots || rest / per_entry < count) return Status::kInvalidVocabulary;
  const uint8_t* p = blob + 8;
  // Copied before they are checked: the checks and every later pass then read the same ranks
  // and lengths, even from memory that another thread changes (a SharedArrayBuffer).
  std::vector<uint32_t> ranks;
  if (ranked) {
    ranks.resize(count);
    std::memcpy(ranks.data(), p, size_t(count) * 4);
    p += size_t(count) * 4;
    rest -= size_t(count) * 4;
    if (!ranks_ascending(ranks.data(), count)) return Status::kInvalidVocabulary;
  }
  std::vector<uint32_t> lens(count);
  widen_lengths(p, count, wide, lens.data());
  p += size_t(count) * length_size;
  rest -= size_t(count) * length_size;
  const LengthScan scan = scan_lengths(lens.data(), count);
  if (rest != scan.total || (ranked && scan.zero != 0) || scan.longest > kMaxTokenLength)
    return Status::kInvalidVocabulary;
  const size_t total = rest;
  // Token offsets are 32-bit.
  if (uint64_t(total) > UINT32_MAX - kTokenSlack) return Status::kInvalidVocabulary;

  max_token_length_ = std::max<size_t>(1, scan.longest);
  // kTokenSlack zero bytes after the last token let decode copy short tokens with one
  // fixed-size move.
  bytes_.reserve(total + kTokenSlack);
  bytes_.assign(p, p + total);
  bytes_.resize(total + kTokenSlack, 0);

  // The dense arrays, and the tokens past them (in rank order, so their bytes come last).
  const uint32_t tokens = count - uint32_t(scan.zero);
  const uint32_t last = ranked ? ranks[count - 1] : count - 1;
  const uint32_t dense = lens[count - 1] != 0 && last < 2 * tokens + kDenseSlack
                             ? last + 1
                             : dense_extent(lens.data(), ranked ? ranks.data() : nullptr, count);
  dense_count_ = dense;
  rank_end_ = ranked ? ranks[count - 1] + 1 : count;
  far_.clear();
  // The dense ranks' full lengths, by rank.
  std::vector<uint32_t> dense_lens;
  if (!ranked) {
    for (uint32_t r = dense; r < count; r++)
      if (lens[r]) far_.push_back(FarToken{r, 0, lens[r]});
    lens.resize(dense);
    dense_lens = std::move(lens);
  } else {
    dense_lens.assign(dense, 0);
    uint32_t k = 0;
    for (; k < count && ranks[k] < dense; k++) dense_lens[ranks[k]] = lens[k];
    far_.reserve(count - k);
    for (; k < count; k++) far_.push_back(FarToken{ranks[k], 0, lens[k]});
  }
  std::vector<uint32_t>().swap(lens);
  std::vector<uint32_t>().swap(ranks);
  lengths_.resize(dense);
  offsets_.resize(size_t(dense) + 1);
  length_info_.assign(size_t(dense) + 1, 0);
  size_t offset = 0;
  for (uint32_t r = 0; r < dense; r += kLoadChunk)
    offset = index_tokens(dense_lens.data(), r, std::min<uint32_t>(dense, r + kLoadChunk), offset);
  offsets_[dense] = uint32_t(offset);
  std::vector<uint32_t>().swap(dense_lens);
  for (FarToken& f : far_) {
    f.offset = uint32_t(offset);
    offset += f.length;
  }
  // Load factor at most 0.8: tokens go in by rank, so the frequent ones keep their first slot, and
  // the filter stops most absent keys before they probe; half the table's cache lines of load 1/2
  // made the mix 6-9% faster (docs/performance.md, the rank table). Sized by the tokens it holds,
  // not by the largest rank: a vocabulary of 3 tokens with rank 2^24 - 1 took 512 MB of table.
  const size_t long_tokens = scan.long_tokens;
  unsigned bits = 4;
  while ((size_t(1) << bits) * 4 < long_tokens * 5) bits++;
  if (!allocate_table(size_t(1) << bits)) return Status::kOutOfMemory;
  mask_ = (size_t(1) << bits) - 1;
  shift_ = 64 - bits;
  for (auto& r : byte_rank_) r = kNoRank;
  pair_rank_.assign(size_t(1) << 16, kNoRank);
  // 8 bits per token, in 64-bit words (docs/performance.md, the absence filter).
  unsigned filter_bits = 12;
  while ((size_t(1) << filter_bits) < long_tokens * 8) filter_bits++;
  filter_.assign((size_t(1) << filter_bits) / 64, 0);
  filter_shift_ = 64 - (filter_bits - 6);
  for (uint32_t r = 0; r < dense; r += kLoadChunk)
    if (!insert_tokens(r, std::min<uint32_t>(dense, r + kLoadChunk))) return Status::kInvalidVocabulary;
  for (size_t k = 0; k < far_.size(); k += kLoadChunk)
    if (!insert_far_tokens(k, std::min<size_t>(far_.size(), k + kLoadChunk))) return Status::kInvalidVocabulary;
  has_every_byte_ = true;
  for (uint32_t r : byte_rank_)
    if (r == kNoRank) has_every_byte_ = false;
  id_ = g_next_vocab_id.fetch_add(1, std::memory_order_relaxed);
  return Status::kOk;
}

const Vocab::FarToken* Vocab::far_token(uint32_t rank) const {
  auto it = std::lower_bound(far_.begin(), far_.end(), rank,
                             [](const FarToken& f, uint32_t r) { return f.rank < r; });
  return it != far_.end() && it->rank == rank ? &*it : nullptr;
}

// Whether a token is ASCII is read 8 bytes at a time: a byte loop per token was a tenth of the
// WebAssembly load. A last partial word may read up to 7 bytes past the token, into the next one
// or the kTokenSlack zero bytes after the last, and masks those bytes off (the mask keeps the low
// bytes: little-endian, as load() already assumes when it reads the count).
static_assert(Vocab::kTokenSlack >= 8, "index_tokens reads 8 bytes at any token's start");
size_t Vocab::index_tokens(const uint32_t* lens, uint32_t from, uint32_t to, size_t offset) {
  const uint8_t* bytes = bytes_.data();
  uint8_t* lengths = lengths_.data();
  uint32_t* offsets = offsets_.data();
  uint16_t* info = length_info_.data();
  for (uint32_t r = from; r < to; r++) {
    const size_t len = lens[r];
    offsets[r] = uint32_t(offset);
    lengths[r] = uint8_t(len < kLongToken ? len : kLongToken);
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
    // A long token's entry is 0, which sends decode's length pass to token() for it.
    info[r] = len >= kLongToken ? 0 : uint16_t(len | (ascii && len ? kAsciiToken : 0));
    offset += len;
  }
  return offset;
}

// False for a byte or a byte string that two ranks share. Tokens of one or two bytes go only to
// byte_rank_ and pair_rank_, where rank_of looks them up; the table holds the longer ones.
inline bool Vocab::add(uint32_t rank, const uint8_t* p, size_t len) {
  switch (len) {
    case 0:
      return true;
    case 1:
      if (byte_rank_[p[0]] != kNoRank) return false;
      byte_rank_[p[0]] = rank;
      return true;
    case 2: {
      uint32_t& pair = pair_rank_[size_t(p[0]) << 8 | p[1]];
      if (pair != kNoRank) return false;
      pair = rank;
      return true;
    }
    default:
      return insert(rank, p, len);
  }
}

bool Vocab::insert_tokens(uint32_t from, uint32_t to) {
  for (uint32_t r = from; r < to; r++)
    if (!add(r, bytes_.data() + offsets_[r], dense_length(r))) return false;
  return true;
}

bool Vocab::insert_far_tokens(size_t from, size_t to) {
  for (size_t k = from; k < to; k++)
    if (!add(far_[k].rank, bytes_.data() + far_[k].offset, far_[k].length)) return false;
  return true;
}

// A token of 3 or more bytes. One probe both finds a token with the same bytes (false) and the
// free slot for this one; a lookup and then a second probe cost the WebAssembly build a third
// more time at load.
bool Vocab::insert(uint32_t rank, const uint8_t* p, size_t len) {
  const uint64_t key = pack_prefix(p, len);
  const uint64_t h = hash_of(key, len);
  size_t slot = size_t(h >> shift_);
  const uint32_t tail = tail_of(p, len);
  for (; table_[slot].rank_length; slot = (slot + 1) & mask_)
    if (holds(table_[slot], key, tail, p, len)) return false;
  const uint32_t at = len <= 12 ? tail : uint32_t(p - bytes_.data());
  table_[slot] = Entry{key, at, rank << 8 | uint32_t(len < kLongToken ? len : kLongToken)};
  const uint64_t g = filter_mix(h);
  filter_[filter_word(g)] |= filter_bits_of(g);
  return true;
}

// Zeroed slots. On Linux a table of 2 MB or more is aligned to 2 MB and asks for transparent huge
// pages: a fresh process then faults once per 2 MB instead of once per 4 KB (an 8 MB table: 4
// faults instead of 2048, which took about 2.5 ms of a first getEncoding()).
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
         far_.capacity() * sizeof(FarToken) +
         (table_ ? (mask_ + 1) * sizeof(Entry) : 0) + pair_rank_.capacity() * 4 + filter_.capacity() * 8;
}

}  // namespace turbotoken
