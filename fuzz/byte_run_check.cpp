#include "byte_run_check.h"

#include <vector>

#include "bpe/bpe.h"

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
  size_t k = 0;
  while (k < by_runs.size() && k < by_heap.size() && by_runs[k] == by_heap[k]) k++;
  const auto id_at = [k](const std::vector<uint32_t>& ids) { return k < ids.size() ? std::to_string(ids[k]) : "none"; };
  return "bpe_merge_run on " + std::to_string(length) + " times byte " + std::to_string(byte) + " gave " +
         std::to_string(by_runs.size()) + " tokens, bpe_merge_heap " + std::to_string(by_heap.size()) +
         "; first difference at token " + std::to_string(k) + ": " + id_at(by_runs) + " against " + id_at(by_heap);
}

}  // namespace turbotoken_fuzz
