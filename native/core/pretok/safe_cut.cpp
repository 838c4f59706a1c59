#include "pretok/safe_cut.h"

#include <algorithm>

#include "text/utf8.h"

namespace turbotoken {
namespace {

// Unicode White_Space (stable since Unicode 6.3): the reference's \s. Same list as safe-cut.ts.
bool is_white_space(uint32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  if (c <= 0xa0) return c == 0x85 || c == 0xa0;
  if (c < 0x1680) return false;
  if (c == 0x1680 || c == 0x3000) return true;
  return (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f;
}

bool is_newline(uint32_t c) { return c == 0x0a || c == 0x0d; }

// The code point ending just before byte `end` (end > 0).
uint32_t char_before(const uint8_t* s, size_t end, size_t* start) {
  *start = previous_char_start(s, end);
  return decode_utf8(s, *start, end).value;
}

}  // namespace

void CutRules::build(Family family, const std::vector<SpecialToken>& specials) {
  enabled_ = true;
  newline_family_ = family == Family::kCl100k || family == Family::kO200k;
  special_starts_.clear();
  for (const auto& t : specials) {
    const auto* p = reinterpret_cast<const uint8_t*>(t.text.data());
    size_t n = t.text.size();
    if (n == 0 || valid_utf8_prefix(p, n) != n) {
      enabled_ = false;  // nothing is known about such a token; never cut
      continue;
    }
    for (size_t i = 0; i < n;) {
      CodePoint c = decode_utf8(p, i, n);
      if (is_white_space(c.value)) enabled_ = false;
      i += c.length;
    }
    special_starts_.push_back(decode_utf8(p, 0, n).value);
  }
}

bool CutRules::is_safe_cut(const uint8_t* s, size_t n, size_t p) const {
  if (!enabled_ || p < 1 || p >= n) return false;
  size_t before_start;
  uint32_t before = char_before(s, p, &before_start);
  CodePoint here = decode_utf8(s, p, n);
  if (!is_white_space(before)) return is_white_space(here.value) && !is_newline(here.value);  // W
  if (is_white_space(here.value)) {
    // R: needs the character after p, which ends the run.
    size_t next = p + here.length;
    if (next >= n) return false;
    uint32_t after = decode_utf8(s, next, n).value;
    if (is_white_space(after)) return false;
    if (std::find(special_starts_.begin(), special_starts_.end(), after) != special_starts_.end()) return false;
    return !newline_family_ || !is_newline(here.value);
  }
  if (newline_family_) return is_newline(before) && here.value != 0x2f;  // L
  if (before == 0x20 || before_start < 1) return false;                  // G
  size_t unused;
  return !is_white_space(char_before(s, before_start, &unused));
}

size_t CutRules::next_safe_cut(const uint8_t* s, size_t n, size_t from) const {
  if (!enabled_) return n;
  size_t p = std::max<size_t>(from, 1);
  while (p < n && (s[p] & 0xC0) == 0x80) p++;  // to a character boundary
  for (; p < n; p += decode_utf8(s, p, n).length) {
    if (is_safe_cut(s, n, p)) return p;
  }
  return n;
}

std::vector<size_t> split_at_safe_cuts(const CutRules& rules, const uint8_t* s, size_t n,
                                       unsigned parts) {
  std::vector<size_t> bounds{0};
  if (n >= kParallelMinBytes && rules.enabled()) {
    parts = unsigned(std::min<size_t>(std::max(1u, parts), n / kParallelMinPartBytes));
    size_t scanned = 0;  // positions below this were examined already, found no cut
    for (unsigned k = 1; k < parts; k++) {
      size_t target = std::max(n / parts * k, scanned);
      size_t cut = rules.next_safe_cut(s, n, target);
      if (cut >= n) break;
      scanned = cut + 1;
      if (cut > bounds.back()) bounds.push_back(cut);
    }
  }
  bounds.push_back(n);
  return bounds;
}

}  // namespace turbotoken
