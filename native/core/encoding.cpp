#include "encoding.h"

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <new>

#include "bpe/bpe.h"
#include "kernels.h"
#include "bpe/piece_cache.h"
#include "test_hook.h"
#include "text/utf8.h"

namespace turbotoken {
namespace {

// Sinks receive the pieces and special tokens of a text in order. begin() sees the (repaired)
// text first; once full() is true the rest of the text is skipped (early stop, checked per piece).
// all_parts_are_tokens() says whether every id the call gives is a token; Encoding::run asks it
// only of a vocabulary that lacks some single byte (BPE leaves kNoRank for such a byte), so that
// the shipped vocabularies pay nothing for the check.

// Whether none of ids[0..n) is kNoRank.
bool no_missing_part(const uint32_t* ids, size_t n) {
  return std::find(ids, ids + n, kNoRank) == ids + n;
}

// Collects ids.
struct IdSink {
  std::vector<uint32_t>& out;
  size_t first = 0;  // out.size() before this call
  PieceCache& cache = PieceCache::local();
  void begin(const uint8_t*) { first = out.size(); }
  bool full() const { return false; }
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) { bpe_encode_piece(vocab, p, len, out, cache); }
  void special(uint32_t id, size_t) { out.push_back(id); }
  bool all_parts_are_tokens() const { return no_missing_part(out.data() + first, out.size() - first); }
};

// Pieces from this length on try bpe_encode_piece_prefix first.
constexpr size_t kLongPrefixPiece = size_t(1) << 16;

// Collects ids until out.size() reaches `limit`; ids past it (the last piece may overshoot) are
// dropped afterwards, and only the kept ones must be tokens.
struct PrefixSink {
  std::vector<uint32_t>& out;
  size_t limit;  // out.size() at which to stop
  size_t first = 0;
  PieceCache& cache = PieceCache::local();
  void begin(const uint8_t*) { first = out.size(); }
  bool full() const { return out.size() >= limit; }
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) {
    // A long piece that reaches the limit by itself: its first ids without merging all of it.
    if (len >= kLongPrefixPiece && bpe_encode_piece_prefix(vocab, p, len, limit - out.size(), out, cache)) return;
    bpe_encode_piece(vocab, p, len, out, cache);
  }
  void special(uint32_t id, size_t) { out.push_back(id); }
  bool all_parts_are_tokens() const {
    return no_missing_part(out.data() + first, std::min(out.size(), limit) - first);
  }
};

// Collects ids and the byte offset where each starts; the UTF-16 offsets are derived afterwards.
struct OffsetSink {
  std::vector<uint32_t>& out;
  std::vector<uint32_t>& starts;
  const uint8_t* base = nullptr;
  size_t first = 0;
  PieceCache& cache = PieceCache::local();
  void begin(const uint8_t* text) {
    base = text;
    first = out.size();
  }
  bool full() const { return false; }
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) {
    size_t first = out.size();
    bpe_encode_piece(vocab, p, len, out, cache);
    uint32_t at = uint32_t(p - base);
    for (size_t k = first; k < out.size(); k++) {
      starts.push_back(at);
      // kNoRank (a vocabulary without some byte) fails the call afterwards; don't index with it.
      if (out[k] != kNoRank) at += uint32_t(vocab.token_length(out[k]));
    }
  }
  void special(uint32_t id, size_t start) {
    out.push_back(id);
    starts.push_back(uint32_t(start));
  }
  bool all_parts_are_tokens() const { return no_missing_part(out.data() + first, out.size() - first); }
};

