#include "status.h"

namespace turbotoken {

const char* status_name(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kInvalidVocabulary: return "invalid vocabulary";
    case Status::kInvalidSpecialToken: return "invalid special token";
    case Status::kDisallowedSpecial: return "disallowed special token";
    case Status::kInvalidTokenId: return "invalid token id";
    case Status::kNotAToken: return "not a token";
    case Status::kOutOfMemory: return "out of memory";
    case Status::kByteNotInVocabulary: return "the text needs a byte that is not a token of the vocabulary";
    case Status::kInvalidPieces: return "piece ends that decrease or pass the end of the bytes";
    case Status::kUnknownKernel: return "unknown kernel";
  }
  return "unknown status";
}

}  // namespace turbotoken
