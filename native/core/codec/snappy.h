// Snappy's raw format (no framing), decoded into memory the caller owns: Parquet's pages are raw
// snappy, and a decoder that writes where it is told lets the CLI reuse one memory for a row
// group's pages instead of a fresh buffer per page (docs/performance.md, "Corpus pipeline").
//
// A stream is the uncompressed length as a little-endian base-128 varint (at most 32 bits), then
// elements until the input ends: a literal (tag & 3 == 0: length - 1 in the tag's upper six bits,
// or, for 60-63, in the 1-4 bytes after it, then that many bytes) or a copy of earlier output
// (tag & 3 == 1: length 4-11 and an 11-bit offset; 2: length 1-64 and a 16-bit offset; 3: length
// 1-64 and a 32-bit offset). A copy may overlap what it writes (offset < length repeats a pattern).
//
// Every length and offset is checked before a byte moves: a corrupt or hostile stream returns a
// fault and never reads or writes outside [in, in + n) and [out, out + out_size). Time is linear
// in n + out_size: every element consumes input and produces output.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {

enum class SnappyFault : uint8_t {
  kNone = 0,
  kBadLength,           // the length varint is cut off, longer than 5 bytes, or over 32 bits
  kLengthMismatch,      // the stream's length is not the size the caller expects
  kTruncated,           // an element's tag says more bytes follow than the input holds
  kLiteralPastInput,    // a literal longer than what is left of the input
  kZeroOffset,          // a copy from offset 0
  kOffsetBeforeStart,   // a copy from before the first byte of output
  kOutputOverflow,      // an element that would write past the stream's length
  kShortOutput,         // the input ended before the stream's length was written
};

// The stream's uncompressed length (its varint) and, when `header` is given, the varint's size
// in bytes; or kBadLength.
SnappyFault snappy_length(const uint8_t* in, size_t n, uint32_t* length, size_t* header = nullptr);

// Decodes in[0..n) into out[0..out_size); kNone only when the stream's length is out_size and
// its elements write exactly that many bytes. On a fault, out's contents are unspecified.
SnappyFault snappy_decompress(const uint8_t* in, size_t n, uint8_t* out, size_t out_size);

// A sentence naming the fault (static storage; "ok" for kNone).
const char* snappy_fault_text(SnappyFault fault);

}  // namespace turbotoken
