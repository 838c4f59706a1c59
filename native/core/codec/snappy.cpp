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

// One 16-byte unaligned move: a single vector load and store on x86-64 (SSE2), arm64 and
// WebAssembly (simd128), without a call.
inline void move16(uint8_t* dst, const uint8_t* src) {
  uint8_t v[16];
  std::memcpy(v, src, 16);
  std::memcpy(dst, v, 16);
}

inline uint32_t load_le(const uint8_t* p, unsigned bytes) {
  uint32_t v = 0;
  for (unsigned i = 0; i < bytes; i++) v |= uint32_t(p[i]) << (8 * i);
  return v;
}

// Eight bytes, little-endian (every target the core builds for is: x86-64, arm64, wasm32).
inline uint64_t load_le64(const uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap64(load64(p));
#else
  return load64(p);
#endif
}
inline void store_le64(uint8_t* p, uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  store64(p, __builtin_bswap64(v));
#else
  store64(p, v);
#endif
}

// The fast loop runs while the input holds a tag and 64 bytes after it (a literal of up to 60
// bytes is moved in whole 16-byte blocks, a copy's offset read as 4 bytes) and the output has
// room for a 64-byte element plus the 15 bytes a pattern's last 16-byte store may pass its end.
constexpr size_t kFastIn = 1 + 64;
constexpr size_t kFastOut = 64 + 16;

// 8 % period and period * (16 / period) for the periods 1-15 of a short-offset copy.
constexpr uint8_t kPatternPhase[8] = {0, 0, 0, 2, 0, 3, 2, 1};
constexpr uint8_t kPatternStep[16] = {0, 16, 16, 15, 16, 15, 12, 14, 16, 9, 10, 11, 12, 13, 14, 15};

// The first `period` (1-7) bytes of `v` repeated over its 8 bytes.
inline uint64_t widen(uint64_t v, unsigned period) {
  v &= (uint64_t(1) << (8 * period)) - 1;
  v |= v << (8 * period);
  if (period < 4) v |= v << (16 * period);
  if (period < 2) v |= v << 32;
  return v;
}

// A copy from `offset` before `op` of `len` (1-64) bytes, in the fast loop: `offset` is checked
// to be 1..(op - out) and the output has kFastOut bytes of room. Bytes past `len` may be written
// with anything: they lie inside the output, and what follows overwrites them (a stream that
// ends early is a fault, and then the output is unspecified).
inline void fast_copy(uint8_t* op, size_t offset, size_t len) {
  const uint8_t* src = op - offset;
  if (offset >= 16) {
    // Each block reads at least 16 bytes back, so only bytes already final even when the copy
    // overlaps itself.
    move16(op, src);
    if (len > 16) {
      move16(op + 16, src + 16);
      if (len > 32) {
        move16(op + 32, src + 32);
        move16(op + 48, src + 48);
      }
    }
    return;
  }
  // A pattern of period `offset` < 16: its first 16 bytes built once in two registers from the
  // `offset` bytes before `op`, then stored 16 bytes at a time, `step` (the largest multiple of
  // the period up to 16) apart. The last store ends under 16 bytes past the copy. Building it in
  // registers spares the stores' round trips through memory that a pattern doubled in place
  // takes (each move there reads what the one before it wrote).
  uint64_t lo, hi;
  if (offset >= 8) {
    // Bytes 8 to offset - 1 of the pattern, then its start again.
    const unsigned more = unsigned(offset - 8);
    lo = load_le64(src);
    hi = (load_le64(src + 8) & ((uint64_t(1) << (8 * more)) - 1)) | lo << (8 * more);
  } else {
    // The period repeated to 8 bytes; the next 8 start where the first 8 leave the period.
    const unsigned o = unsigned(offset);
    lo = widen(load_le64(src), o);
    hi = widen(lo >> (8 * kPatternPhase[o]), o);
  }
  const size_t step = kPatternStep[offset];
  for (size_t i = 0; i < len; i += step) {
    store_le64(op + i, lo);
    store_le64(op + i + 8, hi);
  }
}

// Each tag's element for the fast loop's one 16-byte move, in a 2-byte entry: its length (bits
// 0-4), how many of the 32 bits after the tag are not its offset's, over 8 (bits 5-7: a copy's
// offset is the 1, 2 or 4 bytes after the tag, a literal has none), and what is added to those
// offset bytes, over 16 (bits 8-15: a kind-1 copy's three high bits; a literal's 16, which
// passes the offset check). Elements that one move does not cover (a literal or a copy of over
// 16 bytes, a literal whose length follows the tag) have no offset bytes and offset 0, which
// the offset check refuses. A table rather than arithmetic on the tag: measured, the
// arithmetic took more instructions (the element's kind picks each field) and ran slower.
struct TagTable {
  uint16_t entry[256];
  constexpr TagTable() : entry() {
    for (uint32_t tag = 0; tag < 256; tag++) {
      const uint32_t kind = tag & 3;
      const uint32_t len = kind == 1 ? ((tag >> 2) & 7) + 4 : (tag >> 2) + 1;
      const uint32_t bytes = kind == 3 ? 4 : kind;
      const uint32_t add = kind == 0 ? 16 : kind == 1 ? (tag >> 5) << 8 : 0;
      entry[tag] = uint16_t(len <= 16 ? len | (4 - bytes) << 5 | (add >> 4) << 8 : 4 << 5);
    }
  }
};
constexpr TagTable kTags;

