// The WebAssembly SIMD128 classifier (built only into the WASM module, which is compiled with
// -msimd128; every engine that runs the module has SIMD128).
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include "text/byte_classes.h"

namespace turbotoken {

namespace {

inline uint64_t below(v128_t x, uint8_t lo, uint8_t width) {
  return wasm_i8x16_bitmask(wasm_u8x16_lt(wasm_i8x16_sub(x, wasm_u8x16_splat(lo)), wasm_u8x16_splat(width)));
}

inline uint64_t equal(v128_t x, uint8_t c) { return wasm_i8x16_bitmask(wasm_i8x16_eq(x, wasm_u8x16_splat(c))); }

}  // namespace

void classify_simd128(const uint8_t* p, ByteClasses* out) {
  ByteClasses m{0, 0, 0, 0, 0, 0};
  for (unsigned part = 0; part < 4; part++) {
    v128_t x = wasm_v128_load(p + 16 * part);
    const unsigned shift = 16 * part;
    m.lower |= below(x, 'a', 26) << shift;
    m.upper |= below(x, 'A', 26) << shift;
    m.digit |= below(x, '0', 10) << shift;
    m.space |= (below(x, '\t', 5) | equal(x, ' ')) << shift;
    m.newline |= (equal(x, '\r') | equal(x, '\n')) << shift;
    m.nonascii |= uint64_t(wasm_i8x16_bitmask(x)) << shift;
  }
  *out = m;
}

}  // namespace turbotoken
#endif
