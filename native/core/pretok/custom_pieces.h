// Encoding pieces that the caller delimited: the path for a caller's vocabulary whose
// pre-tokenizer pattern has no native scanner (JavaScript's RegExp finds the pieces).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "encoding.h"

namespace turbotoken {

// Appends the tokens of every piece, each merged exactly as encode() merges a piece: piece k is
// bytes[ends[k-1]..ends[k]) with ends[-1] = 0; empty pieces add no token. kInvalidPieces when the
// ends decrease or pass `size`; kByteNotInVocabulary as for encode().
Status encode_pieces(const Encoding& enc, const uint8_t* bytes, size_t size, const uint32_t* ends,
                     size_t count, std::vector<uint32_t>& out);

}  // namespace turbotoken
