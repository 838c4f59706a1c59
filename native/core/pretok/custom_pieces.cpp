#include "pretok/custom_pieces.h"

#include "bpe/bpe.h"
#include "bpe/piece_cache.h"

namespace turbotoken {

Status encode_pieces(const Encoding& enc, const uint8_t* bytes, size_t size, const uint32_t* ends,
                     size_t count, std::vector<uint32_t>& out) {
  // Bounds first, so that a bad call appends nothing.
  size_t start = 0;
  for (size_t k = 0; k < count; k++) {
    if (ends[k] < start || ends[k] > size) return Status::kInvalidPieces;
    start = ends[k];
  }
  const size_t before = out.size();
  start = 0;
  PieceCache& cache = PieceCache::local();
  for (size_t k = 0; k < count; k++) {
    if (ends[k] > start) bpe_encode_piece(enc.vocab(), bytes + start, ends[k] - start, out, cache);
    start = ends[k];
  }
  if (!enc.vocab().has_every_byte()) return check_every_part_is_token(out, before);
  return Status::kOk;
}

}  // namespace turbotoken
