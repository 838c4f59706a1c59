#include "encoding.h"

#include <algorithm>
#include <new>

#include "bpe.h"
#include "utf8.h"

namespace turbotoken {
namespace {

// Collects ids.
struct IdSink {
  std::vector<uint32_t>& out;
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) { bpe_encode_piece(vocab, p, len, out); }
  void special(uint32_t id) { out.push_back(id); }
};

// Counts ids; merges of long pieces go through a reused scratch vector.
struct CountSink {
  size_t count = 0;
  std::vector<uint32_t> scratch;
  void piece(const Vocab& vocab, const uint8_t* p, size_t len) {
    if (vocab.rank_of(p, len) != kNoRank) {
      count++;
      return;
    }
    scratch.clear();
    bpe_merge_piece(vocab, p, len, scratch);  // the whole-piece lookup above already missed
    count += scratch.size();
  }
  void special(uint32_t) { count++; }
};

}  // namespace

Status check_every_part_is_token(const std::vector<uint32_t>& ids, size_t from) {
  for (size_t k = from; k < ids.size(); k++)
    if (ids[k] == kNoRank) return Status::kByteNotInVocabulary;
  return Status::kOk;
}

Status Encoding::create(const EncodingSpec& spec, std::shared_ptr<const Encoding>* out) {
  std::shared_ptr<Encoding> enc(new (std::nothrow) Encoding());
  if (!enc) return Status::kOutOfMemory;
  Status st = enc->vocab_.load(spec.vocab_blob, spec.vocab_size);
  if (st != Status::kOk) return st;
  enc->family_ = spec.family;
  enc->piece_end_ = piece_end_function(spec.family);
  const uint32_t slots = enc->vocab_.slot_count();
  uint32_t max_id = slots - 1;
  for (const auto& s : spec.specials) {
    if (s.text.empty()) return Status::kInvalidSpecialToken;
    if (enc->vocab_.has_rank(s.id)) return Status::kInvalidSpecialToken;
    max_id = std::max(max_id, s.id);
  }
  enc->matcher_.build(spec.specials);
  enc->special_by_id_.assign(max_id + 1 - slots, -1);
  for (uint32_t k = 0; k < spec.specials.size(); k++) {
    uint32_t id = spec.specials[k].id;
    if (id >= slots) {
      int32_t& slot = enc->special_by_id_[id - slots];
      if (slot < 0) slot = int32_t(k);
    } else {
      enc->special_in_vocab_range_.push_back(int32_t(k));
    }
  }
  enc->max_token_value_ = max_id;
  *out = std::move(enc);
  return Status::kOk;
}

template <typename Sink>
void Encoding::encode_ordinary(const uint8_t* text, size_t n, Sink& sink) const {
  size_t i = 0;
  while (i < n) {
    size_t end = piece_end_(text, i, n);
    sink.piece(vocab_, text + i, end - i);
    i = end;
  }
}

template <typename Sink>
Status Encoding::run(const uint8_t* text, size_t n, bool text_may_be_invalid,
                     const SpecialPolicy& policy, Sink& sink, SpecialMatch* offending) const {
  std::vector<uint8_t> repaired;
  if (text_may_be_invalid && valid_utf8_prefix(text, n) != n) {
    append_repaired_utf8(text, n, repaired);
    text = repaired.data();
    n = repaired.size();
  }
  SpecialMatch m;
  if (matcher_.find(text, 0, n, policy.disallowed, &m)) {
    *offending = m;
    return Status::kDisallowedSpecial;
  }
  size_t pos = 0;
  while (matcher_.find(text, pos, n, policy.allowed, &m)) {
    encode_ordinary(text + pos, m.start - pos, sink);
    sink.special(matcher_.tokens()[m.index].id);
    pos = m.end;
  }
  encode_ordinary(text + pos, n - pos, sink);
  return Status::kOk;
}

Status Encoding::encode(const uint8_t* text, size_t n, bool text_may_be_invalid,
                        const SpecialPolicy& policy, std::vector<uint32_t>& out,
                        SpecialMatch* offending) const {
  IdSink sink{out};
  size_t before = out.size();
  Status st = run(text, n, text_may_be_invalid, policy, sink, offending);
  if (st == Status::kOk && !vocab_.has_every_byte()) st = check_every_part_is_token(out, before);
  return st;
}

Status Encoding::count(const uint8_t* text, size_t n, bool text_may_be_invalid,
                       const SpecialPolicy& policy, size_t* count, SpecialMatch* offending) const {
  if (!vocab_.has_every_byte()) {  // rare (a caller's vocabulary): count what encode checks
    std::vector<uint32_t> ids;
    Status st = encode(text, n, text_may_be_invalid, policy, ids, offending);
    *count = ids.size();
    return st;
  }
  CountSink sink;
  Status st = run(text, n, text_may_be_invalid, policy, sink, offending);
  *count = sink.count;
  return st;
}

bool Encoding::token_bytes(uint32_t id, const uint8_t** data, size_t* len) const {
  if (vocab_.has_rank(id)) {
    *data = vocab_.token_data(id);
    *len = vocab_.token_length(id);
    return true;
  }
  uint32_t slots = vocab_.slot_count();
  int32_t k = -1;
  if (id >= slots && id - slots < special_by_id_.size()) {
    k = special_by_id_[id - slots];
  } else {
    for (int32_t s : special_in_vocab_range_)
      if (specials()[s].id == id) { k = s; break; }
  }
  if (k < 0) return false;
  const std::string& text = specials()[k].text;
  *data = reinterpret_cast<const uint8_t*>(text.data());
  *len = text.size();
  return true;
}

Status Encoding::decode(const uint32_t* ids, size_t count, std::vector<uint8_t>& out,
                        size_t* bad_index) const {
  for (size_t k = 0; k < count; k++) {
    const uint8_t* data;
    size_t len;
    if (!token_bytes(ids[k], &data, &len)) {
      *bad_index = k;
      return Status::kInvalidTokenId;
    }
    out.insert(out.end(), data, data + len);
  }
  return Status::kOk;
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
