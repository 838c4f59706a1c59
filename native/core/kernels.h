// Pre-tokenizer kernels and their run-time dispatch. "scalar" is the specification (the scanners
// of pretokenizer.h, byte by byte); the others find the same pieces from byte-class masks made
// with SIMD (scan_masked.h). One binary holds every kernel its architecture has; the best one the
// CPU supports is active unless select_kernel() (TURBOTOKEN_KERNEL in the JS API) picks another.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bpe/bpe.h"
#include "vocab/decode_lengths.h"
#include "pretok/pretokenizer.h"
#include "status.h"
#include "text/byte_set.h"

namespace turbotoken {

// The kernels this CPU can run, "scalar" first and the default (the fastest) last.
std::vector<const char*> available_kernels();

// Makes `name` the active kernel for the whole process; kUnknownKernel if it is not available.
Status select_kernel(const char* name);

// The active kernel's name.
const char* kernel_name();

// The active kernel's build of the 32-bit-key direct merge (bpe.h): the AVX2 one on kernels that
// have AVX2, so that forcing a kernel also forces the merge that goes with it.
DirectMerge32Fn kernel_direct_merge32();

// The active kernel's UTF-8 to UTF-16 transcoder (see utf8_to_utf16 in utf8.h).
using Utf8ToUtf16Fn = size_t (*)(const uint8_t* s, size_t n, char16_t* out);
Utf8ToUtf16Fn kernel_utf8_to_utf16();

// The active kernel's UTF-16 to UTF-8 transcoder (see utf16_to_utf8 in utf8.h).
using Utf16ToUtf8Fn = size_t (*)(const char16_t* s, size_t n, uint8_t* out);
Utf16ToUtf8Fn kernel_utf16_to_utf8();

// The active kernel's length pass for decode (see decode_lengths.h).
SumTokenLengthsFn kernel_sum_token_lengths();

// The active kernel's byte-set search (see byte_set.h): the AVX2 one on kernels that have AVX2.
FindInSetFn kernel_find_in_set();

// Ends of up to max_ends consecutive pieces from i < n, found by the active kernel; at least one.
size_t scan_pieces(Family family, const uint8_t* s, size_t i, size_t n, size_t* ends, size_t max_ends);

}  // namespace turbotoken
