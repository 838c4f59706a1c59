#include "regex/lazy_dfa.h"

#include <algorithm>
#include <cstring>

#include "regex/utf8_read.h"

namespace turbotoken {
namespace regex {
namespace {

using utf8_read::decode_at;
using utf8_read::decode_before;
using utf8_read::kNone;

bool has_set(Op op) {
  return op == Op::kClass || op == Op::kNextIn || op == Op::kNextNotIn || op == Op::kPrevIn ||
         op == Op::kPrevNotIn;
}

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
  ascii_.resize(128);
  for (uint32_t c = 0; c < 128; c++) {
    ascii_[c] = uint32_t(std::upper_bound(bounds_.begin(), bounds_.end(), c) - bounds_.begin()) - 1;
  }
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
  mark_.assign(code.size(), 0);
}

uint32_t LazyDfa::symbol(uint32_t cp) const {
  if (cp < 128) return ascii_[cp];
  return uint32_t(std::upper_bound(bounds_.begin(), bounds_.end(), cp) - bounds_.begin()) - 1;
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
  size_t bytes = (states_.size() + 1) * (symbols_ * sizeof(int32_t) + key.size() * 3 + 64);
  if (bytes > kMaxCacheBytes) {
    full_ = true;
    return -2;
  }
  int32_t id = int32_t(states_.size());
  states_.push_back(State{pcs, mask, at_begin});
  table_.resize(states_.size() * size_t(symbols_), -1);
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
  const std::vector<uint32_t> pcs = states_[state].pcs;
  for (uint32_t start : pcs) {
    stack_.clear();
    stack_.push_back(start);
    while (!stack_.empty()) {
      uint32_t at = stack_.back();
      stack_.pop_back();
      for (;;) {
        if (mark_[at] == stamp_) break;
        mark_[at] = stamp_;
        const Instruction& in = code[at];
        bool pass = true;
        switch (in.op) {
          case Op::kMatch:
          case Op::kClass:
            list_.push_back(at);
            pass = false;
            break;
          case Op::kJump:
            at = in.a;
            continue;
          case Op::kSplit:
            stack_.push_back(in.b);
            at = in.a;
            continue;
          case Op::kBegin: pass = at_begin; break;
          case Op::kEnd: pass = at_end; break;
          case Op::kNextIn: pass = p_.contains(in, cp); break;
          case Op::kNextNotIn: pass = !p_.contains(in, cp); break;
          case Op::kPrevIn:
          case Op::kPrevNotIn: {
            size_t j = std::find(behind_.begin(), behind_.end(), at) - behind_.begin();
            bool in_set = (mask >> j) & 1u;
            pass = in.op == Op::kPrevIn ? in_set : !in_set;
            break;
          }
        }
        if (!pass) break;
        at++;
      }
    }
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

LazyDfa::Result LazyDfa::match_at(const uint8_t* text, size_t size, size_t pos, size_t* end) {
  if (full_) return Result::kGiveUp;
  const uint32_t mask = behind_.empty() ? 0 : prev_mask(decode_before(text, size, pos));
  int32_t state;
  auto hit = pos == 0 ? starts_.end() : starts_.find(mask);
  if (hit != starts_.end()) {
    state = hit->second;
  } else {
    state = state_of(std::vector<uint32_t>{0}, mask, pos == 0);
    if (state < 0) return Result::kGiveUp;
    if (pos != 0) starts_.emplace(mask, state);
  }
  bool found = false;
  size_t since = 0;
  for (;;) {
    size_t len = 0;
    const uint32_t sym = pos < size ? symbol(decode_at(text, size, pos, &len)) : symbols_ - 1;
    int32_t v = table_[size_t(state) * symbols_ + sym];
    if (v < 0) {
      int32_t next = -1;
      bool matched = false;
      if (!step(uint32_t(state), sym, &next, &matched)) return Result::kGiveUp;
      v = ((next + 1) << 1) | (matched ? 1 : 0);
      table_[size_t(state) * symbols_ + sym] = v;
    }
    if (v & 1) {
      found = true;
      *end = pos;
      since = 0;
    }
    const int32_t next = (v >> 1) - 1;
    if (pos >= size || next < 0) break;
    pos += len;
    state = next;
    if (++since > kOverscan) {
      *end = pos;
      return Result::kGiveUp;
    }
  }
  return found ? Result::kMatch : Result::kNoMatch;
}

}  // namespace regex
}  // namespace turbotoken
