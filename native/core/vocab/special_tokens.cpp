#include "vocab/special_tokens.h"

#include <algorithm>
#include <cstring>

namespace turbotoken {

constexpr uint32_t kNoChild = 0xFFFFFFFFu;

void SpecialMatcher::build(const std::vector<SpecialToken>& tokens) {
  tokens_ = tokens;
  nodes_.assign(1, Node{});
  std::memset(first_byte_, 0, sizeof first_byte_);
  for (uint32_t t = 0; t < tokens_.size(); t++) {
    const std::string& text = tokens_[t].text;
    if (text.empty()) continue;
    first_byte_[uint8_t(text[0])] = true;
    uint32_t node = 0;
    for (char ch : text) {
      uint8_t b = uint8_t(ch);
      uint32_t next = child(node, b);
      if (next == kNoChild) {
        next = uint32_t(nodes_.size());
        nodes_.push_back(Node{});
        auto& edges = nodes_[node].edges;
        auto pos = std::lower_bound(edges.begin(), edges.end(), b,
                                    [](const Edge& e, uint8_t v) { return e.byte < v; });
        edges.insert(pos, Edge{b, next});
      }
      node = next;
    }
    if (nodes_[node].token < 0) nodes_[node].token = int32_t(t);  // first definition wins
  }
  shared_first_byte_ = -1;
  for (int b = 0; b < 256; b++) {
    if (!first_byte_[b]) continue;
    if (shared_first_byte_ >= 0) {
      shared_first_byte_ = -1;
      break;
    }
    shared_first_byte_ = b;
  }
}

uint32_t SpecialMatcher::child(uint32_t node, uint8_t byte) const {
  const auto& edges = nodes_[node].edges;
  auto pos = std::lower_bound(edges.begin(), edges.end(), byte,
                              [](const Edge& e, uint8_t v) { return e.byte < v; });
  return (pos != edges.end() && pos->byte == byte) ? pos->child : kNoChild;
}

bool SpecialMatcher::longest_at(const uint8_t* text, size_t at, size_t n, const uint8_t* accept,
                                SpecialMatch* match) const {
  bool found = false;
  uint32_t node = 0;
  for (size_t k = at; k < n; k++) {
    node = child(node, text[k]);
    if (node == kNoChild) break;
    int32_t t = nodes_[node].token;
    if (t >= 0 && accept[t]) {
      *match = {at, k + 1, uint32_t(t)};
      found = true;
    }
  }
  return found;
}

bool SpecialMatcher::find(const uint8_t* text, size_t from, size_t n, const uint8_t* accept,
                          SpecialMatch* match) const {
  if (!accept || tokens_.empty()) return false;
  if (shared_first_byte_ >= 0) {
    for (size_t at = from; at < n; at++) {
      const void* hit = std::memchr(text + at, shared_first_byte_, n - at);
      if (!hit) return false;
      at = size_t(static_cast<const uint8_t*>(hit) - text);
      if (longest_at(text, at, n, accept, match)) return true;
    }
    return false;
  }
  for (size_t at = from; at < n; at++) {
    if (!first_byte_[text[at]]) continue;
    if (longest_at(text, at, n, accept, match)) return true;
  }
  return false;
}

}  // namespace turbotoken
