// One encoding (a vocabulary, a pre-tokenizer family and special tokens): the core's public
// entry point. An Encoding is immutable once created and safe to use from many threads at once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "pretokenizer.h"
#include "special_tokens.h"
#include "status.h"
#include "vocab.h"

namespace turbotoken {

struct EncodingSpec {
  const uint8_t* vocab_blob = nullptr;  // a .tkv blob; copied
  size_t vocab_size = 0;
  Family family = Family::kGpt2;
  std::vector<SpecialToken> specials;   // a text may repeat an id; the first text decodes it
};

// Which special tokens the text may contain, one byte per special token index (nonzero = yes).
// allowed: encoded as their ids (null = none). disallowed: an error when found (null = none).
struct SpecialPolicy {
  const uint8_t* allowed = nullptr;
  const uint8_t* disallowed = nullptr;
};

// kByteNotInVocabulary when BPE left a part that is no token (ids[from..] holds kNoRank): only
// possible with a vocabulary that lacks some single byte.
Status check_every_part_is_token(const std::vector<uint32_t>& ids, size_t from);

class Encoding {
 public:
  static Status create(const EncodingSpec& spec, std::shared_ptr<const Encoding>* out);

  // Encodes UTF-8 text. When `text_may_be_invalid`, ill-formed UTF-8 is first replaced with
  // U+FFFD as TextDecoder would. On kDisallowedSpecial, *offending says which token and where.
  Status encode(const uint8_t* text, size_t n, bool text_may_be_invalid,
                const SpecialPolicy& policy, std::vector<uint32_t>& out,
                SpecialMatch* offending) const;
  // The number of tokens encode() would produce, without building the id array.
  Status count(const uint8_t* text, size_t n, bool text_may_be_invalid,
               const SpecialPolicy& policy, size_t* count, SpecialMatch* offending) const;

  // Appends the bytes of each id; on kInvalidTokenId, *bad_index is the position of the bad id.
  Status decode(const uint32_t* ids, size_t count, std::vector<uint8_t>& out,
                size_t* bad_index) const;
  // The bytes of one token (ordinary or special); false when id is not a token.
  bool token_bytes(uint32_t id, const uint8_t** data, size_t* len) const;
  // The id of the token whose bytes are exactly these (ordinary or special), or kNoRank.
  uint32_t single_token(const uint8_t* bytes, size_t len) const;

  Family family() const { return family_; }
  const std::vector<SpecialToken>& specials() const { return matcher_.tokens(); }
  uint32_t max_token_value() const { return max_token_value_; }
  const Vocab& vocab() const { return vocab_; }

 private:
  template <typename Sink>
  Status run(const uint8_t* text, size_t n, bool text_may_be_invalid, const SpecialPolicy& policy,
             Sink& sink, SpecialMatch* offending) const;
  template <typename Sink>
  void encode_ordinary(const uint8_t* text, size_t n, Sink& sink) const;

  Vocab vocab_;
  Family family_ = Family::kGpt2;
  PieceEndFn piece_end_ = nullptr;
  SpecialMatcher matcher_;
  std::vector<int32_t> special_by_id_;  // id - vocab slot count -> special index, or -1
  std::vector<int32_t> special_in_vocab_range_;  // specials whose id is below the slot count
  uint32_t max_token_value_ = 0;
};

}  // namespace turbotoken
