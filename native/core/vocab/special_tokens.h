// Finding special-token text (e.g. "<|endoftext|>") inside input text.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace turbotoken {

struct SpecialToken {
  std::string text;
  uint32_t id;
};

struct SpecialMatch {
  size_t start;
  size_t end;
  uint32_t index;  // into the SpecialMatcher's tokens
};

// A byte trie over the special tokens. find() returns the leftmost occurrence of a token whose
// index passes `accept`; where several accepted tokens start at one position, the longest wins.
// Work per candidate position is bounded by the longest token, so a search is linear in the text.
class SpecialMatcher {
 public:
  void build(const std::vector<SpecialToken>& tokens);
  const std::vector<SpecialToken>& tokens() const { return tokens_; }

  // accept: one byte per token index, nonzero = accepted; a null accept finds nothing.
  bool find(const uint8_t* text, size_t from, size_t n, const uint8_t* accept,
            SpecialMatch* match) const;

 private:
  struct Edge {
    uint8_t byte;
    uint32_t child;
  };
  struct Node {
    std::vector<Edge> edges;  // sorted by byte
    int32_t token = -1;       // index of the token ending here
  };
  uint32_t child(uint32_t node, uint8_t byte) const;
  bool longest_at(const uint8_t* text, size_t at, size_t n, const uint8_t* accept,
                  SpecialMatch* match) const;

  std::vector<SpecialToken> tokens_;
  std::vector<Node> nodes_;
  bool first_byte_[256] = {};
  // The first byte every token shares, or -1: the search then jumps with memchr, which reads
  // many bytes per step, instead of testing each byte (every shipped encoding's tokens begin
  // with '<').
  int shared_first_byte_ = -1;
};

}  // namespace turbotoken
