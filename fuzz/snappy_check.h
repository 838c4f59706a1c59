// The core's snappy decoder (native/core/codec/snappy.h) held to a reference written here from the
// format, byte by byte with every read checked: for any input, the decoder accepts exactly the
// streams the reference decodes and gives their bytes, and never touches memory outside its two
// buffers (the output is a heap block of exactly the size asked for, so ASan sees a stray write).
// fuzz_snappy runs it on fuzzed inputs, the regression runner on seeded random streams.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace turbotoken_fuzz {

// data[0] & 3: the output size asked for (0: the stream's own length, 1: one more, 2: one less,
// 3: the length modulo 64); the rest is the stream. "" when the check holds, else what failed.
std::string check_snappy(const uint8_t* data, size_t size);

// n seeded random streams (valid ones of every element form, then mutated and cut) through
// check_snappy; returns the number that failed, printing each.
size_t run_snappy_random(uint32_t seed, size_t n);

}  // namespace turbotoken_fuzz
