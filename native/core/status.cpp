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
    case Status::kUnknownKernel: return "unknown kernel";
  }
  return "unknown status";
}

}  // namespace turbotoken
