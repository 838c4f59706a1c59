// Pre-tokenization: splitting text into the pieces that BPE encodes one by one.
//
// Each family reproduces, without a regex engine, exactly the matches that the reference's regex
// (tiktoken's pat_str, run by a backtracking engine with leftmost-first alternation) finds, one
// match after another from the start of a text segment:
//   kGpt2   gpt2, r50k_base, p50k_base, p50k_edit
//   kCl100k cl100k_base
//   kO200k  o200k_base, o200k_harmony
// docs/encoding.md states each pattern alternative by alternative and how the scanners mirror them.
//
// Input is well-formed UTF-8. next_piece_end(s, i, n) returns the end of the piece that starts at
// i (i < n); pieces tile the segment, so the next piece starts where this one ends.
#pragma once
#include <cstddef>
#include <cstdint>

namespace turbotoken {

enum class Family : uint8_t { kGpt2 = 0, kCl100k = 1, kO200k = 2 };
constexpr int kFamilyCount = 3;

size_t gpt2_piece_end(const uint8_t* s, size_t i, size_t n);
size_t cl100k_piece_end(const uint8_t* s, size_t i, size_t n);
size_t o200k_piece_end(const uint8_t* s, size_t i, size_t n);

using PieceEndFn = size_t (*)(const uint8_t* s, size_t i, size_t n);

inline PieceEndFn piece_end_function(Family f) {
  switch (f) {
    case Family::kCl100k: return cl100k_piece_end;
    case Family::kO200k: return o200k_piece_end;
    default: return gpt2_piece_end;
  }
}

}  // namespace turbotoken
