// decode's length pass over ordinary tokens: how many bytes ids decode to, and whether every one
// of them is ASCII, from one table entry per id (Vocab::TokenView::length_info). An id that is no
// ordinary token (a special token, or no token at all) stops it; Encoding::decoded_length deals
// with that id and goes on. sum_token_lengths_scalar is the specification; the AVX-512 kernel
// gathers 16 entries at a time and gives any block holding such an id to the scalar code.
#pragma once
#include <cstddef>
#include <cstdint>

#include "vocab/vocab.h"

namespace turbotoken {

struct LengthSum {
  uint64_t bytes = 0;
  // kAsciiToken stays set while every entry has it; the other bits are unspecified (a kernel
  // may AND in more than the entries' 16 bits).
  uint32_t flags = ~uint32_t(0);
};

// Adds the entries of ids[0..k) to *sum, where k is the index of the first id that is not an
// ordinary token (id >= n, or an entry of length 0), or count when there is none; returns k.
// info has n + 1 entries, the last one 0.
using SumTokenLengthsFn = size_t (*)(const uint32_t* ids, size_t count, const uint16_t* info, uint32_t n,
                                     LengthSum* sum);
size_t sum_token_lengths_scalar(const uint32_t* ids, size_t count, const uint16_t* info, uint32_t n, LengthSum* sum);
#if defined(__x86_64__) || defined(_M_X64)
size_t sum_token_lengths_avx512(const uint32_t* ids, size_t count, const uint16_t* info, uint32_t n, LengthSum* sum);
#endif

}  // namespace turbotoken