[[gnu::cold]] SnappyFault offset_fault(size_t offset) {
  return offset == 0 ? SnappyFault::kZeroOffset : SnappyFault::kOffsetBeforeStart;
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

  // The fast loop, while both sides have room for a whole element's block moves (kFastIn,
  // kFastOut): the tag bounds every length but a long literal's, so an element needs no check
  // but its copy's offset. Most elements (text: 4-5 bytes of output each) are a literal of up to
  // 16 bytes or a copy of up to 16 from at least 16 back, one 16-byte move either way, decoded
  // without a branch on the element's kind (which would be mispredicted about as often as the
  // kinds alternate): the move's source and the next tag's place are picked by masks. The rest
  // take the branches after it. in_fast and out_fast are where the loop stops (its start when a
  // buffer is too short for it).
  const uint8_t* const in_fast = n - header > kFastIn ? in_end - kFastIn : ip;
  uint8_t* const out_fast = out_size > kFastOut ? out_end - kFastOut : out;
  while (ip < in_fast && op < out_fast) {
    // Each byte that decides a length or an offset read once, into a register: the input may
    // be shared memory that changes during the call. The tag and the bytes after it in one
    // load (the room holds them).
    const uint64_t head = load_le64(ip);
    const uint32_t tag = uint32_t(head & 0xff);
    const uint32_t kind = tag & 3;
    const uint32_t entry = kTags.entry[tag];
    const size_t len = entry & 31;
    // A literal's entry has no offset bytes and 16 as its offset (its source is the input); an
    // element the block move does not cover has offset 0, which sends it to the path below.
    const uint32_t offset_mask = uint32_t(uint64_t(0xffffffffu) >> ((entry >> 2) & 56));
    // A copy's offset is the 1, 2 or 4 bytes after the tag (kind 1, 2, 3), a literal has none.
    const unsigned offset_bytes = kind + ((kind + 1) >> 2);
    const size_t reach = size_t((uint32_t(head >> 8) & offset_mask) | (entry >> 8) << 4);
    if (((reach < 16) | (reach > size_t(op - out))) == 0) {
      const size_t lit = size_t(0) - size_t(kind == 0);
      const uintptr_t src = (uintptr_t(ip + 1) & lit) | (uintptr_t(op - reach) & ~lit);
      move16(op, reinterpret_cast<const uint8_t*>(src));
      op += len;
      // Past the tag, a literal's bytes or a copy's 1, 2 or 4 offset bytes. Arithmetic here
      // rather than a field of the entry: the next tag's load waits on this sum, and the
      // table's load would add its latency (docs/performance.md, "Corpus pipeline").
      ip += 1 + offset_bytes + (((tag >> 2) + 1) & lit);
      continue;
    }
    // The offset little-endian; kind 1 adds three high bits from the tag and has a length of
    // 4-11, the others 1-64.
    size_t offset = size_t((head >> 8) & ((uint64_t(1) << (8 * offset_bytes)) - 1));
    if (kind == 1) offset |= size_t(tag >> 5) << 8;
    size_t size = kind == 1 ? ((tag >> 2) & 7) + 4 : (tag >> 2) + 1;
    ip++;
    if (kind == 0) {
      if (size <= 60) {
        // The room holds 64 bytes on either side: four moves, whatever the length.
        move16(op, ip);
        move16(op + 16, ip + 16);
        move16(op + 32, ip + 32);
        move16(op + 48, ip + 48);
      } else {
        const unsigned extra = unsigned(size - 60);
        size = size_t(load_le(ip, extra)) + 1;
        ip += extra;
        // 2^32 wraps to 0 where size_t is 32 bits (WebAssembly): longer than any input there.
        if (size == 0 || size_t(in_end - ip) < size) return SnappyFault::kLiteralPastInput;
        if (size_t(out_end - op) < size) return SnappyFault::kOutputOverflow;
        std::memcpy(op, ip, size);
      }
      ip += size;
      op += size;
      continue;
    }
    ip += offset_bytes;
    // offset - 1 wraps for offset 0: one comparison refuses both faults.
    if (offset - 1 >= size_t(op - out)) return offset_fault(offset);
    fast_copy(op, offset, size);
    op += size;
  }

  // Near the ends: every length checked against what is left.
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
