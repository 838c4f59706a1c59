// Every ordinary token of an encoding at once, for the vocabulary audit (src/audit.ts) and the
// vocabulary scans of the analysis (src/vocabulary-scan.ts): one call instead of one per id, so a
// vocabulary whose ids have large gaps costs its tokens, not its largest id.
#pragma once
#include <cstdint>
#include <vector>

#include "../encoding.h"
#include "../status.h"

namespace turbotoken {

// Bits of VocabularyTable::flags.
constexpr uint8_t kTokenUtf8 = 1;       // the token's bytes are well-formed UTF-8 on their own
constexpr uint8_t kTokenReachable = 2;  // encode() of those bytes (ordinary text) is exactly [id]

struct VocabularyTable {
  std::vector<uint32_t> ids;     // ordinary (non-special) ids, ascending
  std::vector<uint32_t> starts;  // ids.size() + 1 entries: token k is bytes[starts[k], starts[k + 1])
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> flags;    // one per id
};

// Fills *out (replacing what it held). kTokenReachable is computed only when check_reachable,
// and only for tokens that are UTF-8 (the others are no text to encode); a token whose encoding
// fails (kByteNotInVocabulary) is not reachable. kInvalidVocabulary when the bytes pass 4 GiB.
Status vocabulary_table(const Encoding& encoding, bool check_reachable, VocabularyTable* out);

}  // namespace turbotoken
