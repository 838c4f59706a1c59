#include "pretok/scan_common.h"

namespace turbotoken {
namespace scan {

namespace {

bool letter_matches(char lower, const uint8_t* s, size_t i, size_t n, bool ci, uint32_t* len) {
  if (i >= n) return false;
  CodePoint c = decode_utf8(s, i, n);
  *len = c.length;
  if (!ci) return c.value == uint32_t(lower);
  return contraction_letter_matches(lower, c.value);
}

}  // namespace

size_t contraction_end_at_quote(const uint8_t* s, size_t i, size_t n, bool ci) {
  size_t j = i + 1;
  uint32_t l1 = 0, l2 = 0;
  for (char single : {'s', 't', 'm', 'd'})
    if (letter_matches(single, s, j, n, ci, &l1)) return j + l1;
  static const char kPairs[3][2] = {{'r', 'e'}, {'v', 'e'}, {'l', 'l'}};
  for (const auto& pair : kPairs) {
    if (letter_matches(pair[0], s, j, n, ci, &l1) && letter_matches(pair[1], s, j + l1, n, ci, &l2))
      return j + l1 + l2;
  }
  return 0;
}

size_t whitespace_piece_end(const uint8_t* s, size_t i, size_t n, bool with_newline_rule) {
  size_t run = run_end(s, i, n, kClassSpace);
  if (with_newline_rule) {
    // The last CR or LF of the run; both are single bytes, and no other whitespace byte
    // of a multi-byte character can equal them.
    for (size_t k = run; k > i; k--)
      if (s[k - 1] == '\r' || s[k - 1] == '\n') return k;
  }
  if (run == n) return n;
  size_t last = previous_char_start(s, run);
  return last > i ? last : run;
}

}  // namespace scan
}  // namespace turbotoken