// Counts ids; merges of long pieces go through a reused scratch vector. Stops past `limit`: the
// first limit + 1 ids are those encode_prefix(limit + 1) would keep, and only they must be tokens.
struct CountSink {
  size_t count = 0;
  size_t limit = SIZE_MAX;
  bool missing_part = false;  // looked for only in a vocabulary that lacks some single byte
  std::vector<uint32_t> scratch;
  PieceCache& cache = PieceCache::local();
  void begin(const uint8_t*) {}
  bool full() const { return count > limit; }
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) {
    if (vocab.rank_of(p, len) != kNoRank) {
      count++;
      return;
    }
    // Every part covers at most max_token_length() bytes, so a piece this long passes the limit
    // whatever its merge: a limit check on one huge piece (64 MB of letters) stops here instead
    // of merging it. Where the vocabulary lacks a byte, the first ids past the count so far must
    // still be checked to be tokens, which takes the merge.
    const size_t at_least = (len + vocab.max_token_length() - 1) / vocab.max_token_length();
    if (limit != SIZE_MAX && at_least > limit - count && vocab.has_every_byte()) {
      count += at_least;
      return;
    }
    // A huge piece counted without holding all its ids (4 bytes per id, up to a few per byte);
    // a vocabulary that lacks a byte has its ids checked below, so it keeps them.
    if (len > kMergeWindow && vocab.has_every_byte() && merge_strategy() == MergeStrategy::kByLength) {
      // A run of one byte (or of a short unit) is counted on its run lengths (its repeated
      // blocks), as the merge would take it (otherwise the ids of 8 MB of spaces come to 32 MB,
      // mapped afresh on every call).
      // Where the run lengths give up, the count falls to the windows as bpe_merge_piece's merge does.
      size_t ids = 0;
      bool counted = (is_byte_run(p, len) && bpe_count_run(vocab, p, len, &ids)) || bpe_count_periodic(vocab, p, len, &ids);
      if (!counted) ids = bpe_count_long(vocab, p, len, scratch);
      count += ids;
      return;
    }
    scratch.clear();
    bpe_merge_piece(vocab, p, len, scratch, cache);  // the whole-piece lookup above already missed
    if (!vocab.has_every_byte()) {
      size_t room = limit - count;  // ids this piece may add before the count passes the limit
      size_t kept = room < scratch.size() ? room + 1 : scratch.size();
      if (!no_missing_part(scratch.data(), kept)) missing_part = true;
    }
    count += scratch.size();
  }
  void special(uint32_t, size_t) { count++; }
  bool all_parts_are_tokens() const { return !missing_part; }
};

// Compares the ids the text gives with the caller's, piece by piece; full() at the first
// difference stops the split there.
struct CompareSink {
  CompareSink(const uint32_t* expected, size_t n) : ids(expected), count(n) {}
  const uint32_t* ids;
  size_t count;
  size_t at = 0;  // ids[0..at) matched so far
  bool differs = false;
  std::vector<uint32_t> scratch;
  PieceCache& cache = PieceCache::local();
  void begin(const uint8_t*) {}
  bool full() const { return differs; }
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) {
    scratch.clear();
    bpe_encode_piece(vocab, p, len, scratch, cache);
    if (scratch.size() > count - at || !std::equal(scratch.begin(), scratch.end(), ids + at)) differs = true;
    else at += scratch.size();
  }
  void special(uint32_t id, size_t) {
    if (at == count || ids[at] != id) differs = true;
    else at++;
  }
  // A part that is no token (kNoRank) is no id of the caller's: it already differs.
  bool all_parts_are_tokens() const { return true; }
};

// For each byte offset (ascending, at or inside characters of well-formed UTF-8 text[0..n)), the
// UTF-16 index of the character containing it. One pass over the text: linear.
void utf16_offsets_of(const uint8_t* text, size_t n, const std::vector<uint32_t>& bytes,
                      size_t first, std::vector<uint32_t>& out) {
  size_t pos = 0, units = 0, last_units = 0;
  for (size_t k = first; k < bytes.size(); k++) {
    size_t target = bytes[k];
    for (; pos < target; pos++) {
      uint8_t b = text[pos];
      if ((b & 0xC0) == 0x80) continue;
      last_units = b >= 0xF0 ? 2 : 1;  // a 4-byte character is a surrogate pair
      units += last_units;
    }
    bool inside = target < n && (text[target] & 0xC0) == 0x80;
    out.push_back(uint32_t(inside ? units - last_units : units));
  }
}

}  // namespace

Status check_every_part_is_token(const std::vector<uint32_t>& ids, size_t from) {
  return no_missing_part(ids.data() + from, ids.size() - from) ? Status::kOk : Status::kByteNotInVocabulary;
}

