// One encoding (a vocabulary, a pre-tokenizer family and special tokens): the core's public
// entry point. An Encoding is immutable once created and safe to use from many threads at once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "pretok/pretokenizer.h"
#include "pretok/safe_cut.h"
#include "vocab/special_tokens.h"
#include "status.h"
#include "vocab/vocab.h"

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

  // Early stop: encode() that stops after the piece that brings `out` to max_tokens new ids, then
  // keeps exactly the first max_tokens of them: a prefix of encode()'s result. Special tokens
  // are checked in the whole text as encode() does, so a disallowed one anywhere still fails.
  Status encode_prefix(const uint8_t* text, size_t n, bool text_may_be_invalid,
                       const SpecialPolicy& policy, size_t max_tokens, std::vector<uint32_t>& out,
                       SpecialMatch* offending) const;
  // count() that stops once the count passes `limit`: *count is exact when it is <= limit and
  // otherwise some number > limit.
  Status count_up_to(const uint8_t* text, size_t n, bool text_may_be_invalid,
                     const SpecialPolicy& policy, size_t limit, size_t* count,
                     SpecialMatch* offending) const;
  // encode() plus where each id starts: byte_offsets[k] indexes the UTF-8 text the ids were made
  // from (the input after U+FFFD repair), utf16_offsets[k] is the UTF-16 index of the character
  // that contains that byte. Appends one entry per id to each vector.
  Status encode_with_offsets(const uint8_t* text, size_t n, bool text_may_be_invalid,
                             const SpecialPolicy& policy, std::vector<uint32_t>& out,
                             std::vector<uint32_t>& byte_offsets,
                             std::vector<uint32_t>& utf16_offsets, SpecialMatch* offending) const;
  // Whether well-formed text contains a special token that `policy` disallows (*offending: which).
  bool find_disallowed(const uint8_t* text, size_t n, const SpecialPolicy& policy,
                       SpecialMatch* offending) const;
  // Where this encoding's texts may be cut without changing their ids (safe_cut.h).
  const CutRules& cut_rules() const { return cut_rules_; }
  // Appends every safe cut strictly inside the text (after U+FFFD repair when
  // text_may_be_invalid), in increasing order: the byte positions where encode(a) + encode(b)
  // equals encode(a + b).
  void safe_cuts(const uint8_t* text, size_t n, bool text_may_be_invalid,
                 std::vector<uint32_t>& out) const;
  // Appends the end of every piece the pre-tokenizer makes of the text (after U+FFFD repair when
  // text_may_be_invalid), the last one being the text's length; special tokens are not looked for.
  void piece_ends(const uint8_t* text, size_t n, bool text_may_be_invalid,
                  std::vector<uint32_t>& out) const;

  // Appends the bytes of each id; on kInvalidTokenId, *bad_index is the position of the bad id.
  Status decode(const uint32_t* ids, size_t count, std::vector<uint8_t>& out,
                size_t* bad_index) const;
  // The number of bytes decode() gives for ids, checking every id as decode() does; *all_ascii
  // (optional) tells whether every one of those bytes is ASCII.
  Status decoded_length(const uint32_t* ids, size_t count, size_t* total, size_t* bad_index,
                        bool* all_ascii = nullptr) const;
  // Writes the bytes of ids to dst[0..total), where decoded_length() accepted ids and gave total.
  void decode_into(const uint32_t* ids, size_t count, uint8_t* dst, size_t total) const;
  // The text of ids as UTF-16, as TextDecoder reads their bytes (ill-formed sequences become
  // U+FFFD). out has room for total + kDecodeUtf16Slack units (total from decoded_length(), which
  // accepted ids); returns the number of units written (at most total).
  size_t decode_utf16(const uint32_t* ids, size_t count, size_t total, char16_t* out) const;
  static constexpr size_t kDecodeUtf16Slack = 64;
  // Whether ids are exactly what encode() gives for their decoded bytes (read as TextDecoder reads
  // them, every special token allowed): each pre-token's ids are compared with its merge as the
  // text is split, so the first difference ends the call. kInvalidTokenId (*bad_index) as decode().
  Status is_canonical(const uint32_t* ids, size_t count, bool* canonical, size_t* bad_index) const;
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
  void encode_with_specials(const uint8_t* text, size_t n, const SpecialPolicy& policy, Sink& sink) const;
  template <typename Sink>
  void encode_ordinary(const uint8_t* text, size_t n, Sink& sink) const;

  Vocab vocab_;
  Family family_ = Family::kGpt2;
  SpecialMatcher matcher_;
  // Special-token ids: those just past the ranks (every shipped encoding's) in a direct table,
  // id - vocab slot count -> special index or -1, of at most kDenseSpecialIds entries or 4 per
  // special token; any other id (far past the ranks, up to 2^32 - 2, or in a gap between ranks)
  // in a sorted list of (id, special index). Memory follows the number of special tokens, not
  // the largest id.
  static constexpr uint32_t kDenseSpecialIds = 4096;
  std::vector<int32_t> special_by_id_;
  std::vector<std::pair<uint32_t, int32_t>> special_sorted_;
  uint32_t max_token_value_ = 0;
  CutRules cut_rules_;
};

}  // namespace turbotoken
