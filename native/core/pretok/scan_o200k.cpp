// o200k_base / o200k_harmony, with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}],
// P = [^\r\n\p{L}\p{N}] and C = (?i:'s|'t|'re|'ve|'m|'ll|'d):
//   P?U*W+C? | P?U+W*C? | \p{N}{1,3} | ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
#include "pretok/pretokenizer.h"
#include "pretok/scan_ascii.h"
#include "pretok/scan_common.h"

namespace turbotoken {

using namespace scan;

namespace {

struct UpperRun {
  size_t end;           // end of the maximal U run
  size_t last_shared;   // end of its last character that is in W too (Lm, Lo, M), or 0 if none
};

UpperRun upper_run(const uint8_t* s, size_t i, size_t n) {
  UpperRun r{i, 0};
  while (r.end < n) {
    Char c = char_at(s, r.end, n);
    if (!(c.cls & kClassUpperish)) break;
    r.end += c.len;
    if (c.cls & kClassLowerish) r.last_shared = r.end;
  }
  return r;
}

size_t with_contraction(const uint8_t* s, size_t e, size_t n) {
  size_t c = contraction_end(s, e, n, true);
  return c ? c : e;
}

// U*W+C? from `start`: U* takes the maximal run; if W cannot follow it, backtracking gives
// W+ the run's last character that is in W too. Returns 0 when there is no match. One decode per
// character: the character that ends the U run is tested for W where it was read (multilingual
// text reaches this for almost every piece).
size_t upper_star_lower_plus(const uint8_t* s, size_t start, size_t n) {
  size_t end = start, last_shared = 0;
  while (end < n) {
    Char c = char_at(s, end, n);
    if (!(c.cls & kClassUpperish)) {
      if (c.cls & kClassLowerish) return with_contraction(s, run_end(s, end + c.len, n, kClassLowerish), n);
      break;
    }
    end += c.len;
    if (c.cls & kClassLowerish) last_shared = end;
  }
  return last_shared ? with_contraction(s, last_shared, n) : 0;
}

// U+W*C? from `start`, reached only where U*W+ failed, so W* is empty. 0 when no match.
size_t upper_plus(const uint8_t* s, size_t start, size_t n) {
  UpperRun u = upper_run(s, start, n);
  return u.end > start ? with_contraction(s, u.end, n) : 0;
}

}  // namespace

// " word", "Word", " WORD" in ASCII, where the general rules reduce to: an optional leading
// space, uppercase letters, then lowercase letters, ended by an ASCII byte that is neither a
// lowercase letter nor an apostrophe (which could start a contraction). An uppercase run must be
// followed by such an end too (U+ then W* is empty). Anything else goes to the general scanner.
static size_t ascii_word_end(const uint8_t* s, size_t i, size_t n) {
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  if (!ascii::is_letter(s[j])) return 0;
  size_t upper_end = ascii::run(s, j, n, ascii::is_upper);
  size_t end = ascii::run(s, upper_end, n, ascii::is_lower);
  if (end == n) return end;
  uint8_t next = s[end];
  if (next >= 0x80 || next == '\'' || ascii::is_lower(next)) return 0;
  return end;
}

size_t o200k_piece_end(const uint8_t* s, size_t i, size_t n) {
  if (size_t e = ascii_word_end(s, i, n)) return e;
  Char c = char_at(s, i, n);
  bool has_prefix = !(c.cls & (kClassLetter | kClassNumber)) && !is_cr_or_lf(c.cp);
  size_t after = i + c.len;
  // Each word alternative tries with the optional prefix taken first, then without it.
  if (has_prefix && after < n)
    if (size_t e = upper_star_lower_plus(s, after, n)) return e;
  // Without the prefix, a word starts at i only if its first character is in U or W (a mark
  // can be both a prefix and in U).
  if (c.cls & (kClassUpperish | kClassLowerish))
    if (size_t e = upper_star_lower_plus(s, i, n)) return e;
  if (has_prefix && after < n)
    if (size_t e = upper_plus(s, after, n)) return e;
  if (c.cls & kClassUpperish)
    if (size_t e = upper_plus(s, i, n)) return e;
  if (c.cls & kClassNumber) return number_run_end(s, i, n, 3);
  size_t j = (s[i] == ' ' && i + 1 < n) ? i + 1 : i;
  if (is_other(char_at(s, j, n).cls)) return newline_run_end(s, other_run_end(s, j, n), n, true);
  return whitespace_piece_end(s, i, n, true);
}

}  // namespace turbotoken
