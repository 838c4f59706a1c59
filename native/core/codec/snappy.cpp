#include "snappy.h"

#include <cstring>

namespace turbotoken {

namespace {

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

inline uint32_t load_le(const uint8_t* p, unsigned bytes) {
  uint32_t v = 0;
  for (unsigned i = 0; i < bytes; i++) v |= uint32_t(p[i]) << (8 * i);
  return v;
}

}  // namespace

SnappyFault snappy_length(const uint8_t* in, size_t n, uint32_t* length, size_t* header) {
  uint64_t value = 0;
  for (size_t i = 0; i < 5; i++) {
    if (i == n) return SnappyFault::kBadLength;
    // Each byte read once: the input may be shared memory that changes during the call.
    const uint8_t byte = in[i];
    value |= uint64_t(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      if (value > 0xffffffffu) return SnappyFault::kBadLength;
      *length = uint32_t(value);
      if (header) *header = i + 1;
      return SnappyFault::kNone;
    }
  }
  return SnappyFault::kBadLength;
}

SnappyFault snappy_decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_size) {
  uint32_t length = 0;
  size_t header = 0;
  if (snappy_length(in, n, &length, &header) != SnappyFault::kNone) return SnappyFault::kBadLength;
  if (length != out_size) return SnappyFault::kLengthMismatch;
  const uint8_t* ip = in + header;
  const uint8_t* const in_end = in + n;
  uint8_t* op = out;
  uint8_t* const out_end = out + out_size;

  while (ip < in_end) {
    const uint32_t tag = *ip++;
    size_t len;
    if ((tag & 3) == 0) {
      len = (tag >> 2) + 1;
      if (len > 60) {
        const unsigned extra = unsigned(len - 60);
        if (size_t(in_end - ip) < extra) return SnappyFault::kTruncated;
        len = size_t(load_le(ip, extra)) + 1;
        ip += extra;
        // 2^32 wraps to 0 where size_t is 32 bits (WebAssembly): longer than any input there.
        if (len == 0) return SnappyFault::kLiteralPastInput;
      }
      if (size_t(in_end - ip) < len) return SnappyFault::kLiteralPastInput;
      if (size_t(out_end - op) < len) return SnappyFault::kOutputOverflow;
      // Literals of up to 64 bytes (most of them) in 8-byte moves when both sides have room for
      // the whole rounded-up length; the bytes past the literal are overwritten by what follows.
      if (len <= 64 && size_t(in_end - ip) >= 64 && size_t(out_end - op) >= 64) {
        for (size_t i = 0; i < len; i += 8) store64(op + i, load64(ip + i));
      } else {
        std::memcpy(op, ip, len);
      }
      ip += len;
      op += len;
      continue;
    }
    size_t offset;
    if ((tag & 3) == 1) {
      if (ip == in_end) return SnappyFault::kTruncated;
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | *ip++;
    } else if ((tag & 3) == 2) {
      if (size_t(in_end - ip) < 2) return SnappyFault::kTruncated;
      len = (tag >> 2) + 1;
      offset = load_le(ip, 2);
      ip += 2;
    } else {
      if (size_t(in_end - ip) < 4) return SnappyFault::kTruncated;
      len = (tag >> 2) + 1;
      offset = load_le(ip, 4);
      ip += 4;
    }
    if (offset == 0) return SnappyFault::kZeroOffset;
    if (offset > size_t(op - out)) return SnappyFault::kOffsetBeforeStart;
    const size_t room = size_t(out_end - op);
    if (room < len) return SnappyFault::kOutputOverflow;
    const uint8_t* src = op - offset;
    if (room >= len + 8) {
      // 8 bytes at a time, up to 7 past the copy (inside the output, overwritten by what
      // follows). Each load must read only bytes already final, so it reaches back at least 8:
      // a shorter pattern is first written out byte by byte to 8 bytes, after which the output
      // repeats with the period `offset` rounded up to a multiple of it that is at least 8.
      size_t i = 0;
      if (offset < 8) {
        for (; i < 8; i++) op[i] = src[i];
        src = op - offset * ((8 + offset - 1) / offset);
      }
      for (; i < len; i += 8) store64(op + i, load64(src + i));
    } else {
      // A pattern shorter than 8 bytes repeats byte by byte, as the format defines an overlap.
      for (size_t i = 0; i < len; i++) op[i] = src[i];
    }
    op += len;
  }
  return op == out_end ? SnappyFault::kNone : SnappyFault::kShortOutput;
}

const char* snappy_fault_text(SnappyFault fault) {
  switch (fault) {
    case SnappyFault::kNone: return "ok";
    case SnappyFault::kBadLength: return "the length header is cut off or over 32 bits";
    case SnappyFault::kLengthMismatch: return "the length header is not the expected size";
    case SnappyFault::kTruncated: return "an element is cut off at the end of the input";
    case SnappyFault::kLiteralPastInput: return "a literal runs past the end of the input";
    case SnappyFault::kZeroOffset: return "a copy has offset 0";
    case SnappyFault::kOffsetBeforeStart: return "a copy reaches before the start of the output";
    case SnappyFault::kOutputOverflow: return "the data is longer than its length header";
    case SnappyFault::kShortOutput: return "the data is shorter than its length header";
  }
  return "unknown fault";
}

}  // namespace turbotoken
