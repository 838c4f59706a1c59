// Byte-pair merging as Hugging Face `tokenizers` defines it for a BPE model with a merges list
// (SentencePiece-style files: Llama 2, Gemma, Mistral), which is not tiktoken's definition:
//   start from one symbol per character (the character's token; else, with byte fallback, one
//   <0xNN> token per byte; else the unknown token, consecutive ones fused when fuse_unk); then
//   repeatedly merge the adjacent pair of lowest merge rank (leftmost on a tie), where only the
//   pairs the merges list names can merge (a pair whose concatenation is a token but is not listed
//   never merges), each into the token the list gives it.
// The merge runs on a heap of candidate pairs, O(n log n) in the word length, so that a text with
// no pre-tokenizer (Llama 2: the whole text is one word) is never quadratic.
// Stale heap entries are checked as the reference checks them (the pair now at that position
// must merge into the same token), which is part of the definition, not only of the speed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "large_array.h"
#include "status.h"
#include "vocab/special_tokens.h"

namespace turbotoken {

namespace merge_list_detail {
struct Symbol;
class Candidates;
}  // namespace merge_list_detail

// The table that MergeList::create reads, as 32-bit words (built by src/sentencepiece.ts):
//   [0] kMergeListMagic  [1] merge count m  [2] character count c  [3] flags (kFuseUnk, kSpaceIsCut)
//   [4] unknown-token id or kNoToken  [5] the cut character (below) or kNoToken  [6] e
//   [7..263) the id of <0xNN> for each byte, or kNoToken
//   then m triples (left id, right id, result id) in rank order, then c pairs (code point, id),
//   then e code points: the characters that some merge result has just before the cut character.
// Cutting a word before the cut character (Metaspace's U+2581), where the character before it is
// a token that no merge result has just before the cut character, cannot change its ids: no
// symbol can ever span the cut, so the merges on each side are those of the whole word. Merging
// each part alone keeps the heap small (a heap over a whole megabyte misses the cache on every
// step: 4x the text took 12x the time).
constexpr uint32_t kMergeListMagic = 0x4d4c5354;  // "MLST"
constexpr uint32_t kNoToken = 0xffffffffu;
constexpr uint32_t kFuseUnk = 1;
// The byte 0x20 reads as the cut character: a normalizer that replaces every space with it (and
// prepends it) runs on UTF-8 bytes with no copy of the text.
constexpr uint32_t kSpaceIsCut = 2;
constexpr size_t kMergeListHeader = 7 + 256;

class MergeList {
 public:
  // kInvalidVocabulary for a table of the wrong size or form, or an id of kNoToken where an id is
  // needed. A pair listed twice keeps its last rank and result, as the reference's map does.
  // Each word of the table is read once, so a caller may pass memory another thread can change
  // (the list is then of some table, still checked) without copying it first.
  static Status create(const uint32_t* table, size_t words, std::unique_ptr<MergeList>& out);

  // Appends the ids of each word (word k is bytes[ends[k-1], ends[k]), ends[-1] = 0). The bytes
  // should be UTF-8; an ill-formed sequence is one unknown character per byte. kInvalidPieces for
  // ends that decrease or pass size.
  Status encode_words(const uint8_t* bytes, size_t size, const uint32_t* ends, size_t count, std::vector<uint32_t>& out) const;

  // The added tokens encode_text finds in raw text (Hugging Face's added vocabulary): token k is
  // texts[ends[k-1], ends[k]) with id ids[k]. Called once, before any encode_text; kInvalidPieces
  // for ends that decrease or pass size, kInvalidSpecialToken for an empty token.
  Status set_added(const uint8_t* texts, size_t size, const uint32_t* ends, const uint32_t* ids, size_t count);

  // One whole text, for a model whose only text step is "every space becomes the cut character"
  // (kSpaceIsCut), after a prepended one when `prepend` (docs/sentencepiece.md): the text is cut at
  // the leftmost-longest added tokens that accept[k] != 0 allows (none when accept is null), each
  // becoming its id; every non-empty stretch between them is one word, a space in front of it
  // when `prepend`. accept has one byte per added token (kInvalidPieces when accept_count is
  // fewer). The bytes should be UTF-8, as for encode_words.
  Status encode_text(const uint8_t* text, size_t size, const uint8_t* accept, size_t accept_count, bool prepend,
                     std::vector<uint32_t>& out) const;

  size_t memory_bytes() const;

 private:
  struct Slot {
    uint64_t key;  // left << 32 | right; kEmpty for an empty slot
    uint32_t rank;
    uint32_t result;
  };
  static constexpr uint64_t kEmpty = ~uint64_t(0);

  const Slot* find(uint32_t left, uint32_t right) const;
  uint32_t char_id(uint32_t cp) const;
  void encode_word(const uint8_t* p, size_t n, std::vector<uint32_t>& out) const;
  void merge_part(const uint8_t* p, size_t n, std::vector<merge_list_detail::Symbol>& symbols, merge_list_detail::Candidates& heap, std::vector<uint32_t>& out) const;
  size_t next_cut(const uint8_t* p, size_t n, size_t from) const;
  uint32_t char_before(const uint8_t* p, size_t j) const;
  bool joined_to_cut(uint32_t cp) const;

  // In 2 MB pages where the kernel offers them (large_array.h): Gemma 3's table is 16 MB, and
  // first-touch faults on 4 KB pages were most of Encoding.load's time.
  std::unique_ptr<LargeArray<Slot>> slots_;
  uint64_t mask_ = 0;
  std::vector<uint32_t> bmp_;  // id of each code point below 0x10000, or kNoToken
  std::unordered_map<uint32_t, uint32_t> astral_;
  uint32_t byte_ids_[256];
  uint32_t unk_ = kNoToken;
  uint32_t cut_ = kNoToken;
  uint64_t serial_ = 0;  // names this list to the per-thread cache of short parts' ids
  std::vector<uint32_t> joined_;  // sorted: the characters a cut may not follow
  bool fuse_unk_ = false;
  bool space_is_cut_ = false;
  bool cut_has_id_ = false;  // the cut character is a token (else no part is ever cut)
  uint8_t cut_bytes_[4] = {};
  size_t cut_len_ = 0;  // 0: the cut character has no UTF-8 (none, or a surrogate)
  SpecialMatcher added_;
  std::vector<uint32_t> added_ids_;
};

}  // namespace turbotoken
