// Results of core operations. The core never throws across its boundary and never aborts:
// every fallible entry point returns a Status, and the binding turns it into a JS error.
#pragma once
#include <cstdint>

namespace turbotoken {

enum class Status : uint8_t {
  kOk = 0,
  kInvalidVocabulary,   // a vocabulary blob that is truncated, malformed or inconsistent
  kInvalidSpecialToken, // a special token that is empty, repeated, or collides with a rank
  kDisallowedSpecial,   // the text contains a special token that the caller did not allow
  kInvalidTokenId,      // decode was given an id that is not a token of this encoding
  kNotAToken,           // encodeSingleToken was given bytes that are not exactly one token
  kOutOfMemory,
  kByteNotInVocabulary, // BPE left a byte that is not a token (a vocabulary without every byte)
  kInvalidPieces,       // piece end offsets that decrease or pass the end of the bytes
  kUnknownKernel,       // select_kernel was given a kernel this build or CPU does not have
};

const char* status_name(Status s);

}  // namespace turbotoken
