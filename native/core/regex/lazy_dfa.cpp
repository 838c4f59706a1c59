#include "regex/lazy_dfa.h"

#include <algorithm>
#include <cstring>

#include "kernels.h"
#include "regex/closure.h"
#include "regex/utf8_read.h"

namespace turbotoken {
namespace regex {
namespace {

using utf8_read::decode_at;
using utf8_read::decode_before;
using utf8_read::kNone;

}  // namespace

LazyDfa::LazyDfa(const Program& program) : p_(program) {
  const std::vector<Instruction>& code = p_.code();
  const std::vector<uint32_t>& ranges = p_.ranges();
  for (uint32_t k = 0; k < code.size(); k++) {
    if (code[k].op == Op::kPrevIn || code[k].op == Op::kPrevNotIn) behind_.push_back(k);
  }
  if (behind_.size() > 32) {
    usable_ = false;
    return;
  }
  // Classes: every range of every set starts one and ends before another.
  bounds_.push_back(0);
  for (const Instruction& in : code) {
    if (!has_set(in.op)) continue;
    for (uint32_t j = 0; j < in.b; j++) {
      bounds_.push_back(ranges[2 * (in.a + j)]);
      if (ranges[2 * (in.a + j) + 1] < 0x10FFFF) bounds_.push_back(ranges[2 * (in.a + j) + 1] + 1);
    }
  }
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  symbols_ = uint32_t(bounds_.size()) + 1;
  stride_ = symbols_ + 1;
  for (uint32_t c = 0; c < 128; c++) ascii_[c] = slow_symbol(c);
  for (uint32_t b = 0; b < 256; b++) byte_class_[b] = b < 128 ? ascii_[b] : symbols_;
  for (uint32_t b = 0; b < 256; b++) class_offset_[b] = byte_class_[b] * uint32_t(sizeof(int32_t));
  build_class_table();
  // The classes a match can start with: those a class instruction reachable from the start
  // without reading takes, whatever the assertions on the way say.
  std::vector<uint8_t> seen(code.size(), 0);
  std::vector<uint32_t> firsts, stack{0};
  while (!stack.empty()) {
    uint32_t at = stack.back();
    stack.pop_back();
    if (at >= code.size() || seen[at]) continue;
    seen[at] = 1;
    const Instruction& in = code[at];
    if (in.op == Op::kMatch) continue;
    if (in.op == Op::kClass) firsts.push_back(at);
    else if (in.op == Op::kJump) stack.push_back(in.a);
    else if (in.op == Op::kSplit) stack.push_back(in.a), stack.push_back(in.b);
    else stack.push_back(at + 1);
  }
  first_.assign(symbols_, 0);
  for (uint32_t k = 0; k + 1 < symbols_; k++) {
    for (uint32_t at : firsts) {
      if (p_.contains(code[at], bounds_[k])) {
        first_[k] = 1;
        break;
      }
    }
  }
  build_start_bytes();
  mark_.assign(code.size(), 0);
}

// UTF-8 lead bytes grow with the code point, so a class's interval marks a run of lead bytes.
void LazyDfa::build_start_bytes() {
  const auto lead = [](uint32_t cp) -> uint32_t {
    if (cp < 0x800) return 0xC0 | (cp >> 6);
    if (cp < 0x10000) return 0xE0 | (cp >> 12);
    return 0xF0 | (cp >> 18);
  };
  uint8_t* const start_byte = start_bytes_.member;
  skip_bytes_ = !first_[symbol(utf8_read::kReplacement)];
  for (uint32_t b = 0; b < 128; b++) start_byte[b] = first_[ascii_[b]] ? 1 : 0;
  for (uint32_t b = 128; b < 256; b++) start_byte[b] = skip_bytes_ ? 0 : 1;
  if (skip_bytes_) {
    for (uint32_t k = 0; k + 1 < symbols_; k++) {
      if (!first_[k]) continue;
      const uint32_t lo = std::max<uint32_t>(bounds_[k], 0x80);
      const uint32_t hi = k + 1 < bounds_.size() ? bounds_[k + 1] - 1 : 0x10FFFF;
      if (hi < lo) continue;
      for (uint32_t b = lead(lo); b <= lead(hi); b++) start_byte[b] = 1;
    }
  }
  start_bytes_.build_nibbles();
}

uint32_t LazyDfa::slow_symbol(uint32_t cp) const {
  if (cp > 0x10FFFF) return symbols_ - 2;  // never asked for: kNone is the end, not a character
  return uint32_t(std::upper_bound(bounds_.begin(), bounds_.end(), cp) - bounds_.begin()) - 1;
}

// A block of 256 code points that no class boundary crosses is one class: those blocks share
// one row per class, so only the blocks a boundary falls in are spelled out (Qwen3's pattern:
// a few hundred of 4,352).
void LazyDfa::build_class_table() {
  if (symbols_ > 0xFFFF) return;  // classes past u16: binary search instead
  const uint32_t kBlocks = 0x110000 >> 8;
  block_of_.assign(kBlocks, 0);
  std::unordered_map<uint32_t, uint16_t> uniform;
  size_t k = 0;  // the class of the block's first code point
  for (uint32_t b = 0; b < kBlocks; b++) {
    const uint32_t lo = b << 8, hi = lo + 255;
    while (k + 1 < bounds_.size() && bounds_[k + 1] <= lo) k++;
    const bool one = k + 1 >= bounds_.size() || bounds_[k + 1] > hi;
    if (one) {
      auto hit = uniform.find(uint32_t(k));
      if (hit != uniform.end()) {
        block_of_[b] = hit->second;
        continue;
      }
    }
    const uint16_t id = uint16_t(blocks_.size() / 256);
    blocks_.resize(blocks_.size() + 256);
    size_t c = k;
    for (uint32_t j = 0; j < 256; j++) {
      while (c + 1 < bounds_.size() && bounds_[c + 1] <= lo + j) c++;
      blocks_[size_t(id) * 256 + j] = uint16_t(c);
    }
    if (one) uniform.emplace(uint32_t(k), id);
    block_of_[b] = id;
  }
}

void LazyDfa::reset() {
  states_.clear();
  table_.clear();
  next_.clear();
  index_.clear();
  starts_.clear();
  start_begin_ = start_plain_ = -1;
  state_bytes_ = 0;
  full_ = false;
  // Capacity too: a full DFA gives its memory back.
  std::vector<State>().swap(states_);
  std::vector<int32_t>().swap(table_);
  std::vector<int32_t>().swap(next_);
}

size_t LazyDfa::memory_bytes() const {
  return state_bytes_ + block_of_.size() * sizeof(uint16_t) + blocks_.size() * sizeof(uint16_t) +
         bounds_.size() * sizeof(uint32_t) + first_.size() + mark_.size() * sizeof(uint32_t);
}

uint32_t LazyDfa::prev_mask(uint32_t cp) const {
  uint32_t mask = 0;
  if (behind_.empty()) return 0;
  for (size_t j = 0; j < behind_.size(); j++) {
    if (p_.contains(p_.code()[behind_[j]], cp)) mask |= 1u << j;
  }
  return mask;
}

int32_t LazyDfa::state_of(const std::vector<uint32_t>& pcs, uint32_t mask, bool at_begin) {
  std::string key(reinterpret_cast<const char*>(pcs.data()), pcs.size() * sizeof(uint32_t));
  key.append(reinterpret_cast<const char*>(&mask), sizeof mask);
  key.push_back(at_begin ? 1 : 0);
  auto hit = index_.find(key);
  if (hit != index_.end()) return hit->second;
  // A row of the table and of next_, the key twice (the index and the state) and the containers'
  // overhead.
  const size_t bytes = 2 * stride_ * sizeof(int32_t) + key.size() * 2 + 128;
  if (state_bytes_ + bytes > kMaxCacheBytes) {
    full_ = true;
    return -2;
  }
  state_bytes_ += bytes;
  int32_t id = int32_t(states_.size());
  states_.push_back(State{pcs, mask, at_begin});
  table_.resize(states_.size() * size_t(stride_), kUnknown);
  next_.resize(table_.size(), kUnknown);
  put(table_.size() - 1, kNonAscii);
  index_.emplace(std::move(key), id);
  return id;
}

// The transition of `state` on class `sym`: the closure of its threads given that character
// (and what the state knows of the one before), the match if one is reached (threads after it are
// dropped, as the VM drops them), and the threads the character carries on.
bool LazyDfa::step(uint32_t state, uint32_t sym, int32_t* next, bool* matched) {
  const std::vector<Instruction>& code = p_.code();
  const bool at_end = sym + 1 == symbols_;
  const uint32_t cp = at_end ? kNone : bounds_[sym];
  const uint32_t mask = states_[state].mask;
  const bool at_begin = states_[state].at_begin;
  if (++stamp_ == 0) {
    std::fill(mark_.begin(), mark_.end(), 0u);
    stamp_ = 1;
  }
  list_.clear();
  // In priority order, depth first, each instruction once: as the VM's add().
  pcs_ = states_[state].pcs;
  const auto passes = [&](const Instruction& in, uint32_t at) {
    switch (in.op) {
      case Op::kBegin: return at_begin;
      case Op::kEnd: return at_end;
      case Op::kNextIn: return p_.contains(in, cp);
      case Op::kNextNotIn: return !p_.contains(in, cp);
      case Op::kPrevIn:
      case Op::kPrevNotIn: {
        size_t j = std::find(behind_.begin(), behind_.end(), at) - behind_.begin();
        bool in_set = (mask >> j) & 1u;
        return in.op == Op::kPrevIn ? in_set : !in_set;
      }
      default: return true;
    }
  };
  for (uint32_t start : pcs_) {
    follow_closure(code, start, mark_, stamp_, stack_, passes, [&](uint32_t at) { list_.push_back(at); });
  }
  *matched = false;
  next_pcs_.clear();
  for (uint32_t at : list_) {
    if (code[at].op == Op::kMatch) {
      *matched = true;
      break;
    }
    if (!at_end && p_.contains(code[at], cp)) next_pcs_.push_back(at + 1);
  }
  if (next_pcs_.empty() || at_end) {
    *next = -1;
    return true;
  }
  int32_t id = state_of(next_pcs_, prev_mask(cp), false);
  if (id == -2) return false;
  *next = id;
  return true;
}

int32_t LazyDfa::start_state(uint32_t mask, bool at_begin) {
  if (!at_begin) {
    auto hit = starts_.find(mask);
    if (hit != starts_.end()) return hit->second;
  }
  int32_t state = state_of(std::vector<uint32_t>{0}, mask, at_begin);
  if (state >= 0 && !at_begin) starts_.emplace(mask, state);
  return state;
}

// Builds the transition of the state at `row` on `sym` into the table.
bool LazyDfa::fill(int64_t row, uint32_t sym, int32_t* v) {
  int32_t next = -1;
  bool matched = false;
  if (!step(uint32_t(row / stride_), sym, &next, &matched)) return false;
  const int32_t m = matched ? 1 : 0;
  *v = next < 0 ? kDead | m : int32_t((int64_t(next) * stride_) << kFlagBits) | m;
  put(size_t(row) + sym, *v);
  return true;
}

int64_t LazyDfa::start_row(const uint8_t* text, size_t size, size_t pos) {
  int32_t state;
  if (pos == 0) state = start_begin_ >= 0 ? start_begin_ : (start_begin_ = start_state(0, true));
  else if (behind_.empty()) state = start_plain_ >= 0 ? start_plain_ : (start_plain_ = start_state(0, false));
  else state = start_state(prev_mask(decode_before(text, size, pos)), false);
  return state < 0 ? -1 : int64_t(state) * stride_;
}

// The entry that replaces a dead-with-a-match one (row, sym): the piece ends before the character
// and the next search, from the start state, reads it; so the entry is the start state's on the
// same class, flagged kBoundary (and kMatched: an empty match at the new start adds no piece).
// 0 when that cannot be folded in: lookbehind (the start state depends on the character before),
// the row is the start state's own, or the start state's entry is not a built state.
int32_t LazyDfa::fold_boundary(int64_t row, uint32_t sym) {
  if (!behind_.empty() || start_plain_ < 0) return 0;
  const int64_t restart = int64_t(start_plain_) * stride_;
  // For good: marked so that the scan loop does not call again for every piece that ends there
  // (DeepSeek-V3's digit groups, which end before a character no search starts with).
  if (row == restart) return put(size_t(row) + sym, kDeadUnfolded), 0;
  int32_t w = table_[size_t(restart) + sym];
  if (w == kUnknown && !fill(restart, sym, &w)) return 0;
  if (w < 0) return put(size_t(row) + sym, kDeadUnfolded), 0;
  const int32_t v = w | kBoundary | kMatched;
  put(size_t(row) + sym, v);
  return v;
}

size_t LazyDfa::next_start_far(const uint8_t* text, size_t from, size_t size) const {
  return kernel_find_in_set()(start_bytes_, text, from, size);
}

namespace {

// scan()'s output into a vector (find_matches_with's bounds).
struct VectorOut {
  std::vector<uint32_t>& v;
  void append(const uint32_t* w, size_t n) { v.insert(v.end(), w, w + n); }
  void push_pair(uint32_t a, uint32_t b) {
    v.push_back(a);
    v.push_back(b);
  }
};

}  // namespace

LazyDfa::Result LazyDfa::scan(const uint8_t* text, size_t size, size_t* pos, std::vector<uint32_t>& bounds,
                              size_t* reach) {
  VectorOut out{bounds};
  return scan_into(text, size, pos, out, 0, reach);
}

LazyDfa::Result LazyDfa::scan_words(const uint8_t* text, size_t size, size_t* pos, Words& out, uint32_t bias,
                                    size_t* reach) {
  return scan_into(text, size, pos, out, bias, reach);
}

// One loop for all the matches of a stretch: an anchored search from `at`; where it dies, the
// match it found (if any) is written and the next search starts at its end. When that end is
// where the search died (the usual case: a piece ends where the character after it cannot extend
// it), the table entry itself says so (fold_boundary): the piece's end is written without a
// branch and the walk goes on in the next search's state, so a piece boundary costs no
// mispredicted branch and no restart. The reach bound (kOverscan bytes past the last match or the
// start) is checked only at the end of each kOverscan-byte chunk, so the inner loop tests one
// pointer per byte; a search may read up to 2 x kOverscan bytes past its last match before it
// gives up, still a constant.
template <class Out>
LazyDfa::Result LazyDfa::scan_into(const uint8_t* text, size_t size, size_t* pos, Out& bounds, uint32_t bias,
                                   size_t* reach) {
  if (full_) return Result::kGiveUp;
  // Written offsets are from `origin`: the text's start less the bias, in integers (the pointer
  // itself may lie before any array), so the bias costs nothing per byte.
  const uintptr_t origin = uintptr_t(text) - bias;
  const auto offset = [origin](const uint8_t* q) { return uint32_t(uintptr_t(q) - origin); };
  const uint8_t* const stop = text + size;
  const uint8_t* at = text + *pos;
  const uint32_t end_sym = symbols_ - 1;
  const uint32_t* const ascii = ascii_;
  const uint32_t* const byte_class = byte_class_;
  const uint32_t* const class_offset = class_offset_;
  const uint8_t* const first = first_.data();
  // Pieces written by the ASCII loop as start/end pairs (at most one per byte of a chunk; folded
  // pieces tile, so each end is also the next start and both words are stored at once), appended
  // to `bounds` in one copy when it stops: push_back there would be a branch per piece, and a
  // resize a zero-fill per stop. (Writing them in place into a Splitter step's words instead made
  // no difference: 0.95-1.04x alternated.)
  uint32_t pairs[2 * (kOverscan + 1) + 1];
  static_assert(kBoundary == 2, "a folded piece moves the pair pointer by its flag's value: one pair");
  const auto give_up = [&](const uint8_t* where, const uint8_t* read) {
    *pos = size_t(where - text);
    *reach = size_t(read - text);
    return Result::kGiveUp;
  };
  for (;;) {
    // Where no non-empty match can start, only empty ones can, and they add no piece.
    for (;;) {
      at = text + next_start(text, size_t(at - text), size);
      if (at >= stop || *at < 0x80) break;
      // A byte from 0x80 on that stopped the loop begins a character (continuation bytes do
      // not stop it when U+FFFD cannot start a match): decide on the code point.
      size_t len = 1;
      const uint32_t cp = decode_at(text, size, size_t(at - text), &len);
      if (first[symbol(cp)]) break;
      at += len;
    }
    if (at >= stop) {
      *pos = size;
      return Result::kNoMatch;
    }
    // The start state most searches begin in, without the call.
    // At the text's start (every piece of a Sequence's later step begins there) the start state
    // is a field once built, whatever the lookbehind: no call either.
    int64_t row = at == text ? (start_begin_ >= 0 ? int64_t(start_begin_) * stride_ : start_row(text, size, 0))
                  : behind_.empty() && start_plain_ >= 0 ? int64_t(start_plain_) * stride_
                                                         : start_row(text, size, size_t(at - text));
    if (row < 0) return give_up(at, at);
    // Searches from `at`, restarted in place after each piece that ends where its search died.
    // Restarting needs the start state to be the same everywhere but the text's start.
    if (behind_.empty() && start_plain_ < 0) start_plain_ = start_state(0, false);
    const int64_t restart = behind_.empty() && start_plain_ >= 0 ? int64_t(start_plain_) * stride_ : -1;
    for (;;) {
      const int32_t* table = table_.data();
      const uint8_t* p = at;
      const uint8_t* found = nullptr;
      const uint8_t* chunk_end = stop - p > ptrdiff_t(kOverscan) ? p + kOverscan : stop;
      int32_t v;
      uint32_t sym;
      size_t len;
      for (;;) {
        // ASCII on built states: one class load and one table load per byte (a byte from 0x80 on
        // finds kNonAscii); a folded piece end is a store, an add and a conditional move.
        // The state chain (each byte's table load waits on the one before) is one load: next_
        // holds the entry with its flags cleared, the next row's byte offset, so the next
        // address is that offset plus the class's column address, which does not wait on the
        // chain; the flags are read from table_ beside it.
        // The next pair's end word: a folded piece's end is stored there and at the next start,
        // and the flag's value (kBoundary = 2 words) moves it on. Both words are one 64-bit store
        // of a register that holds p's offset twice and steps with p, and the search's start is
        // not tracked per byte: it is the last word written (pairs[0] until a piece is folded).
        uint32_t* pw = pairs + 1;
        pairs[0] = offset(at);
        const uint8_t* const at0 = at;
        uint64_t twice = uint64_t(pairs[0] + uint32_t(p - at)) * 0x100000001ull;
        const char* bytes = reinterpret_cast<const char*>(table);
        const char* next_bytes = reinterpret_cast<const char*>(next_.data());
        uint32_t off = uint32_t(row) << kFlagBits;
        // A byte from 0x80 on goes straight to the decoding below (runs of non-ASCII text).
        const uint8_t* const ascii_end = p < chunk_end && *p >= 0x80 ? p : chunk_end;
        while (p < ascii_end) {
          // The chain is the load of `next`: its address is `off` plus a column base computed
          // beside it; the entry's flags come from table_ at the same offset, off the chain.
          // (The empty asm keeps the column's add apart: the compiler would otherwise add `off`
          // and the column first, an add on the chain.)
          const char* next_col = next_bytes + class_offset[*p];
          const char* flag_col = bytes + class_offset[*p];
#if defined(__GNUC__) && !defined(__wasm__)
          __asm__("" : "+r"(next_col), "+r"(flag_col));
#endif
          int32_t next;
          std::memcpy(&next, next_col + off, sizeof next);
          std::memcpy(&v, flag_col + off, sizeof v);
          if (v < 0) {
            // kNonAscii, unknown, or dead: the code after this loop decides on the character,
            // unless a dead entry with a match ending here folds into a boundary.
            if (v != (kDead | kMatched) || uint32_t(twice) == pw[-1]) break;
            v = fold_boundary(int64_t(off >> kFlagBits), byte_class[*p]);
            table = table_.data();  // fill() may have added states
            bytes = reinterpret_cast<const char*>(table);
            next_bytes = reinterpret_cast<const char*>(next_.data());
            if (v == 0) break;
            next = v & ~int32_t((1 << kFlagBits) - 1);
          }
          std::memcpy(pw, &twice, sizeof twice);
          pw += v & kBoundary;
          found = (v & kMatched) ? p : found;
          off = uint32_t(next);
          p++;
          twice += 0x100000001ull;
        }
        at = at0 + (pw[-1] - pairs[0]);
        row = int64_t(off >> kFlagBits);
        if (pw != pairs + 1) bounds.append(pairs, size_t(pw - 1 - pairs));
        len = 1;
        if (p >= chunk_end) {
          if (p == stop) {
            sym = end_sym;
          } else {
            // Bytes, not code points: the same bound on how far past a match a search reads.
            if (size_t(p - (found ? found : at)) > kOverscan) return give_up(at, p);
            chunk_end = stop - p > ptrdiff_t(kOverscan) ? p + kOverscan : stop;
            continue;
          }
        } else if (*p < 0x80) {
          sym = ascii[*p];
        } else {
          sym = symbol(decode_at(text, size, size_t(p - text), &len));
        }
        v = table[row + sym];
        if (v == kUnknown) {
          if (!fill(row, sym, &v)) return give_up(at, at);
          table = table_.data();  // fill() may have added states
        }
        if (v == (kDead | kMatched) && p != at && sym != end_sym) {
          const int32_t w = fold_boundary(row, sym);
          table = table_.data();
          if (w != 0) v = w;
        }
        if (v >= 0 && (v & kBoundary)) {
          bounds.push_pair(offset(at), offset(p));
          at = p;
        }
        if (v & kMatched) found = p;
        // The end of the text's transition always dies: it decides an `$` or a lookahead that
        // wants no character.
        if (v < 0) break;
        row = v >> kFlagBits;
        p += len;
      }
      if (!found || found == at) {
        // No piece from here (an empty match adds none): one code point further on.
        size_t skip = 1;
        if (*at >= 0x80) decode_at(text, size, size_t(at - text), &skip);
        at += skip;
        break;
      }
      bounds.push_pair(offset(at), offset(found));
      at = found;
      if (found != p || p == stop || !first[sym] || restart < 0) break;
      row = restart;
    }
  }
}

}  // namespace regex
}  // namespace turbotoken
