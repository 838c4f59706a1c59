// cl100k_base:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
//   | ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
#include "pretok/pretokenizer.h"
#include "pretok/scan_ascii.h"
#include "pretok/scan_common.h"

namespace turbotoken {

using namespace scan;

// " word" or "word" in ASCII: an optional space, then ASCII letters up to an ASCII non-letter.
static size_t ascii_word_end(const uint8_t* s, size_t i, size_t n) {
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  if (!ascii::is_letter(s[j])) return 0;
  size_t end = ascii::run(s, j, n, ascii::is_letter);
  return ascii::ends_cleanly(s, end, n) ? end : 0;
}

size_t cl100k_piece_end(const uint8_t* s, size_t i, size_t n) {
  if (s[i] != '\'')
    if (size_t e = ascii_word_end(s, i, n)) return e;
  if (size_t e = contraction_end(s, i, n, true)) return e;
  Char c = char_at(s, i, n);
  // The runs start past the letter already read: multilingual text reaches this for almost
  // every piece, and a decode is a fifth of a short piece's scan.
  if (c.cls & kClassLetter) return run_end(s, i + c.len, n, kClassLetter);
  // One character that is not CR, LF, a letter or a number may lead a run of letters.
  bool can_lead = !(c.cls & (kClassLetter | kClassNumber)) && !is_cr_or_lf(c.cp);
  if (can_lead && i + c.len < n) {
    Char next = char_at(s, i + c.len, n);
    if (next.cls & kClassLetter) return run_end(s, i + c.len + next.len, n, kClassLetter);
  }
  if (c.cls & kClassNumber) return number_run_end(s, i, n, 3);
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  if (is_other(char_at(s, j, n).cls)) return newline_run_end(s, other_run_end(s, j, n), n, false);
  return whitespace_piece_end(s, i, n, true);
}

}  // namespace turbotoken
