// The first tokens of a long piece without merging all of it (bpe.h, bpe_encode_piece_prefix).
//
// Why it is exact. A boundary of BPE(P) (a point between two parts of its result) splits P into
// texts that BPE encodes on their own to the same parts: no merge of the whole crossed that
// point, and merges on one side never change the pairs on the other, so each side's merges run in
// the same order alone (the lowest rank first, the leftmost on a tie). So for a boundary j of
// BPE(P), BPE(P) up to j is BPE(P[0..j)).
// BPE(P) has a boundary in every window (w - L, w] with w < len(P), L the longest token: no part
// is longer than L (a part that is no token is one byte). For each j in that window, compute
// BPE(P[0..j)); a point q that is a boundary of all of them is a boundary of BPE(P) (one of those
// j is), and BPE(P) up to q is then BPE(P[0..q)), the ids of BPE(P[0..w)) before q.
#include <algorithm>

#include "bpe/bpe.h"

namespace turbotoken {

namespace {

size_t part_length(const Vocab& vocab, uint32_t id) { return id == kNoRank ? 1 : vocab.token_length(id); }

}  // namespace

bool bpe_encode_piece_prefix(const Vocab& vocab, const uint8_t* piece, size_t len, size_t wanted,
                             std::vector<uint32_t>& out, PieceCache& cache) {
  if (wanted >= len / 8) return false;  // a prefix of w bytes holds at most w ids
  const size_t longest = vocab.max_token_length();
  std::vector<uint32_t> ids, window;
  std::vector<uint32_t> hits;  // at q: how many of the window's prefixes have a boundary there
  size_t spent = 0;            // bytes merged so far
  for (size_t w = std::max({size_t(256), 4 * longest, 4 * wanted});; w *= 2) {
    // Each round merges about `longest` prefixes of w bytes; past the cost of one whole merge
    // (and a margin for the rounds before), merging the whole piece is cheaper.
    const size_t cost = w * longest;
    if (w >= len || spent + cost > 2 * len) return false;
    spent += cost;
    hits.assign(w + 1, 0);
    const size_t first = w - longest + 1;  // the window's prefixes: P[0..j) for first <= j <= w
    for (size_t j = first; j <= w; j++) {
      window.clear();
      bpe_encode_piece(vocab, piece, j, window, cache);
      size_t at = 0;
      for (uint32_t id : window) {
        hits[at]++;
        at += part_length(vocab, id);
      }
      if (j == w) ids.swap(window);
    }
    const size_t prefixes = w - first + 1;
    size_t q = first;  // a common boundary is at most the shortest prefix
    while (q > 0 && hits[q] != prefixes) q--;
    // q is a boundary of BPE(P[0..w)) too (w is in the window): its ids before q are exact.
    size_t kept = 0;
    for (size_t at = 0; at < q;) at += part_length(vocab, ids[kept++]);
    if (kept < wanted) continue;
    out.insert(out.end(), ids.begin(), ids.begin() + kept);
    return true;
  }
}

}  // namespace turbotoken
