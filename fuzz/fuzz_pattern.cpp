// libFuzzer target: custom patterns and vocabularies (issue 21). The fuzz input chooses a program
// for the core's pattern matcher (native/core/regex/pike_vm.h), a small vocabulary and a text.
//   - Program::load must refuse malformed words without reading past them (raw mode), and accept
//     every program built the way a compiler could build it (structured mode);
//   - find_matches must give ascending, non-empty, non-overlapping matches on code point bounds,
//     the same ones a plain backtracking search with a visited set finds (leftmost-first, one
//     state per instruction and position: the semantics the Pike VM and its dead-state memo must
//     keep), on texts up to 512 bytes (it searches again from each match's end);
//   - the matched pieces through encode_pieces on the fuzzer's vocabulary (the 256 bytes, some
//     left out, and merges cut from the text) must give the ids a naive BPE gives (repeatedly
//     merge the lowest-ranked adjacent pair, leftmost first), or kByteNotInVocabulary exactly when
//     a part is no token; decode gives back the pieces' bytes.
// Input: byte 0 flags (bit 0 raw program words, bit 1 leave bytes out of the vocabulary), then
// the program's description, the vocabulary's, and the rest is the text.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pretok/custom_pieces.h"
#include "encoding.h"
#include "regex/pike_vm.h"
#include "regex/splitter.h"

