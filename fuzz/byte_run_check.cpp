#include "byte_run_check.h"

#include <vector>

#include "bpe.h"

namespace turbotoken_fuzz {

std::string check_byte_run(const turbotoken::Vocab& vocab, const uint8_t* s, size_t n) {
  if (n == 0) return "";
  const uint8_t byte = s[n / 2];
  const size_t length = 129 + (n * 131 + s[0]) % 3968;
  const std::vector<uint8_t> run(length, byte);
  std::vector<uint32_t> by_runs, by_heap;
  if (!turbotoken::bpe_merge_run(vocab, run.data(), length, by_runs)) return "";
  turbotoken::bpe_merge_heap(vocab, run.data(), length, by_heap);
  if (by_runs == by_heap) return "";
  return "bpe_merge_run on " + std::to_string(length) + " times byte " + std::to_string(byte) + " gave " +
         std::to_string(by_runs.size()) + " tokens, bpe_merge_heap " + std::to_string(by_heap.size());
}

}  // namespace turbotoken_fuzz
