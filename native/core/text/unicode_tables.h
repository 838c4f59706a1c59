// GENERATED FILE - DO NOT EDIT. Regenerate with: node scripts/gen-unicode-tables.mjs
// Probed from the reference tokenizer's regex engine:
//   tiktoken 1.0.22, tiktoken_bg.wasm sha256 dedd9a7b5d8d98b44448bedb371ade1c5327f7bb5dd9effe159da816473a415f
//   matches Unicode: 16.0.0
//   table sha256 (stage1 LE bytes + stage2 + letter sets): bfe8433a7b1152701ead4c06d1ac3a6beb0841edb6517e6a3a6e2e959cc4448a
#pragma once
#include <cstdint>
namespace turbotoken {
enum : uint8_t {
  kClassLetter = 1,      // \p{L}
  kClassNumber = 2,      // \p{N}
  kClassSpace = 4,       // \s (White_Space as the reference sees it)
  kClassUpperish = 8,    // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]  (o200k's first word class)
  kClassLowerish = 16,   // [\p{Ll}\p{Lm}\p{Lo}\p{M}]         (o200k's second word class)
  kClassMark = 32,       // \p{M}
};
namespace unicode_tables_detail {
extern const uint8_t kStage1[4352];
extern const uint8_t kStage2[35840];
}  // namespace unicode_tables_detail
// Class bits of a Unicode scalar value (cp <= 0x10FFFF, not a surrogate); 0 for anything else.
inline uint8_t unicode_class(uint32_t cp) {
  using namespace unicode_tables_detail;
  if (cp < 0x100) return kStage2[cp];  // stage1[0] is always block 0
  if (cp > 0x10FFFF) return 0;
  return kStage2[(static_cast<uint32_t>(kStage1[cp >> 8]) << 8) | (cp & 0xFF)];
}
// True when cp matches the ASCII letter `lower` ('s','t','r','e','v','m','l','d') case-insensitively
// the way the reference's (?i:...) does.
bool contraction_letter_matches(char lower, uint32_t cp);
}  // namespace turbotoken
