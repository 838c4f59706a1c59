#include "vocabulary_table.h"

#include <algorithm>

#include "../text/utf8.h"

namespace turbotoken {

uint32_t Vocab::next_rank(uint32_t rank) const {
  for (; rank < dense_count_; rank++)
    if (lengths_[rank] != 0) return rank;
  auto it = std::lower_bound(far_.begin(), far_.end(), rank, [](const FarToken& f, uint32_t r) { return f.rank < r; });
  return it == far_.end() ? kNoRank : it->rank;
}

Status vocabulary_table(const Encoding& encoding, bool check_reachable, VocabularyTable* out) {
  const Vocab& vocab = encoding.vocab();
  const uint32_t slots = vocab.slot_count();
  out->ids.clear();
  out->starts.clear();
  out->bytes.clear();
  out->flags.clear();
  // Special ids never hold a rank (Encoding::create refuses the collision), so every rank is an
  // ordinary token.
  size_t total = 0;
  size_t count = 0;
  for (uint32_t rank = vocab.next_rank(0); rank != kNoRank && rank < slots; rank = vocab.next_rank(rank + 1)) {
    count++;
    total += vocab.token_length(rank);
  }
  if (total > UINT32_MAX) return Status::kInvalidVocabulary;
  out->ids.reserve(count);
  out->starts.reserve(count + 1);
  out->bytes.reserve(total);
  out->flags.reserve(count);
  std::vector<uint32_t> again;
  const SpecialPolicy ordinary;  // no special token is read as one
  for (uint32_t rank = vocab.next_rank(0); rank != kNoRank && rank < slots; rank = vocab.next_rank(rank + 1)) {
    const uint8_t* data = vocab.token_data(rank);
    const size_t len = vocab.token_length(rank);
    out->ids.push_back(rank);
    out->starts.push_back(uint32_t(out->bytes.size()));
    out->bytes.insert(out->bytes.end(), data, data + len);
    uint8_t flag = valid_utf8_prefix(data, len) == len ? kTokenUtf8 : 0;
    if (check_reachable && flag) {
      again.clear();
      const Status st = encoding.encode(data, len, false, ordinary, again, nullptr);
      if (st == Status::kOutOfMemory) return st;
      if (st == Status::kOk && again.size() == 1 && again[0] == rank) flag |= kTokenReachable;
    }
    out->flags.push_back(flag);
  }
  out->starts.push_back(uint32_t(out->bytes.size()));
  return Status::kOk;
}

}  // namespace turbotoken
