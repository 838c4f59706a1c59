#include "bpe/merge_list.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>
#include <new>

#include "util/hash_bytes.h"

namespace turbotoken {

namespace {

uint64_t mix(uint64_t key) {
  key ^= key >> 31;
  key *= 0x9e3779b97f4a7c15ull;
  return key ^ (key >> 29);
}

// The code point of the well-formed UTF-8 sequence at p and its length; kNoToken and length 1 for
// an ill-formed one (each of its bytes is then a character the vocabulary does not have).
uint32_t next_char(const uint8_t* p, size_t n, size_t& len) {
  uint8_t b = p[0];
  len = 1;
  if (b < 0x80) return b;
  size_t need;
  uint32_t cp;
  uint32_t min;
  if (b >= 0xc2 && b <= 0xdf) need = 2, cp = b & 0x1f, min = 0x80;
  else if (b >= 0xe0 && b <= 0xef) need = 3, cp = b & 0x0f, min = 0x800;
  else if (b >= 0xf0 && b <= 0xf4) need = 4, cp = b & 0x07, min = 0x10000;
  else return kNoToken;
  if (n < need) return kNoToken;
  for (size_t k = 1; k < need; k++) {
    if ((p[k] & 0xc0) != 0x80) return kNoToken;
    cp = cp << 6 | (p[k] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return kNoToken;
  len = need;
  return cp;
}

}  // namespace

namespace merge_list_detail {

struct Symbol {
  uint32_t c;
  uint32_t prev;  // kNoToken: none
  uint32_t next;
  uint32_t len;   // bytes; 0 once merged into the symbol on its left
};

// A candidate merge: rank << 32 | position, the lowest rank first, then the leftmost. A 4-ary
// min-heap of them, as the reference uses: its children share a cache line, and a heap over a
// long word is past the caches.
class Candidates {
 public:
  bool empty() const { return v_.empty(); }
  void clear() { v_.clear(); }
  size_t capacity() const { return v_.capacity(); }
  void release() { std::vector<uint64_t>().swap(v_); }
  void push(uint64_t key) {
    size_t i = v_.size();
    v_.push_back(key);
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (v_[parent] <= key) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = key;
  }
  uint64_t pop() {
    const uint64_t top = v_[0];
    const uint64_t last = v_.back();
    v_.pop_back();
    const size_t n = v_.size();
    if (n == 0) return top;
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < end; c++) {
        if (v_[c] < v_[best]) best = c;
      }
      if (v_[best] >= last) break;
      v_[i] = v_[best];
      i = best;
    }
    v_[i] = last;
    return top;
  }

 private:
  std::vector<uint64_t> v_;
};

}  // namespace merge_list_detail

using merge_list_detail::Candidates;
using merge_list_detail::Symbol;


Status MergeList::create(const uint32_t* table, size_t words, std::unique_ptr<MergeList>& out) {
  if (!table || words < kMergeListHeader || table[0] != kMergeListMagic) return Status::kInvalidVocabulary;
  const uint64_t merges = table[1];
  const uint64_t chars = table[2];
  const uint64_t joined = table[6];
  if (words != kMergeListHeader + 3 * merges + 2 * chars + joined) return Status::kInvalidVocabulary;
  std::unique_ptr<MergeList> list(new (std::nothrow) MergeList());
  if (!list) return Status::kOutOfMemory;
  const uint32_t flags = table[3];
  list->fuse_unk_ = (flags & kFuseUnk) != 0;
  list->unk_ = table[4];
  list->cut_ = table[5];
  list->space_is_cut_ = (flags & kSpaceIsCut) != 0 && list->cut_ != kNoToken;
  static std::atomic<uint64_t> serials{0};
  list->serial_ = ++serials;
  std::copy(table + 7, table + kMergeListHeader, list->byte_ids_);
  size_t capacity = 16;
  while (capacity < merges * 2) capacity <<= 1;
  list->slots_.reset(new LargeArray<Slot>(capacity));
  Slot* slots = list->slots_->data();
  std::fill(slots, slots + capacity, Slot{kEmpty, 0, 0});
  list->mask_ = capacity - 1;
  const uint32_t* m = table + kMergeListHeader;
  // In batches whose slots are prefetched first: each insert lands on a random line of a table
  // far larger than the cache (16 MB for Gemma 3's 514k merges), and waiting on each miss in
  // turn was most of the build. Inserts stay in rank order, so a pair listed twice keeps its last.
  constexpr uint64_t kBatch = 16;
  uint64_t keys[kBatch], homes[kBatch];
  uint32_t results[kBatch];
  for (uint64_t base = 0; base < merges; base += kBatch) {
    const uint64_t n = merges - base < kBatch ? merges - base : kBatch;
    for (uint64_t b = 0; b < n; b++, m += 3) {
      // Each word read once: a table that changes while it is read still gives a checked list.
      const uint32_t left = m[0], right = m[1], result = m[2];
      if (left == kNoToken || right == kNoToken || result == kNoToken) return Status::kInvalidVocabulary;
      keys[b] = uint64_t(left) << 32 | right;
      results[b] = result;
      homes[b] = mix(keys[b]) & list->mask_;
      __builtin_prefetch(&slots[homes[b]], 1);
    }
    for (uint64_t b = 0; b < n; b++) {
      const uint64_t key = keys[b];
      uint64_t i = homes[b];
      while (slots[i].key != kEmpty && slots[i].key != key) i = (i + 1) & list->mask_;
      slots[i] = Slot{key, uint32_t(base + b), results[b]};
    }
  }
  list->bmp_.assign(0x10000, kNoToken);
  const uint32_t* c = m;
  for (uint64_t k = 0; k < chars; k++, c += 2) {
    const uint32_t cp = c[0], id = c[1];
    if (cp > 0x10ffff || id == kNoToken) return Status::kInvalidVocabulary;
    if (cp < 0x10000) list->bmp_[cp] = id;
    else list->astral_[cp] = id;
  }
  list->joined_.assign(c, c + joined);
  const uint32_t cut = list->cut_;
  // The cut character's UTF-8 as the forward scan would decode it (never a surrogate's).
  if (cut < 0x80) list->cut_bytes_[0] = uint8_t(cut), list->cut_len_ = 1;
  else if (cut < 0x800) list->cut_bytes_[0] = uint8_t(0xc0 | cut >> 6), list->cut_bytes_[1] = uint8_t(0x80 | (cut & 0x3f)), list->cut_len_ = 2;
  else if (cut < 0x10000 && !(cut >= 0xd800 && cut <= 0xdfff)) {
    list->cut_bytes_[0] = uint8_t(0xe0 | cut >> 12), list->cut_bytes_[1] = uint8_t(0x80 | ((cut >> 6) & 0x3f)), list->cut_bytes_[2] = uint8_t(0x80 | (cut & 0x3f));
    list->cut_len_ = 3;
  } else if (cut >= 0x10000 && cut <= 0x10ffff) {
    list->cut_bytes_[0] = uint8_t(0xf0 | cut >> 18), list->cut_bytes_[1] = uint8_t(0x80 | ((cut >> 12) & 0x3f));
    list->cut_bytes_[2] = uint8_t(0x80 | ((cut >> 6) & 0x3f)), list->cut_bytes_[3] = uint8_t(0x80 | (cut & 0x3f));
    list->cut_len_ = 4;
  }
  list->cut_has_id_ = cut != kNoToken && list->char_id(cut) != kNoToken;
  std::sort(list->joined_.begin(), list->joined_.end());
  out = std::move(list);
  return Status::kOk;
}

const MergeList::Slot* MergeList::find(uint32_t left, uint32_t right) const {
  const uint64_t key = uint64_t(left) << 32 | right;
  uint64_t i = mix(key) & mask_;
  for (;;) {
    const Slot& s = slots_->data()[i];
    if (s.key == key) return &s;
    if (s.key == kEmpty) return nullptr;
    i = (i + 1) & mask_;
  }
}

uint32_t MergeList::char_id(uint32_t cp) const {
  if (cp < 0x10000) return bmp_[cp];
  if (cp == kNoToken) return kNoToken;
  auto it = astral_.find(cp);
  return it == astral_.end() ? kNoToken : it->second;
}

size_t MergeList::memory_bytes() const {
  return sizeof(*this) + (slots_ ? mask_ + 1 : 0) * sizeof(Slot) + bmp_.capacity() * sizeof(uint32_t) + astral_.size() * 32;
}

bool MergeList::joined_to_cut(uint32_t cp) const {
  return std::binary_search(joined_.begin(), joined_.end(), cp);
}

namespace {

// The reference's merge loop (merge_all without dropout) over symbols, appending the ids left.
// A popped candidate is stale unless its position still holds a pair of its rank. (The reference
// compares the merge's result instead; where every result is the concatenation of its pair, as
// in a tokenizer.json, a position cannot come to hold another pair with the same result, so the
// two checks agree.)
template <typename Find>
void merge_all(std::vector<Symbol>& symbols, Candidates& heap, const Find& find, std::vector<uint32_t>& out) {
  heap.clear();
  for (uint32_t k = 0; k + 1 < symbols.size(); k++) {
    if (const auto* s = find(symbols[k].c, symbols[k + 1].c)) heap.push(uint64_t(s->rank) << 32 | k);
  }
  while (!heap.empty()) {
    const uint64_t top = heap.pop();
    const uint32_t pos = uint32_t(top);
    Symbol& sym = symbols[pos];
    if (sym.len == 0 || sym.next == kNoToken) continue;
    const Symbol right = symbols[sym.next];
    const auto* s = find(sym.c, right.c);
    if (!s || s->rank != uint32_t(top >> 32)) continue;
    symbols[sym.next].len = 0;
    sym.c = s->result;
    sym.len += right.len;
    sym.next = right.next;
    if (right.next != kNoToken) symbols[right.next].prev = pos;
    if (sym.prev != kNoToken) {
      if (const auto* l = find(symbols[sym.prev].c, sym.c)) heap.push(uint64_t(l->rank) << 32 | sym.prev);
    }
    if (sym.next != kNoToken) {
      if (const auto* r = find(sym.c, symbols[sym.next].c)) heap.push(uint64_t(r->rank) << 32 | pos);
    }
  }
  for (const Symbol& s : symbols) {
    if (s.len != 0) out.push_back(s.c);
  }
  symbols.clear();
}

// Text repeats its words: the ids of parts of up to kCachedPart bytes are kept per thread, up to
// kCachedParts of them (then the cache starts afresh), in an open-addressing table of 16-byte
// entries over a pool of records (the list's serial, the part's bytes, its ids). A lookup reads
// one entry and one record; a node-based map of strings cost a string copy and a chase through
// its bucket, node and string (12% of Llama 2's encode in perf), and a fixed 4,096-part table
// missed on most of a varied text's words.
constexpr size_t kCachedPart = 64;
constexpr size_t kCachedParts = size_t(1) << 16;

class PartCache {
 public:
  static uint64_t hash(uint64_t serial, const uint8_t* p, size_t n) { return hash_bytes(p, n, serial); }

