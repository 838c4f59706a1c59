#include "bpe/bpe.h"

#include <atomic>
#include <cstring>
#include <vector>

#include "bpe/bpe_direct.h"
#include "kernels.h"
#include "bpe/piece_cache.h"

namespace turbotoken {

namespace {
std::atomic<uint8_t> g_strategy{uint8_t(MergeStrategy::kByLength)};
}  // namespace

void set_merge_strategy(MergeStrategy strategy) {
  g_strategy.store(uint8_t(strategy), std::memory_order_relaxed);
}

MergeStrategy merge_strategy() {
  return MergeStrategy(g_strategy.load(std::memory_order_relaxed));
}

void bpe_merge_direct32_scalar(const Vocab& vocab, const uint8_t* piece, size_t len,
                               std::vector<uint32_t>& out) {
  direct_merge::merge_with_keys<uint32_t, direct_merge::ScalarMinimum>(vocab, piece, len, out);
}

void bpe_merge_direct(const Vocab& vocab, const uint8_t* piece, size_t len,
                      std::vector<uint32_t>& out) {
  // 32-bit keys hold a rank below 2^24 and a position below 256: every shipped vocabulary and
  // every piece this merge normally serves.
  if (len <= 256 && vocab.slot_count() < (1u << 24) - 1) return kernel_direct_merge32()(vocab, piece, len, out);
  direct_merge::merge_with_keys<uint64_t, direct_merge::ScalarMinimum>(vocab, piece, len, out);
}

namespace {

static_assert(PieceCache::kMaxPieceBytes <= kDirectMergeMaxLen, "the short cache's pieces take the direct merge");

// The merge that fits a piece's length, without the cache.
void merge_by_length(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out) {
  if (len > kDirectMergeMaxLen) {
    if (is_byte_run(piece, len) && bpe_merge_run(vocab, piece, len, out)) return;
    if (bpe_merge_periodic(vocab, piece, len, out)) return;
    return bpe_merge_long(vocab, piece, len, out);
  }
  bpe_merge_direct(vocab, piece, len, out);
}

}  // namespace

void bpe_merge_piece(const Vocab& vocab, const uint8_t* piece, size_t len, std::vector<uint32_t>& out,
                     PieceCache& cache) {
  const MergeStrategy strategy = merge_strategy();
  // One test on the path of every merged piece; only tests force a merge.
  if (__builtin_expect(strategy != MergeStrategy::kByLength, 0)) {
    if (strategy == MergeStrategy::kDirect) return bpe_merge_direct(vocab, piece, len, out);
    if (strategy == MergeStrategy::kHeap) return bpe_merge_heap(vocab, piece, len, out);
    if (strategy == MergeStrategy::kLong) return bpe_merge_long(vocab, piece, len, out);
    if (strategy == MergeStrategy::kWindows) return bpe_merge_long(vocab, piece, len, out, kTestMergeWindow);
    if (strategy == MergeStrategy::kRun) {
      if (is_byte_run(piece, len) && bpe_merge_run(vocab, piece, len, out)) return;
      if (bpe_merge_periodic(vocab, piece, len, out)) return;
      return bpe_merge_long(vocab, piece, len, out);
    }
  }
  if (len <= PieceCache::kMaxPieceBytes) {
    PieceCache::Probe probe;
    if (cache.find(vocab.id(), piece, len, out, &probe)) return;
    size_t before = out.size();
    bpe_merge_direct(vocab, piece, len, out);
    cache.store(vocab.id(), len, probe, out.data() + before, out.size() - before);
    return;
  }
  if (len <= PieceCache::kMaxLongPieceBytes) {
    uint64_t hash;
    if (cache.find_long(vocab.id(), piece, len, out, &hash)) return;
    size_t before = out.size();
    merge_by_length(vocab, piece, len, out);
    cache.store_long(vocab.id(), piece, len, hash, out.data() + before, out.size() - before);
    return;
  }
  merge_by_length(vocab, piece, len, out);
}

}  // namespace turbotoken
