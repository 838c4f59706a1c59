// Building blocks shared by the three pre-tokenizers: classifying the code point at a position
// and finding the ends of runs. Internal to the core.
#pragma once
#include <cstddef>
#include <cstdint>

#include "text/unicode_tables.h"
#include "text/utf8.h"

namespace turbotoken {
namespace scan {

struct Char {
  uint32_t cp;
  uint32_t len;
  uint8_t cls;
};

inline Char char_at(const uint8_t* s, size_t i, size_t n) {
  CodePoint c = decode_utf8(s, i, n);
  return {c.value, c.length, unicode_class(c.value)};
}

// \p{L} \p{N} \s are disjoint; "other" is none of them.
inline bool is_other(uint8_t cls) {
  return (cls & (kClassLetter | kClassNumber | kClassSpace)) == 0;
}
inline bool is_cr_or_lf(uint32_t cp) { return cp == '\r' || cp == '\n'; }

// End of the maximal run, from i, of characters whose class has any of `bits`.
inline size_t run_end(const uint8_t* s, size_t i, size_t n, uint8_t bits) {
  while (i < n) {
    Char c = char_at(s, i, n);
    if (!(c.cls & bits)) break;
    i += c.len;
  }
  return i;
}

// End of the maximal run, from i, of "other" characters.
inline size_t other_run_end(const uint8_t* s, size_t i, size_t n) {
  while (i < n) {
    Char c = char_at(s, i, n);
    if (!is_other(c.cls)) break;
    i += c.len;
  }
  return i;
}

// End of at most `max` consecutive \p{N} characters from i (\p{N}{1,3} in cl100k and o200k).
inline size_t number_run_end(const uint8_t* s, size_t i, size_t n, int max) {
  for (int k = 0; k < max && i < n; k++) {
    Char c = char_at(s, i, n);
    if (!(c.cls & kClassNumber)) break;
    i += c.len;
  }
  return i;
}

// End of the maximal run of bytes that are '\r' or '\n' (or also '/', when `slash`).
inline size_t newline_run_end(const uint8_t* s, size_t i, size_t n, bool slash) {
  while (i < n && (s[i] == '\r' || s[i] == '\n' || (slash && s[i] == '/'))) i++;
  return i;
}

// A contraction 's 't 're 've 'm 'll 'd at i: returns its end, or 0 when there is none.
// case_insensitive follows the reference's (?i:...), which also folds e.g. U+017F to 's'.
// The quote test is inline: the scalar scanners ask at every piece that starts with a non-ASCII
// character, where a call costs about 34 instructions (1.4% of cl100k_base's instructions on
// multilingual text) and almost never finds a quote.
size_t contraction_end_at_quote(const uint8_t* s, size_t i, size_t n, bool case_insensitive);
inline size_t contraction_end(const uint8_t* s, size_t i, size_t n, bool case_insensitive) {
  if (i + 1 >= n || s[i] != '\'') return 0;
  return contraction_end_at_quote(s, i, n, case_insensitive);
}

// The whitespace alternatives shared by all families, applied to the maximal whitespace run
// [i, run) that starts the piece:
//   with_newline_rule: \s*[\r\n]+  (ends after the run's last CR or LF, if it has one)
//   then               \s+(?!\S)   (the whole run at the end of text, else all but its last char)
//   then               \s+         (a single whitespace character)
size_t whitespace_piece_end(const uint8_t* s, size_t i, size_t n, bool with_newline_rule);

}  // namespace scan
}  // namespace turbotoken