  // Starts loading the entry a later find of hash h reads first.
  void prefetch(uint64_t h) const {
    if (!table_.empty()) __builtin_prefetch(&table_[size_t(h) & kMask]);
  }

  bool find(uint64_t serial, const uint8_t* p, size_t n, uint64_t h, std::vector<uint32_t>& out) const {
    if (table_.empty()) return false;
    const uint32_t tag = tag_of(h);
    for (size_t i = size_t(h) & kMask;; i = (i + 1) & kMask) {
      const Entry& e = table_[i];
      if (e.tag == 0) return false;
      if (e.tag != tag) continue;
      const uint8_t* r = pool_.data() + e.at;
      Record head;
      std::memcpy(&head, r, sizeof head);
      if (head.serial != serial || head.len != n || std::memcmp(r + sizeof head, p, n) != 0) continue;
      const size_t at = out.size();
      out.resize(at + head.count);
      std::memcpy(out.data() + at, r + sizeof head + n, head.count * sizeof(uint32_t));
      return true;
    }
  }

  void store(uint64_t serial, const uint8_t* p, size_t n, uint64_t h, const uint32_t* ids, size_t count) {
    if (count > 0xffff) return;
    if (table_.empty()) table_.assign(kCapacity, Entry{0, 0});
    if (used_ >= kCachedParts || pool_.size() > (size_t(1) << 24)) {
      std::fill(table_.begin(), table_.end(), Entry{0, 0});
      pool_.clear();
      used_ = 0;
    }
    size_t i = size_t(h) & kMask;
    while (table_[i].tag != 0) i = (i + 1) & kMask;
    const size_t at = pool_.size();
    const Record head{serial, uint32_t(n), uint32_t(count)};
    pool_.resize(at + sizeof head + n + count * sizeof(uint32_t));
    uint8_t* r = pool_.data() + at;
    std::memcpy(r, &head, sizeof head);
    std::memcpy(r + sizeof head, p, n);
    std::memcpy(r + sizeof head + n, ids, count * sizeof(uint32_t));
    table_[i] = Entry{tag_of(h), uint32_t(at)};
    used_++;
  }