Status Encoding::create(const EncodingSpec& spec, std::shared_ptr<const Encoding>* out) {
  std::shared_ptr<Encoding> enc(new (std::nothrow) Encoding());
  if (!enc) return Status::kOutOfMemory;
  Status st = enc->vocab_.load(spec.vocab_blob, spec.vocab_size);
  if (st != Status::kOk) return st;
  enc->family_ = spec.family;
  const uint32_t slots = enc->vocab_.slot_count();
  uint32_t max_id = slots - 1;
  for (const auto& s : spec.specials) {
    if (s.text.empty()) return Status::kInvalidSpecialToken;
    // 2^32 - 1 is kNoRank, "no token", in every interface.
    if (s.id == kNoRank || enc->vocab_.has_rank(s.id)) return Status::kInvalidSpecialToken;
    max_id = std::max(max_id, s.id);
  }
  enc->matcher_.build(spec.specials);
  const size_t dense = std::min<size_t>(size_t(max_id) + 1 - slots,
                                        std::max<size_t>(kDenseSpecialIds, 4 * spec.specials.size()));
  enc->special_by_id_.assign(dense, -1);
  for (uint32_t k = 0; k < spec.specials.size(); k++) {
    uint32_t id = spec.specials[k].id;
    if (id >= slots && id - slots < dense) {
      int32_t& slot = enc->special_by_id_[id - slots];
      if (slot < 0) slot = int32_t(k);
    } else {
      enc->special_sorted_.push_back({id, int32_t(k)});
    }
  }
  // By id, then by index: of two texts with one id, the first decodes it (lower_bound finds it).
  std::sort(enc->special_sorted_.begin(), enc->special_sorted_.end());
  enc->max_token_value_ = max_id;
  enc->cut_rules_.build(spec.family, spec.specials);
  *out = std::move(enc);
  return Status::kOk;
}

template <typename Sink>
void Encoding::encode_ordinary(const uint8_t* text, size_t n, Sink& sink) const {
  // Pieces come from the pre-tokenizer kernel in batches, so that a SIMD kernel keeps its
  // classified bytes from one piece to the next.
  constexpr size_t kBatch = 256;
  size_t ends[kBatch];
  size_t i = 0;
  while (i < n && !sink.full()) {
    size_t found = scan_pieces(family_, text, i, n, ends, kBatch);
    for (size_t k = 0; k < found && !sink.full(); k++) {
      sink.piece(vocab_, text + i, ends[k] - i);
      i = ends[k];
    }
  }
}

template <typename Sink>
Status Encoding::run(const uint8_t* text, size_t n, bool text_may_be_invalid,
                     const SpecialPolicy& policy, Sink& sink, SpecialMatch* offending) const {
  std::vector<uint8_t> repaired;
  const Utf8View view = well_formed_view(text, n, text_may_be_invalid, repaired);
  text = view.data;
  n = view.size;
  test_hook::input_checked();
  SpecialMatch m;
  if (find_disallowed(text, n, policy, &m)) {
    *offending = m;
    return Status::kDisallowedSpecial;
  }
  sink.begin(text);
  encode_with_specials(text, n, policy, sink);
  // Every entry point comes through here, so none can hand out kNoRank as an id.
  if (!vocab_.has_every_byte() && !sink.all_parts_are_tokens()) return Status::kByteNotInVocabulary;
  return Status::kOk;
}

template <typename Sink>
void Encoding::encode_with_specials(const uint8_t* text, size_t n, const SpecialPolicy& policy,
                                    Sink& sink) const {
  SpecialMatch m;
  size_t pos = 0;
  while (!sink.full() && matcher_.find(text, pos, n, policy.allowed, &m)) {
    encode_ordinary(text + pos, m.start - pos, sink);
    if (sink.full()) return;
    sink.special(matcher_.tokens()[m.index].id, m.start);
    pos = m.end;
  }
  encode_ordinary(text + pos, n - pos, sink);
}

bool Encoding::find_disallowed(const uint8_t* text, size_t n, const SpecialPolicy& policy,
                               SpecialMatch* offending) const {
  return matcher_.find(text, 0, n, policy.disallowed, offending);
}

Status Encoding::encode(const uint8_t* text, size_t n, bool text_may_be_invalid,
                        const SpecialPolicy& policy, std::vector<uint32_t>& out,
                        SpecialMatch* offending) const {
  IdSink sink{out};
  return run(text, n, text_may_be_invalid, policy, sink, offending);
}

Status Encoding::count(const uint8_t* text, size_t n, bool text_may_be_invalid,
                       const SpecialPolicy& policy, size_t* count, SpecialMatch* offending) const {
  return count_up_to(text, n, text_may_be_invalid, policy, SIZE_MAX, count, offending);
}

Status Encoding::encode_prefix(const uint8_t* text, size_t n, bool text_may_be_invalid,
                               const SpecialPolicy& policy, size_t max_tokens,
                               std::vector<uint32_t>& out, SpecialMatch* offending) const {
  size_t first = out.size();
  size_t limit = max_tokens > SIZE_MAX - first ? SIZE_MAX : first + max_tokens;
  PrefixSink sink{out, limit};
  Status st = run(text, n, text_may_be_invalid, policy, sink, offending);
  if (out.size() > limit) out.resize(limit);  // the last piece may overshoot
  return st;
}