namespace {

using turbotoken::regex::Op;

struct Reader {
  const uint8_t* p;
  size_t n;
  size_t at = 0;
  uint8_t byte() { return at < n ? p[at++] : 0; }
  uint32_t word() {
    uint32_t w = 0;
    for (int k = 0; k < 4; k++) w |= uint32_t(byte()) << (8 * k);
    return w;
  }
};

[[noreturn]] void fail(const char* what, size_t detail = 0) {
  std::fprintf(stderr, "fuzz_pattern: %s (%zu)\n", what, detail);
  __builtin_trap();
}

// Code points as the matcher reads them: a well-formed sequence, else U+FFFD one byte long.
uint32_t decode_at(const uint8_t* t, size_t n, size_t pos, size_t* len) {
  const uint8_t b = t[pos];
  *len = 1;
  if (b < 0x80) return b;
  size_t need = b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xF0 && b <= 0xF4 ? 3 : 0;
  if (need == 0 || pos + need >= n) return 0xFFFD;
  uint32_t cp = b & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
  for (size_t k = 1; k <= need; k++) {
    if ((t[pos + k] & 0xC0) != 0x80) return 0xFFFD;
    cp = cp << 6 | (t[pos + k] & 0x3F);
  }
  const uint32_t min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  *len = need + 1;
  return cp;
}

constexpr uint32_t kNone = 0xFFFFFFFFu;
constexpr size_t kReferenceBytes = 512;

// The code point that ends at pos: the well-formed sequence ending there, else one U+FFFD byte.
uint32_t decode_before(const uint8_t* t, size_t n, size_t pos) {
  if (pos == 0) return kNone;
  for (size_t back = 2; back <= 4 && back <= pos; back++) {
    if ((t[pos - back] & 0xC0) == 0x80) continue;
    size_t len = 0;
    uint32_t cp = decode_at(t, n, pos - back, &len);
    if (len == back) return cp;
    break;
  }
  return t[pos - 1] < 0x80 ? t[pos - 1] : 0xFFFD;
}

struct Ref {
  std::vector<uint32_t> words;  // the program as loaded: [n][r] n x [op a b] r x [lo hi]
  uint32_t n = 0, r = 0;
  const uint32_t* ins(uint32_t pc) const { return words.data() + 2 + size_t(pc) * 3; }
  bool contains(uint32_t pc, uint32_t cp) const {
    if (cp == kNone) return false;
    const uint32_t* in = ins(pc);
    const uint32_t* ranges = words.data() + 2 + size_t(n) * 3;
    for (uint32_t k = in[1]; k < in[1] + in[2]; k++)
      if (ranges[2 * k] <= cp && cp <= ranges[2 * k + 1]) return true;
    return false;
  }
};

// The leftmost-first match at or after `from`, by depth-first search in priority order; a state
// (instruction, position) seen before in this search cannot lead to a match that was not already
// found, whichever start reached it.
bool reference_find(const Ref& p, const uint8_t* t, size_t n, size_t from, size_t* start, size_t* end) {
  // One stamp per search, so that the array is cleared once per input.
  static std::vector<uint32_t> seen;
  static uint32_t stamp = 0;
  if (from == 0) {
    seen.assign(size_t(p.n) * (n + 1), 0);
    stamp = 0;
  }
  stamp++;
  std::vector<uint32_t> stack;  // pairs (pc, pos)
  for (size_t s = from;;) {
    stack.assign({0u, uint32_t(s)});
    while (!stack.empty()) {
      const size_t pos = stack.back();
      stack.pop_back();
      uint32_t pc = stack.back();
      stack.pop_back();
      uint32_t& mark = seen[size_t(pc) * (n + 1) + pos];
      if (mark == stamp) continue;
      mark = stamp;
      const uint32_t* in = p.ins(pc);
      size_t len = 0;
      const uint32_t next = pos < n ? decode_at(t, n, pos, &len) : kNone;
      bool pass = false;
      switch (Op(in[0])) {
        case Op::kMatch:
          *start = s;
          *end = pos;
          return true;
        case Op::kClass:
          if (next != kNone && p.contains(pc, next)) stack.insert(stack.end(), {pc + 1, uint32_t(pos + len)});
          continue;
        case Op::kJump:
          stack.insert(stack.end(), {in[1], uint32_t(pos)});
          continue;
        case Op::kSplit:
          stack.insert(stack.end(), {in[2], uint32_t(pos), in[1], uint32_t(pos)});
          continue;
        case Op::kBegin: pass = pos == 0; break;
        case Op::kEnd: pass = pos >= n; break;
        case Op::kNextIn: pass = p.contains(pc, next); break;
        case Op::kNextNotIn: pass = !p.contains(pc, next); break;
        case Op::kPrevIn: pass = p.contains(pc, decode_before(t, n, pos)); break;
        case Op::kPrevNotIn: pass = !p.contains(pc, decode_before(t, n, pos)); break;
      }
      if (pass) stack.insert(stack.end(), {pc + 1, uint32_t(pos)});
    }
    if (s >= n) return false;
    size_t len = 0;
    decode_at(t, n, s, &len);
    s += len;
  }
}

std::vector<uint32_t> reference_matches(const Ref& p, const uint8_t* t, size_t n) {
  std::vector<uint32_t> bounds;
  size_t start = 0, end = 0;
  for (size_t pos = 0; pos <= n && reference_find(p, t, n, pos, &start, &end);) {
    if (end > start) {
      bounds.insert(bounds.end(), {uint32_t(start), uint32_t(end)});
      pos = end;
    } else if (end < n) {
      size_t len = 0;  // an empty match: the next search starts a code point further on
      decode_at(t, n, end, &len);
      pos = end + len;
    } else {
      break;
    }
  }
  return bounds;
}

// A valid program: ascending disjoint ranges (so any run of them is a set), targets in range,
// kMatch last (an instruction that steps on may not be last).
Ref structured_program(Reader& in) {
  Ref p;
  p.n = 2 + in.byte() % 24;
  p.r = in.byte() % 12;
  std::vector<uint32_t> ranges;
  uint32_t lo = 0;
  for (uint32_t k = 0; k < p.r; k++) {
    const uint8_t kind = in.byte();
    // Mostly ASCII (where the matcher has its bitmaps), sometimes far up to U+10FFFF.
    lo += (kind & 0x80) ? uint32_t(in.byte()) << 8 | in.byte() : kind & 0x3F;
    uint32_t hi = lo + ((kind & 0x40) ? in.byte() : in.byte() % 8);
    if (hi > 0x10FFFF) break;
    ranges.insert(ranges.end(), {lo, hi});
    lo = hi + 2;
  }
  p.r = uint32_t(ranges.size() / 2);
  p.words = {p.n, p.r};
  for (uint32_t k = 0; k < p.n; k++) {
    uint32_t op = in.byte() % 10, a = in.byte(), b = in.byte();
    if (k + 1 == p.n) op = uint32_t(Op::kMatch);
    switch (Op(op)) {
      case Op::kSplit: a %= p.n; b %= p.n; break;
      case Op::kJump: a %= p.n; b = 0; break;
      case Op::kMatch: case Op::kBegin: case Op::kEnd: a = b = 0; break;
      default: a %= p.r + 1; b %= p.r - a + 1; break;
    }
    p.words.insert(p.words.end(), {op, a, b});
  }
  p.words.insert(p.words.end(), ranges.begin(), ranges.end());
  return p;
}

// tiktoken's encode of one piece, the slow way: the piece's own rank when it is a token (a token
// no merge builds is still found whole), else the merge of the adjacent pair whose bytes form the
// lowest rank, leftmost, until none does.
std::vector<uint32_t> naive_bpe(const std::map<std::string, uint32_t>& ranks, const std::string& piece) {
  auto whole = ranks.find(piece);
  if (whole != ranks.end()) return {whole->second};
  std::vector<std::string> parts;
  for (char c : piece) parts.emplace_back(1, c);
  for (;;) {
    size_t best = SIZE_MAX;
    uint32_t best_rank = UINT32_MAX;
    for (size_t k = 0; k + 1 < parts.size(); k++) {
      auto it = ranks.find(parts[k] + parts[k + 1]);
      if (it != ranks.end() && it->second < best_rank) {
        best_rank = it->second;
        best = k;
      }
    }
    if (best == SIZE_MAX) break;
    parts[best] += parts[best + 1];
    parts.erase(parts.begin() + best + 1);
  }
  std::vector<uint32_t> ids;
  for (const std::string& s : parts) {
    auto it = ranks.find(s);
    ids.push_back(it == ranks.end() ? turbotoken::kNoRank : it->second);
  }
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  const uint8_t flags = in.byte();
  turbotoken::regex::Program program;
  Ref ref;
  if (flags & 1) {
    // Raw words, any values: load() must refuse what it cannot run.
    size_t count = std::min<size_t>(in.byte() % 64, (size - in.at) / 4);
    std::vector<uint32_t> words(count);
    for (auto& w : words) w = in.word();
    if (program.load(words.data(), words.size()) != turbotoken::regex::ProgramStatus::kOk) return 0;
    ref.words = words;
    ref.n = words[0];
    ref.r = words[1];
  } else {
    ref = structured_program(in);
    if (program.load(ref.words.data(), ref.words.size()) != turbotoken::regex::ProgramStatus::kOk)
      fail("a well-formed program was refused");
  }

  // The vocabulary: every byte (unless left out), then up to 16 merges cut from the rest of the input.
  std::map<std::string, uint32_t> ranks;
  std::vector<std::string> by_rank;
  for (int b = 0; b < 256; b++) {
    by_rank.emplace_back(1, char(b));
    if (!(flags & 2) || (b * 7 + flags) % 5 != 0) ranks[by_rank.back()] = uint32_t(b);
    else by_rank.back().clear();  // a gap: no token at this rank
  }
  const size_t merges = in.byte() % 17;
  const size_t text_at = std::min(size, in.at + merges * 3);
  const uint8_t* text = data + text_at;
  const size_t n = size - text_at;
  for (size_t k = 0; k < merges && n >= 2; k++) {
    size_t at = in.byte() % n, len = 2 + in.byte() % 6;
    in.byte();
    std::string token(reinterpret_cast<const char*>(text) + at, std::min(len, n - at));
    if (token.size() < 2 || ranks.count(token)) continue;
    ranks[token] = uint32_t(by_rank.size());
    by_rank.push_back(token);
  }

  std::vector<uint32_t> bounds;
  if (!turbotoken::regex::find_matches(program, text, n, bounds)) fail("find_matches refused a small text");
  if (bounds.size() % 2) fail("odd bounds", bounds.size());
  for (size_t k = 0; k < bounds.size(); k += 2) {
    if (bounds[k] >= bounds[k + 1] || bounds[k + 1] > n || (k && bounds[k] < bounds[k - 1])) fail("bad match", k);
  }
  // The same matches through a Splitter, whose DFA is kept and used on every text length: twice,
  // the second time on the states the first one built; and as Isolated pieces that tile the text.
  {
    std::vector<uint32_t> layout{1, 0, uint32_t(ref.words.size())};
    layout.insert(layout.end(), ref.words.begin(), ref.words.end());
    std::unique_ptr<turbotoken::regex::Splitter> splitter;
    if (turbotoken::regex::Splitter::create(layout.data(), layout.size(), &splitter) != turbotoken::regex::ProgramStatus::kOk)
      fail("a loadable program was refused by the Splitter");
    for (int pass = 0; pass < 2; pass++) {
      std::vector<uint32_t> again;
      if (!splitter->split(text, n, again) || again != bounds) fail("the Splitter's matches differ", pass);
    }
    layout[1] = uint32_t(turbotoken::regex::SplitMode::kIsolated);
    if (turbotoken::regex::Splitter::create(layout.data(), layout.size(), &splitter) != turbotoken::regex::ProgramStatus::kOk)
      fail("a loadable program was refused by the Splitter (Isolated)");
    std::vector<uint32_t> pieces;
    if (!splitter->split(text, n, pieces)) fail("the Splitter refused a small text");
    uint32_t at = 0;
    for (size_t k = 0; k < pieces.size(); k += 2) {
      if (pieces[k] != at || pieces[k + 1] <= pieces[k]) fail("Isolated pieces do not tile the text", k);
      at = pieces[k + 1];
    }
    if (at != n) fail("Isolated pieces stop short", at);
  }
  // The reference costs O(text x program) per search, O(text^2 x program) over all of them.
  if (n <= kReferenceBytes && reference_matches(ref, text, n) != bounds)
    fail("matches differ from the backtracking reference", bounds.size());

  // The matched pieces, packed as the JS side packs them for encodePieces.
  std::string packed;
  std::vector<uint32_t> ends;
  for (size_t k = 0; k < bounds.size(); k += 2) {
    packed.append(reinterpret_cast<const char*>(text) + bounds[k], bounds[k + 1] - bounds[k]);
    ends.push_back(uint32_t(packed.size()));
  }
  std::string blob = "TTV1";
  const uint32_t count = uint32_t(by_rank.size());
  blob.append(reinterpret_cast<const char*>(&count), 4);
  for (const std::string& t : by_rank) blob += char(t.size());
  for (const std::string& t : by_rank) blob += t;
  turbotoken::EncodingSpec spec;
  spec.vocab_blob = reinterpret_cast<const uint8_t*>(blob.data());
  spec.vocab_size = blob.size();
  spec.family = turbotoken::Family(flags % 3);
  std::shared_ptr<const turbotoken::Encoding> enc;
  if (turbotoken::Encoding::create(spec, &enc) != turbotoken::Status::kOk) fail("vocabulary refused");

  std::vector<uint32_t> ids;
  const auto st = turbotoken::encode_pieces(*enc, reinterpret_cast<const uint8_t*>(packed.data()), packed.size(),
                                            ends.data(), ends.size(), ids);
  std::vector<uint32_t> want;
  size_t from = 0;
  for (uint32_t e : ends) {
    for (uint32_t id : naive_bpe(ranks, packed.substr(from, e - from))) want.push_back(id);
    from = e;
  }
  const bool missing = std::count(want.begin(), want.end(), turbotoken::kNoRank) > 0;
  if (missing) {
    if (st != turbotoken::Status::kByteNotInVocabulary) fail("a part that is no token was not reported");
    return 0;
  }
  if (st != turbotoken::Status::kOk) fail("encode_pieces failed", size_t(st));
  if (ids != want) fail("ids differ from the naive BPE", ids.size());
  std::vector<uint8_t> back;
  size_t bad = 0;
  if (enc->decode(ids.data(), ids.size(), back, &bad) != turbotoken::Status::kOk) fail("decode refused its own ids");
  if (std::string(back.begin(), back.end()) != packed) fail("decode did not give back the pieces");
  return 0;
}
