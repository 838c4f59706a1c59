#include "regex/pike_vm.h"

#include <algorithm>
#include <memory>

#include "regex/closure.h"
#include "regex/lazy_dfa.h"
#include "regex/program_check.h"
#include "regex/utf8_read.h"

namespace turbotoken {
namespace regex {
namespace {

// Texts shorter than this run on the VM alone.
constexpr size_t kDfaMinText = 256;

using utf8_read::decode_at;
using utf8_read::decode_before;
using utf8_read::kNone;

}  // namespace

ProgramStatus Program::load(const uint32_t* words, size_t count) {
  code_.clear();
  ranges_.clear();
  if (check_program(words, count).fault != ProgramFault::kNone) return ProgramStatus::kMalformed;
  const uint32_t n = words[0];
  const uint32_t r = words[1];
  const uint32_t* rw = words + 2 + size_t(n) * 3;
  ranges_.assign(rw, rw + size_t(r) * 2);
  code_.resize(n);
  for (uint32_t k = 0; k < n; k++) {
    const uint32_t* w = words + 2 + size_t(k) * 3;
    Instruction& in = code_[k];
    in.op = Op(w[0]);
    in.a = w[1];
    in.b = w[2];
    std::fill(in.ascii, in.ascii + 4, 0u);
    if (has_set(in.op)) {
      for (uint32_t j = 0; j < in.b; j++) {
        uint32_t lo = ranges_[2 * (in.a + j)], hi = ranges_[2 * (in.a + j) + 1];
        for (uint32_t c = lo; c <= hi && c < 128; c++) in.ascii[c >> 5] |= 1u << (c & 31);
      }
    }
  }
  return ProgramStatus::kOk;
}

bool Program::contains(const Instruction& in, uint32_t cp) const {
  if (cp < 128) return (in.ascii[cp >> 5] >> (cp & 31)) & 1u;
  if (cp == kNone) return false;
  // The first range whose hi >= cp.
  uint32_t lo = 0, hi = in.b;
  const uint32_t* r = ranges_.data() + 2 * size_t(in.a);
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (r[2 * mid + 1] < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < in.b && r[2 * lo] <= cp;
}

namespace {

struct Thread {
  uint32_t pc;
  uint32_t start;
};

class Vm {
 public:
  Vm(const Program& p, const uint8_t* text, size_t n)
      : p_(p), code_(p.code()), t_(text), n_(n), mark_(code_.size(), 0), slot_(code_.size(), 0) {
    cur_.reserve(code_.size());
    next_.reserve(code_.size());
    stack_.reserve(code_.size());
    uint32_t slots = 0;
    for (size_t k = 0; k < code_.size(); k++) {
      if (code_[k].op == Op::kClass) slot_[k] = slots++;
    }
    row_ = (slots + 7) / 8;
  }

  // The leftmost-first match that starts at or after `from`.
  bool find(size_t from, size_t* start, size_t* end) {
    bool matched = false;
    size_t pos = from;
    uint32_t prev = decode_before(t_, n_, pos);
    size_t len = 0;
    uint32_t cp = pos < n_ ? decode_at(t_, n_, pos, &len) : kNone;
    cur_.clear();
    recording_ = false;
    forget_before(from);
    uint32_t stamp = fresh_stamp();
    for (;;) {
      // The thread that starts here comes after every thread that started earlier.
      if (!matched) add(cur_, 0, uint32_t(pos), pos, prev, cp, stamp);
      if (cur_.empty()) {
        if (matched || pos >= n_) break;
        pos += len;
        prev = cp;
        cp = pos < n_ ? decode_at(t_, n_, pos, &len) : kNone;
        stamp = fresh_stamp();
        continue;
      }
      size_t after = pos + len;
      size_t next_len = 0;
      uint32_t next_cp = cp != kNone && after < n_ ? decode_at(t_, n_, after, &next_len) : kNone;
      uint32_t next_stamp = fresh_stamp();
      next_.clear();
      for (const Thread& th : cur_) {
        const Instruction& in = code_[th.pc];
        if (in.op == Op::kMatch) {
          // Threads after this one have lower priority: drop them. Those before it may still
          // match further on; what they reach from here on is recorded as dead unless one does
          // (then it is the match, and what was recorded up to its end is taken back).
          if (recording_) forget(record_from_, pos);
          matched = true;
          *start = th.start;
          *end = pos;
          record_from_ = pos;
          if (!recording_) {
            recording_ = true;
            for (const Thread& done : next_) {
              if (code_[done.pc].op == Op::kClass) remember(after, done.pc);
            }
          }
          break;
        }
        // Only kMatch and kClass are ever on a list (add() follows the rest).
        if (cp != kNone && p_.contains(in, cp)) add(next_, th.pc + 1, th.start, after, cp, next_cp, next_stamp);
      }
      if (cp == kNone) break;
      std::swap(cur_, next_);
      pos = after;
      prev = cp;
      cp = next_cp;
      len = next_len;
      stamp = next_stamp;
      if (matched && cur_.empty()) break;
    }
    return matched;
  }

 private:
  uint32_t fresh_stamp() {
    if (++stamp_ == 0) {
      std::fill(mark_.begin(), mark_.end(), 0u);
      stamp_ = 1;
    }
    return stamp_;
  }

  // Follows jumps, splits and assertions from `pc` at `pos` (in priority order, depth first) and
  // puts the classes and matches reached on `list`, each instruction once per position.
  void add(std::vector<Thread>& list, uint32_t pc, uint32_t start, size_t pos, uint32_t prev,
           uint32_t next, uint32_t stamp) {
    const auto passes = [&](const Instruction& in, uint32_t) {
      switch (in.op) {
        case Op::kBegin: return pos == 0;
        case Op::kEnd: return pos >= n_;
        case Op::kNextIn: return p_.contains(in, next);
        case Op::kNextNotIn: return !p_.contains(in, next);
        case Op::kPrevIn: return p_.contains(in, prev);
        case Op::kPrevNotIn: return !p_.contains(in, prev);
        default: return true;
      }
    };
    follow_closure(code_, pc, mark_, stamp, stack_, passes, [&](uint32_t at) {
      if (code_[at].op == Op::kClass) {
        if (is_dead(pos, at)) return;
        if (recording_ && pos > record_from_) remember(pos, at);
      }
      list.push_back(Thread{at, start});
    });
  }

  // Dead states: (class instruction, position) pairs from which no match can be reached. A search
  // whose match is found goes on while threads of higher priority live; when none of them
  // matches, every state they reached past the match's end is dead, whatever thread reaches it
  // later (what follows a state depends only on the instruction and the text). The next search
  // starts at that end and skips those states, so no state is followed past a match twice and
  // iterating over all matches stays O(text x program), where a plain Pike VM can rescan the same
  // stretch after every short match (`\w+x|\w` over letters). One bit per class instruction per
  // byte, only over the stretch that searches ran past their match.
  bool is_dead(size_t pos, uint32_t pc) const {
    if (pos < dead_base_) return false;
    size_t at = (pos - dead_base_) * row_ + (slot_[pc] >> 3);
    return at < dead_.size() && ((dead_[at] >> (slot_[pc] & 7)) & 1);
  }

  void remember(size_t pos, uint32_t pc) {
    if (pos < dead_base_) return;
    size_t at = (pos - dead_base_) * row_ + (slot_[pc] >> 3);
    if (at >= dead_.size()) dead_.resize(std::max(at + 1, dead_.size() * 2), 0);
    dead_[at] |= uint8_t(1u << (slot_[pc] & 7));
  }

  // Takes back what was recorded for positions in (from, to].
  void forget(size_t from, size_t to) {
    if (to < dead_base_) return;
    size_t lo = (std::max(from + 1, dead_base_) - dead_base_) * row_;
    size_t hi = std::min((to + 1 - dead_base_) * row_, dead_.size());
    if (lo < hi) std::fill(dead_.begin() + lo, dead_.begin() + hi, uint8_t(0));
  }

  // Positions before a search's start are never asked about again.
  void forget_before(size_t pos) {
    if (pos <= dead_base_) return;
    size_t drop = (pos - dead_base_) * row_;
    if (drop >= dead_.size()) {
      dead_.clear();
      dead_base_ = pos;
    } else if (drop * 2 >= dead_.size()) {
      dead_.erase(dead_.begin(), dead_.begin() + drop);
      dead_base_ = pos;
    }
  }

  const Program& p_;
  const std::vector<Instruction>& code_;
  const uint8_t* t_;
  size_t n_;
  std::vector<uint32_t> mark_;
  std::vector<uint32_t> slot_;  // class instruction -> its bit in a row of dead_
  size_t row_ = 0;              // bytes per position in dead_
  std::vector<uint8_t> dead_;
  size_t dead_base_ = 0;
  bool recording_ = false;
  size_t record_from_ = 0;
  uint32_t stamp_ = 0;
  std::vector<Thread> cur_, next_;
  std::vector<uint32_t> stack_;
};

}  // namespace

bool find_matches(const Program& program, const uint8_t* text, size_t size,
                  std::vector<uint32_t>& bounds) {
  // The DFA's classes and states cost more to set up than a short text takes on the VM.
  std::unique_ptr<LazyDfa> dfa;
  if (size >= kDfaMinText && !program.code().empty()) {
    dfa.reset(new LazyDfa(program));
    if (!dfa->usable()) dfa.reset();
  }
  return find_matches_with(program, dfa.get(), text, size, bounds);
}

bool find_matches_with(const Program& program, LazyDfa* dfa, const uint8_t* text, size_t size,
                       std::vector<uint32_t>& bounds) {
  if (size > 0xFFFFFFFFu || program.code().empty()) return false;
  // Built on first use: its lists and marks are O(program), which a short text on the DFA never needs.
  std::unique_ptr<Vm> vm;
  if (dfa && (!dfa->usable() || dfa->full())) dfa = nullptr;
  size_t pos = 0, start = 0, end = 0;
  // Where the DFA ran out of reach, the VM alone goes on up to where it stopped reading: the VM's
  // dead-state memo keeps its searches linear there, where the DFA would read the same stretch
  // again from every position.
  size_t vm_until = 0;
  while (pos <= size) {
    if (dfa && pos >= vm_until) {
      size_t reach = pos;
      const LazyDfa::Result r = dfa->scan(text, size, &pos, bounds, &reach);
      if (r != LazyDfa::Result::kGiveUp) break;
      if (dfa->full()) dfa = nullptr;
      vm_until = reach;  // the VM finds the match at pos
    }
    if (!vm) vm.reset(new Vm(program, text, size));
    if (!vm->find(pos, &start, &end)) break;
    if (end == start) {
      // An empty match adds no piece; the next search starts a code point further on.
      if (end >= size) break;
      size_t len = 0;
      decode_at(text, size, end, &len);
      pos = end + len;
      continue;
    }
    bounds.push_back(uint32_t(start));
    bounds.push_back(uint32_t(end));
    pos = end;
  }
  return true;
}

}  // namespace regex
}  // namespace turbotoken