Status Encoding::count_up_to(const uint8_t* text, size_t n, bool text_may_be_invalid,
                             const SpecialPolicy& policy, size_t limit, size_t* count,
                             SpecialMatch* offending) const {
  CountSink sink;
  sink.limit = limit;
  Status st = run(text, n, text_may_be_invalid, policy, sink, offending);
  *count = sink.count;
  return st;
}

Status Encoding::encode_with_offsets(const uint8_t* text, size_t n, bool text_may_be_invalid,
                                     const SpecialPolicy& policy, std::vector<uint32_t>& out,
                                     std::vector<uint32_t>& byte_offsets,
                                     std::vector<uint32_t>& utf16_offsets,
                                     SpecialMatch* offending) const {
  // Repaired here rather than in run(): the UTF-16 offsets are computed over the same bytes.
  std::vector<uint8_t> repaired;
  const Utf8View view = well_formed_view(text, n, text_may_be_invalid, repaired);
  text = view.data;
  n = view.size;
  size_t first = byte_offsets.size();
  OffsetSink sink{out, byte_offsets};
  Status st = run(text, n, false, policy, sink, offending);
  if (st == Status::kOk) utf16_offsets_of(text, n, byte_offsets, first, utf16_offsets);
  return st;
}

void Encoding::safe_cuts(const uint8_t* text, size_t n, bool text_may_be_invalid,
                         std::vector<uint32_t>& out) const {
  std::vector<uint8_t> repaired;
  const Utf8View v = well_formed_view(text, n, text_may_be_invalid, repaired);
  for (size_t p = cut_rules_.next_safe_cut(v.data, v.size, 1); p < v.size;
       p = cut_rules_.next_safe_cut(v.data, v.size, p + 1))
    out.push_back(uint32_t(p));
}

void Encoding::piece_ends(const uint8_t* text, size_t n, bool text_may_be_invalid,
                          std::vector<uint32_t>& out) const {
  std::vector<uint8_t> repaired;
  const Utf8View v = well_formed_view(text, n, text_may_be_invalid, repaired);
  const PieceEndFn piece_end = piece_end_function(family_);
  for (size_t i = 0; i < v.size;) out.push_back(uint32_t(i = piece_end(v.data, i, v.size)));
}

Status Encoding::is_canonical(const uint32_t* ids, size_t count, bool* canonical, size_t* bad_index) const {
  std::vector<uint8_t> text;
  Status st = decode(ids, count, text, bad_index);
  if (st != Status::kOk) return st;
  std::vector<uint8_t> all(matcher_.tokens().size(), 1);
  SpecialPolicy policy;
  policy.allowed = all.empty() ? nullptr : all.data();
  CompareSink sink(ids, count);
  SpecialMatch unused;
  st = run(text.data(), text.size(), true, policy, sink, &unused);
  if (st != Status::kOk) return st;
  *canonical = !sink.differs && sink.at == count;
  return Status::kOk;
}

bool Encoding::token_bytes(uint32_t id, const uint8_t** data, size_t* len) const {
  if (vocab_.token(id, data, len)) return true;
  uint32_t slots = vocab_.slot_count();
  int32_t k = -1;
  if (id >= slots && id - slots < special_by_id_.size()) {
    k = special_by_id_[id - slots];
  } else if (!special_sorted_.empty()) {
    auto it = std::lower_bound(special_sorted_.begin(), special_sorted_.end(), id,
                               [](const std::pair<uint32_t, int32_t>& e, uint32_t v) { return e.first < v; });
    if (it != special_sorted_.end() && it->first == id) k = it->second;
  }
  if (k < 0) return false;
  const std::string& text = specials()[k].text;
  *data = reinterpret_cast<const uint8_t*>(text.data());
  *len = text.size();
  return true;
}

uint32_t Encoding::single_token(const uint8_t* bytes, size_t len) const {
  if (len == 0) return kNoRank;
  uint32_t r = vocab_.rank_of(bytes, len);
  if (r != kNoRank) return r;
  for (const auto& s : specials())
    if (s.text.size() == len && std::equal(s.text.begin(), s.text.end(), bytes)) return s.id;
  return kNoRank;
}

}  // namespace turbotoken
