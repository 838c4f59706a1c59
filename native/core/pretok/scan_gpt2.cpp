// gpt2 / r50k_base / p50k_base / p50k_edit:
//   's|'t|'re|'ve|'m|'ll|'d | ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+ | \s+(?!\S) | \s+
#include "pretok/pretokenizer.h"
#include "pretok/scan_ascii.h"
#include "pretok/scan_common.h"

namespace turbotoken {

using namespace scan;

namespace {

// " word" / " 123" in ASCII: an optional space, then a run of ASCII letters or of ASCII digits
// ended by an ASCII byte of another kind (a non-ASCII byte might continue the run).
size_t ascii_run_end(const uint8_t* s, size_t i, size_t n) {
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  size_t end;
  if (ascii::is_letter(s[j])) end = ascii::run(s, j, n, ascii::is_letter);
  else if (ascii::is_digit(s[j])) end = ascii::run(s, j, n, ascii::is_digit);
  else return 0;
  return ascii::ends_cleanly(s, end, n) ? end : 0;
}

}  // namespace

size_t gpt2_piece_end(const uint8_t* s, size_t i, size_t n) {
  if (size_t e = ascii_run_end(s, i, n)) return e;
  if (size_t e = contraction_end(s, i, n, false)) return e;
  // " ?X+": an optional literal space, then a run of one class; the class of the character
  // after the space (or at i) decides which of the three alternatives matches.
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  Char c = char_at(s, j, n);
  if (c.cls & kClassLetter) return run_end(s, j, n, kClassLetter);
  if (c.cls & kClassNumber) return run_end(s, j, n, kClassNumber);
  if (is_other(c.cls)) return other_run_end(s, j, n);
  // A space followed by whitespace, or whitespace at i.
  return whitespace_piece_end(s, i, n, false);
}

}  // namespace turbotoken
