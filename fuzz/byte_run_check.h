// The run-length merge (bpe_merge_run) held to the definition (bpe_merge_heap) on a run of one
// byte that each fuzz input picks: libFuzzer's mutators rarely build runs past the 128 bytes where
// the run merge starts, so the input chooses the byte and the length instead of spelling them out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "vocab/vocab.h"

namespace turbotoken_fuzz {

// The byte is s[n / 2]; the length is 129..4096, from n and s[0]. Returns "" when the run merge
// declines or agrees with the heap, else what differed.
std::string check_byte_run(const turbotoken::Vocab& vocab, const uint8_t* s, size_t n);

}  // namespace turbotoken_fuzz
