// The AArch64 NEON classifier. Advanced SIMD is part of the AArch64 baseline, so every arm64 CPU
// has it and kernels.cpp needs no run-time check. Little-endian only: the mask is read out of a
// vector lane, which assumes byte 0 is the lowest byte of the uint64_t.
//
// NEON has no movemask. A compare gives 0xFF or 0x00 per byte; keeping only bit (k mod 8) of
// byte k turns each group of eight bytes into one byte of the mask once its bytes are summed
// (the bits are distinct, so adding is OR). Three rounds of pairwise adds (ADDP) sum groups of
// 2, 4, then 8 neighbouring bytes across the four 16-byte parts, leaving the 64-bit mask, in
// byte order, in the low half of one vector.
#if defined(__aarch64__) && !defined(__ARM_BIG_ENDIAN)
#include <arm_neon.h>

#include "text/byte_classes.h"

namespace turbotoken {

namespace {

alignas(16) constexpr uint8_t kBitOfLane[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};

using Parts = uint8x16_t[4];

// The 64 compare results test(part[0..3]) as a bit mask, bit k for byte k.
template <typename Test>
inline uint64_t mask_of(const Parts& part, Test test) {
  const uint8x16_t bits = vld1q_u8(kBitOfLane);
  const uint8x16_t pairs01 = vpaddq_u8(vandq_u8(test(part[0]), bits), vandq_u8(test(part[1]), bits));
  const uint8x16_t pairs23 = vpaddq_u8(vandq_u8(test(part[2]), bits), vandq_u8(test(part[3]), bits));
  const uint8x16_t quads = vpaddq_u8(pairs01, pairs23);
  const uint8x16_t octets = vpaddq_u8(quads, quads);
  return vgetq_lane_u64(vreinterpretq_u64_u8(octets), 0);
}

// 0xFF where lo <= x < lo + width, tested as the unsigned (x - lo) < width.
inline uint8x16_t in_range(uint8x16_t x, uint8_t lo, uint8_t width) {
  return vcltq_u8(vsubq_u8(x, vdupq_n_u8(lo)), vdupq_n_u8(width));
}

inline uint8x16_t equal(uint8x16_t x, uint8_t c) { return vceqq_u8(x, vdupq_n_u8(c)); }

}  // namespace

void classify_neon(const uint8_t* p, ByteClasses* out) {
  const Parts part = {vld1q_u8(p), vld1q_u8(p + 16), vld1q_u8(p + 32), vld1q_u8(p + 48)};
  out->lower = mask_of(part, [](uint8x16_t x) { return in_range(x, 'a', 26); });
  out->upper = mask_of(part, [](uint8x16_t x) { return in_range(x, 'A', 26); });
  out->digit = mask_of(part, [](uint8x16_t x) { return in_range(x, '0', 10); });
  out->space = mask_of(part, [](uint8x16_t x) { return vorrq_u8(in_range(x, '\t', 5), equal(x, ' ')); });
  out->newline = mask_of(part, [](uint8x16_t x) { return vorrq_u8(equal(x, '\r'), equal(x, '\n')); });
  out->nonascii = mask_of(part, [](uint8x16_t x) { return vcgeq_u8(x, vdupq_n_u8(0x80)); });
}

}  // namespace turbotoken
#endif
