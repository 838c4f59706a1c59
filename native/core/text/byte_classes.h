// Classes of 64 consecutive bytes as bit masks (bit k describes byte k), the input of the masked
// pre-tokenizer kernels. Only ASCII bytes get a class; a byte >= 0x80 is marked non-ASCII and the
// scanner hands the piece to the scalar code, which decodes and classifies code points.
// Every classifier (scalar, SSE2, AVX2, AVX-512, WASM SIMD128, NEON) must produce identical masks.
#pragma once
#include <cstdint>

namespace turbotoken {

struct ByteClasses {
  uint64_t lower;     // a-z   (o200k's lowercase-ish class, restricted to ASCII)
  uint64_t upper;     // A-Z
  uint64_t digit;     // 0-9
  uint64_t space;     // \t \n \v \f \r and ' ' (White_Space in ASCII)
  uint64_t newline;   // \r \n
  uint64_t nonascii;  // 0x80-0xFF
};

// Classifies exactly 64 readable bytes at p.
using ClassifyFn = void (*)(const uint8_t* p, ByteClasses* out);

// The specification of the masks: derived byte by byte from the Unicode tables the scalar
// scanners use, so the ASCII classes cannot drift from them.
void classify_scalar(const uint8_t* p, ByteClasses* out);

// The classifier of the kernel called `name` (kernels.h), or null for "scalar" (which scans
// without masks) and for a kernel this build or CPU does not have. For tests that compare masks.
ClassifyFn kernel_classifier(const char* name);

#if defined(__x86_64__) || defined(_M_X64)
void classify_sse2(const uint8_t* p, ByteClasses* out);
void classify_avx2(const uint8_t* p, ByteClasses* out);
void classify_avx512(const uint8_t* p, ByteClasses* out);
#endif
#if defined(__wasm_simd128__)
void classify_simd128(const uint8_t* p, ByteClasses* out);
#endif
#if defined(__aarch64__) && !defined(__ARM_BIG_ENDIAN)
void classify_neon(const uint8_t* p, ByteClasses* out);
#endif

}  // namespace turbotoken
