#include "text_measures.h"

#include <vector>

#include "utf8.h"

namespace turbotoken {
namespace {

// Unicode's White_Space: the ASCII ones, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
// U+202F, U+205F and U+3000 (none above U+FFFF).
inline bool white_space_at(const uint8_t* s, uint8_t b) {
  switch (b) {
    case 0xC2: return s[1] == 0x85 || s[1] == 0xA0;
    case 0xE1: return s[1] == 0x9A && s[2] == 0x80;
    case 0xE2: {
      const uint8_t c = s[1], d = s[2];
      return (c == 0x80 && (d <= 0x8A || d == 0xA8 || d == 0xA9 || d == 0xAF)) || (c == 0x81 && d == 0x9F);
    }
    case 0xE3: return s[1] == 0x80 && s[2] == 0x80;
    default: return false;
  }
}

void measure_valid(const uint8_t* s, size_t n, TextMeasures* m) {
  uint64_t characters = 0, words = 0;
  bool in_word = false;
  for (size_t i = 0; i < n;) {
    const uint8_t b = s[i];
    bool space;
    if (b < 0x80) {
      space = b == 0x20 || (b >= 0x09 && b <= 0x0D);
      i++;
    } else {
      space = white_space_at(s + i, b);
      i += b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    }
    characters++;
    words += !space && !in_word;
    in_word = !space;
  }
  m->bytes += n;
  m->characters += characters;
  m->words += words;
}

}  // namespace

void add_text_measures(const uint8_t* text, size_t n, bool text_may_be_invalid, TextMeasures* m) {
  if (text_may_be_invalid && valid_utf8_prefix(text, n) != n) {
    std::vector<uint8_t> repaired;
    append_repaired_utf8(text, n, repaired);
    measure_valid(repaired.data(), repaired.size(), m);
    return;
  }
  measure_valid(text, n, m);
}

}  // namespace turbotoken
