// The text measures of analyze() (src/analyze.ts, docs/analysis.md) over UTF-8, in the core: a
// JavaScript loop over each text's UTF-16 units cost a fifth of the encoder's time.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {

struct TextMeasures {
  uint64_t bytes = 0;       // UTF-8 bytes (after U+FFFD repair)
  uint64_t characters = 0;  // code points
  uint64_t words = 0;       // maximal runs of code points that are not White_Space
};

// Adds the measures of text[0..n) to *m. When text_may_be_invalid, ill-formed sequences count as
// U+FFFD, as TextDecoder reads them.
void add_text_measures(const uint8_t* text, size_t n, bool text_may_be_invalid, TextMeasures* m);

}  // namespace turbotoken
