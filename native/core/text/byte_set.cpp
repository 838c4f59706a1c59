#include "text/byte_set.h"

namespace turbotoken {

void ByteSet::build_nibbles() {
  for (uint32_t l = 0; l < 16; l++) {
    uint8_t low = 0, high = 0;
    for (uint32_t h = 0; h < 8; h++) {
      if (member[h << 4 | l]) low |= uint8_t(1u << h);
      if (member[(h + 8) << 4 | l]) high |= uint8_t(1u << h);
    }
    by_low[l] = low;
    by_low_high[l] = high;
  }
}

size_t find_in_set_scalar(const ByteSet& set, const uint8_t* text, size_t from, size_t size) {
  const uint8_t* const member = set.member;
  const uint8_t* const stop = text + size;
  const uint8_t* at = text + from;
  // Eight bytes a test: the loads do not depend on each other, the branch is taken once.
  while (stop - at >= 8 && !(member[at[0]] | member[at[1]] | member[at[2]] | member[at[3]] | member[at[4]] |
                             member[at[5]] | member[at[6]] | member[at[7]])) {
    at += 8;
  }
  while (at < stop && !member[*at]) at++;
  return size_t(at - text);
}

}  // namespace turbotoken
