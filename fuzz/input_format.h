// How a fuzz input (a byte string) becomes a case: which encoding, how special tokens are treated,
// and the text, with special-token text spliced in where the input asks for it. Shared by the fuzz
// target and the regression runner (which writes its stored cases out as a seed corpus).
//
//   byte 0         bits 0-2: encoding index (modulo the number of encodings, manifest order)
//                  bits 3-4: 0 ordinary, 1 allow all, 2 disallow all, 3 allow all
//                  bit 5:    splice: in the text, 0x01 k stands for special token k (modulo the
//                            count) when k < 0x80, else for the first (k & 0x0F) bytes of it
//   bytes 1..      the text (any bytes; ill-formed UTF-8 included)
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "checks.h"
#include "manifest.h"

namespace turbotoken_fuzz {

struct FuzzCase {
  size_t encoding_index = 0;
  SpecialMode mode = SpecialMode::kOrdinary;
  std::string text;
};

inline FuzzCase parse_fuzz_input(const uint8_t* data, size_t size, const std::vector<LoadedEncoding>& encodings) {
  FuzzCase c;
  if (size == 0 || encodings.empty()) return c;
  c.encoding_index = (data[0] & 7) % encodings.size();
  unsigned mode = (data[0] >> 3) & 3;
  c.mode = mode == 2 ? SpecialMode::kDisallowAll : mode == 0 ? SpecialMode::kOrdinary : SpecialMode::kAllowAll;
  const bool splice = data[0] & 0x20;
  const auto& specials = encodings[c.encoding_index].encoding->specials();
  for (size_t i = 1; i < size; i++) {
    if (splice && data[i] == 0x01 && i + 1 < size && !specials.empty()) {
      uint8_t k = data[++i];
      const std::string& t = specials[(k & 0x7F) % specials.size()].text;
      c.text += k < 0x80 ? t : t.substr(0, k & 0x0F);
      continue;
    }
    c.text += char(data[i]);
  }
  return c;
}

inline uint8_t fuzz_header(size_t encoding_index, SpecialMode mode) {
  return uint8_t(encoding_index & 7) | uint8_t(uint8_t(mode) << 3);
}

}  // namespace turbotoken_fuzz
