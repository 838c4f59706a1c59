// The properties the fuzz targets and the regression runner hold the core to, for one text:
//   - every merge strategy (by length with the piece cache, direct only, heap only) gives the same
//     status and ids;
//   - every pre-tokenizer kernel (SIMD ones, if the core has them) gives what the scalar kernel gives:
//     the same piece ends, then the same ids;
//   - count() equals the number of ids encode() gives;
//   - decoding the ids gives back the input, with ill-formed UTF-8 replaced as the WHATWG decoder
//     does (checked against our own small decoder here, not the core's), as bytes and as UTF-16
//     (also for the input's raw bytes as one-byte tokens); UTF-16 to UTF-8 turns lone
//     surrogates into U+FFFD;
//   - pieces tile the text, each ends on a code point boundary;
//   - a disallowed special token is reported where it really is, and only when one is there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "encoding.h"

namespace turbotoken_fuzz {

// How the text treats special-token text: as ordinary text, as special tokens, or as an error.
enum class SpecialMode : uint8_t { kOrdinary = 0, kAllowAll = 1, kDisallowAll = 2 };

struct Outcome {
  turbotoken::Status status = turbotoken::Status::kOk;
  std::vector<uint32_t> ids;
  turbotoken::SpecialMatch offending{};
};

// Ill-formed sequences replaced by U+FFFD, one per maximal subpart (independent of the core).
std::string reference_repair(const uint8_t* s, size_t n);

// Encodes with the process's current merge strategy and kernel.
Outcome encode_once(const turbotoken::Encoding& enc, const uint8_t* s, size_t n, SpecialMode mode);

// Runs every check; returns "" when all hold, else what failed. *baseline receives the outcome of
// the default strategy on the scalar kernel. Each kernel's piece ends (scan_pieces, on the parts
// encode() scans) are compared with scalar's before its ids, stopping at a piece that does not
// advance; *pieces_compared, when given, grows by scalar's piece count. Leaves the default
// strategy and the scalar kernel set.
std::string check_all(const turbotoken::Encoding& enc, const uint8_t* s, size_t n, SpecialMode mode,
                      Outcome* baseline, size_t* pieces_compared = nullptr);

// Kernel names, "scalar" first (just "scalar" when the core has no kernel selection).
std::vector<std::string> kernel_names();

}  // namespace turbotoken_fuzz