 private:
  // Twice kCachedParts: probes stay short. 8-byte entries: 1 MB, where the table's miss was most
  // of a cached part's cost.
  static constexpr size_t kCapacity = 2 * kCachedParts;
  static constexpr size_t kMask = kCapacity - 1;
  static uint32_t tag_of(uint64_t h) { return uint32_t(h >> 32) | 1; }  // 0 marks an empty entry
  struct Entry {
    uint32_t tag;
    uint32_t at;  // the record's offset in pool_ (under 2^24 + a record)
  };
  struct Record {
    uint64_t serial;
    uint32_t len;
    uint32_t count;
  };
  std::vector<Entry> table_;
  std::vector<uint8_t> pool_;
  size_t used_ = 0;
};

}  // namespace

// The character that ends at p[j] (j >= 1) as the forward scan reads it (a space as the cut
// character when kSpaceIsCut), or kNoToken for an ill-formed byte. A lead or ASCII byte always
// starts a character in the forward scan: no well-formed sequence has one past its first byte.
uint32_t MergeList::char_before(const uint8_t* p, size_t j) const {
  const uint8_t last = p[j - 1];
  if (last < 0x80) return last == 0x20 && space_is_cut_ ? cut_ : last;
  if ((last & 0xc0) != 0x80) return kNoToken;
  for (size_t k = 2; k <= 4 && k <= j; k++) {
    if ((p[j - k] & 0xc0) == 0x80) continue;
    size_t len;
    const uint32_t cp = next_char(p + j - k, k, len);
    return len == k ? cp : kNoToken;
  }
  return kNoToken;
}

// Where the part starting at `from` ends: the first later position of the cut character (a space
// when kSpaceIsCut) whose character before is a token that no merge result has just before the
// cut character (merge_list.h), else n. The forward scan in merge_part cuts exactly there.
size_t MergeList::next_cut(const uint8_t* p, size_t n, size_t from) const {
  if (!cut_has_id_) return n;
  for (size_t j = from + 1; j < n; j++) {
    const uint8_t b = p[j];
    const bool at_cut = (b == 0x20 && space_is_cut_) ||
                        (cut_len_ && b == cut_bytes_[0] && n - j >= cut_len_ && std::memcmp(p + j, cut_bytes_, cut_len_) == 0);
    if (!at_cut) continue;
    const uint32_t before = char_before(p, j);
    if (before != kNoToken && char_id(before) != kNoToken && !joined_to_cut(before)) return j;
  }
  return n;
}

namespace {

// Per thread: the addon may encode on several threads with one list.
struct Scratch {
  std::vector<Symbol> symbols;
  Candidates heap;
  PartCache cache;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

// The symbols of one part (no cut inside it), merged, their ids appended.
void MergeList::merge_part(const uint8_t* p, size_t n, std::vector<Symbol>& symbols, Candidates& heap, std::vector<uint32_t>& out) const {
  symbols.clear();
  auto add = [&](uint32_t id, uint32_t len) {
    const uint32_t k = uint32_t(symbols.size());
    if (k > 0) symbols.back().next = k;
    symbols.push_back(Symbol{id, k > 0 ? k - 1 : kNoToken, kNoToken, len});
  };
  uint32_t unk_len = 0;  // > 0: an unknown token is pending (fused with the next unknown ones)
  for (size_t i = 0; i < n;) {
    size_t len;
    const uint32_t cp = p[i] == 0x20 && space_is_cut_ ? (len = 1, cut_) : next_char(p + i, n - i, len);
    const uint32_t id = char_id(cp);
    if (id != kNoToken) {
      if (unk_len) add(unk_, unk_len), unk_len = 0;
      add(id, uint32_t(len));
    } else {
      bool bytes = true;
      for (size_t k = 0; k < len; k++) bytes = bytes && byte_ids_[p[i + k]] != kNoToken;
      if (bytes) {
        // The reference adds the byte tokens before a pending unknown token; so does this.
        for (size_t k = 0; k < len; k++) add(byte_ids_[p[i + k]], 1);
      } else if (unk_ != kNoToken) {
        if (unk_len && fuse_unk_) {
          unk_len += uint32_t(len);
        } else {
          if (unk_len) add(unk_, unk_len);
          unk_len = uint32_t(len);
        }
      }
      // Neither: the reference drops the character.
    }
    i += len;
  }
  if (unk_len) add(unk_, unk_len);
  merge_all(symbols, heap, [this](uint32_t l, uint32_t r) { return this->find(l, r); }, out);
}

void MergeList::encode_word(const uint8_t* p, size_t n, std::vector<uint32_t>& out) const {
  Scratch& s = scratch();
  // Parts are found before their symbols are built: a part in the cache costs a scan for the cut
  // character and one lookup. A part's ids depend on its bytes alone (a cut is never inside an
  // unknown token's run, nor inside a character).
  // One part ahead: its cache entry is loaded while this one is merged or copied.
  size_t end = n ? next_cut(p, n, 0) : 0;
  uint64_t h = end <= kCachedPart ? PartCache::hash(serial_, p, end) : 0;
  for (size_t part = 0; part < n;) {
    const size_t next_end = end < n ? next_cut(p, n, end) : n;
    const uint64_t next_h = end < n && next_end - end <= kCachedPart ? PartCache::hash(serial_, p + end, next_end - end) : 0;
    if (end < n && next_end - end <= kCachedPart) s.cache.prefetch(next_h);
    const uint8_t* q = p + part;
    const size_t len = end - part;
    if (len > kCachedPart) {
      merge_part(q, len, s.symbols, s.heap, out);
    } else if (!s.cache.find(serial_, q, len, h, out)) {
      const size_t first = out.size();
      merge_part(q, len, s.symbols, s.heap, out);
      s.cache.store(serial_, q, len, h, out.data() + first, out.size() - first);
    }
    part = end;
    end = next_end;
    h = next_h;
  }
  // A huge word's scratch is not kept for the life of the thread.
  if (s.symbols.capacity() > (1u << 20)) std::vector<Symbol>().swap(s.symbols), s.heap.release();
}

Status MergeList::encode_words(const uint8_t* bytes, size_t size, const uint32_t* ends, size_t count, std::vector<uint32_t>& out) const {
  if (size >= kNoToken) return Status::kInvalidPieces;  // positions are 32-bit
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    if (ends[k] < start || ends[k] > size) return Status::kInvalidPieces;
    start = ends[k];
  }
  start = 0;
  for (size_t k = 0; k < count; k++) {
    encode_word(bytes + start, ends[k] - start, out);
    start = ends[k];
  }
  return Status::kOk;
}

Status MergeList::set_added(const uint8_t* texts, size_t size, const uint32_t* ends, const uint32_t* ids, size_t count) {
  std::vector<SpecialToken> tokens;
  tokens.reserve(count);
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    if (ends[k] < start || ends[k] > size) return Status::kInvalidPieces;
    if (ends[k] == start) return Status::kInvalidSpecialToken;
    tokens.push_back(SpecialToken{std::string(reinterpret_cast<const char*>(texts + start), ends[k] - start), ids[k]});
    start = ends[k];
  }
  added_.build(tokens);
  added_ids_.assign(ids, ids + count);
  return Status::kOk;
}

Status MergeList::encode_text(const uint8_t* text, size_t size, const uint8_t* accept, size_t accept_count, bool prepend,
                              std::vector<uint32_t>& out) const {
  if (size >= kNoToken) return Status::kInvalidPieces;  // positions are 32-bit
  if (accept && accept_count < added_ids_.size()) return Status::kInvalidPieces;
  thread_local std::vector<uint8_t> word;
  auto encode = [&](size_t start, size_t end) {
    if (end == start) return;
    if (!prepend) return encode_word(text + start, end - start, out);
    // The prepended cut character, as the space that kSpaceIsCut reads as one.
    word.assign(1, 0x20);
    word.insert(word.end(), text + start, text + end);
    encode_word(word.data(), word.size(), out);
  };
  size_t at = 0;
  SpecialMatch m;
  while (at < size && added_.find(text, at, size, accept, &m)) {
    encode(at, m.start);
    out.push_back(added_ids_[m.index]);
    at = m.end;
  }
  encode(at, size);
  if (word.capacity() > (1u << 20)) std::vector<uint8_t>().swap(word);
  return Status::kOk;
}

}  // namespace turbotoken
