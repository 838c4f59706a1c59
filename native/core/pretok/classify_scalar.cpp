#include "text/byte_classes.h"
#include "text/unicode_tables.h"

namespace turbotoken {

void classify_scalar(const uint8_t* p, ByteClasses* out) {
  ByteClasses m{0, 0, 0, 0, 0, 0};
  for (unsigned k = 0; k < 64; k++) {
    const uint64_t bit = uint64_t(1) << k;
    const uint8_t b = p[k];
    if (b >= 0x80) {
      m.nonascii |= bit;
      continue;
    }
    const uint8_t cls = unicode_class(b);
    if ((cls & kClassLetter) && (cls & kClassLowerish)) m.lower |= bit;
    if ((cls & kClassLetter) && (cls & kClassUpperish)) m.upper |= bit;
    if (cls & kClassNumber) m.digit |= bit;
    if (cls & kClassSpace) m.space |= bit;
    if (b == '\r' || b == '\n') m.newline |= bit;
  }
  *out = m;
}

}  // namespace turbotoken
