// The masked pre-tokenizer: the same pieces as the scalar scanners (pretokenizer.h), found from
// byte-class masks (byte_classes.h) where the piece is plain ASCII, and by the scalar scanner
// wherever a decision depends on a byte >= 0x80, a contraction, or a run longer than the mask.
#pragma once
#include <cstddef>
#include <cstdint>

#include "text/byte_classes.h"
#include "pretok/pretokenizer.h"

namespace turbotoken {

// Writes the ends of up to max_ends consecutive pieces starting at i < n into ends; returns how
// many (at least one).
size_t scan_pieces_masked(Family family, ClassifyFn classify, const uint8_t* s, size_t i, size_t n,
                          size_t* ends, size_t max_ends);

// The same with the scalar scanners alone: the specification the masked scanner is held to.
size_t scan_pieces_scalar(Family family, const uint8_t* s, size_t i, size_t n, size_t* ends,
                          size_t max_ends);

}  // namespace turbotoken
