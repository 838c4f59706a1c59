// A seeded random differential check of the pre-tokenizer kernels, for builds where a kernel
// cannot be fuzzed natively (the NEON kernel under qemu) and to cover what the stored reference
// cases do not: texts built to put runs of every byte class across the 64-byte block edges.
// Every text goes through check_all: every kernel's piece ends and ids, and every merge strategy,
// against scalar's.
#pragma once
#include <cstddef>
#include <cstdint>

#include "manifest.h"

namespace turbotoken_fuzz {

struct DifferentialResult {
  size_t blocks = 0;    // 64-byte blocks whose masks were compared, per kernel
  size_t texts = 0;     // texts checked, over all families and generators
  size_t pieces = 0;    // piece ends compared per kernel (scalar's count)
  size_t failed = 0;
};

// First compares every kernel's classifier with classify_scalar on 256 + 16 * texts_per_kind
// blocks (every byte value at every position, then random ones). Then runs texts_per_kind texts
// of each kind (random bytes, ASCII-heavy text, block-edge runs) through check_all on one encoding
// of each pre-tokenizer family. All from the seed; prints the first failures to stderr.
DifferentialResult run_differential(const std::vector<LoadedEncoding>& encodings, uint32_t seed,
                                    size_t texts_per_kind);

}  // namespace turbotoken_fuzz
