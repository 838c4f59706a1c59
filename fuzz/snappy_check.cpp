#include "snappy_check.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "codec/snappy.h"

namespace turbotoken_fuzz {

namespace {

// Streams whose length header is over this are only asked at a smaller size (a mismatch).
constexpr uint64_t kMaxOutput = 1 << 22;

// The format, one byte at a time: false for anything that is not a whole valid stream.
bool reference_decode(const uint8_t* s, size_t n, uint64_t* declared, std::vector<uint8_t>* out) {
  size_t at = 0;
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (at == n || shift > 28) return false;
    const uint8_t b = s[at++];
    length |= uint64_t(b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  if (length > 0xffffffffu) return false;
  *declared = length;
  out->clear();
  while (at < n) {
    const uint8_t tag = s[at++];
    uint64_t len = 0, offset = 0;
    const unsigned kind = tag & 3;
    auto take_le = [&](unsigned bytes, uint64_t* v) {
      if (n - at < bytes) return false;
      *v = 0;
      for (unsigned i = 0; i < bytes; i++) *v |= uint64_t(s[at++]) << (8 * i);
      return true;
    };
    if (kind == 0) {
      len = (tag >> 2) + 1;
      if (len > 60 && !take_le(unsigned(len - 60), &len)) return false;
      if (tag >> 2 >= 60) len += 1;
      if (n - at < len) return false;
      if (out->size() + len > length) return false;
      out->insert(out->end(), s + at, s + at + len);
      at += size_t(len);
      continue;
    }
    if (kind == 1) {
      uint64_t low;
      if (!take_le(1, &low)) return false;
      len = ((tag >> 2) & 7) + 4;
      offset = (uint64_t(tag >> 5) << 8) | low;
    } else if (!take_le(kind == 2 ? 2 : 4, &offset)) {
      return false;
    } else {
      len = (tag >> 2) + 1;
    }
    if (offset == 0 || offset > out->size()) return false;
    if (out->size() + len > length) return false;
    for (uint64_t i = 0; i < len; i++) out->push_back((*out)[out->size() - offset]);
  }
  return out->size() == length;
}

}  // namespace

std::string check_snappy(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  const unsigned mode = data[0] & 3;
  const uint8_t* s = data + 1;
  const size_t n = size - 1;
  uint64_t declared = 0;
  std::vector<uint8_t> expected;
  bool valid = reference_decode(s, n, &declared, &expected);
  uint32_t header = 0;
  if (turbotoken::snappy_length(s, n, &header) == turbotoken::SnappyFault::kNone) declared = header;
  uint64_t want = mode == 0 ? declared : mode == 1 ? declared + 1 : mode == 2 ? (declared ? declared - 1 : 1) : declared % 64;
  if (want > kMaxOutput) want = kMaxOutput;
  if (want != declared) valid = false;
  // Exactly `want` bytes on the heap (one for an empty output, not handed to the decoder).
  std::unique_ptr<uint8_t[]> out(new uint8_t[want ? want : 1]);
  const turbotoken::SnappyFault fault = turbotoken::snappy_decompress(s, n, out.get(), size_t(want));
  if (valid != (fault == turbotoken::SnappyFault::kNone)) {
    return std::string("snappy: the reference ") + (valid ? "decodes" : "refuses") + " a stream of " + std::to_string(n) +
           " bytes asked at " + std::to_string(want) + " bytes; the core says: " + turbotoken::snappy_fault_text(fault);
  }
  if (valid && (want != expected.size() || (want && std::memcmp(out.get(), expected.data(), want) != 0))) {
    return "snappy: the core's bytes differ from the reference's for a stream of " + std::to_string(n) + " bytes";
  }
  return "";
}

size_t run_snappy_random(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  auto below = [&](uint32_t k) { return uint32_t(rng() % k); };
  size_t failed = 0;
  for (size_t c = 0; c < n; c++) {
    // A valid stream: literals in every length form, copies of every kind, overlapping ones too.
    std::vector<uint8_t> body, plain;
    const size_t target = 1 + below(c % 10 == 0 ? 70000 : 600);
    while (plain.size() < target) {
      const uint32_t kind = below(4);
      if (plain.empty() || kind == 0) {
        const uint32_t len = 1 + below(below(5) == 0 ? 300 : 60);
        const unsigned least = len <= 60 ? 0 : len <= 256 ? 1 : 2;
        const unsigned form = least == 0 && below(2) ? 0 : std::max(least, 1u) + below(5 - std::max(least, 1u));
        if (form == 0) body.push_back(uint8_t((len - 1) << 2));
        else {
          body.push_back(uint8_t((59 + form) << 2));
          for (unsigned i = 0; i < form; i++) body.push_back(uint8_t((len - 1) >> (8 * i)));
        }
        for (uint32_t i = 0; i < len; i++) {
          const uint8_t b = uint8_t(below(below(2) ? 4 : 256));
          body.push_back(b);
          plain.push_back(b);
        }
        continue;
      }
      const uint32_t offset = 1 + below(uint32_t(std::min<size_t>(plain.size(), below(2) ? 8 : 2047)));
      uint32_t len;
      if (kind == 1) {
        len = 4 + below(8);
        body.push_back(uint8_t(1 | ((len - 4) << 2) | ((offset >> 8) << 5)));
        body.push_back(uint8_t(offset));
      } else {
        len = 1 + below(64);
        body.push_back(uint8_t(kind | ((len - 1) << 2)));
        for (unsigned i = 0; i < (kind == 2 ? 2u : 4u); i++) body.push_back(uint8_t(offset >> (8 * i)));
      }
      for (uint32_t i = 0; i < len; i++) plain.push_back(plain[plain.size() - offset]);
    }
    std::vector<uint8_t> input{uint8_t(below(8) == 0 ? below(4) : 0)};
    for (uint64_t v = plain.size(); ; v >>= 7) {
      input.push_back(uint8_t((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
      if (v < 0x80) break;
    }
    input.insert(input.end(), body.begin(), body.end());
    // Half of them mutated: bytes changed, then maybe cut.
    if (c % 2) {
      for (uint32_t k = below(4) + 1; k > 0; k--) input[1 + below(uint32_t(input.size() - 1))] = uint8_t(below(256));
      if (below(4) == 0) input.resize(1 + below(uint32_t(input.size())));
    }
    const std::string failure = check_snappy(input.data(), input.size());
    if (!failure.empty()) {
      std::fprintf(stderr, "regress: %s (case %zu)\n", failure.c_str(), c);
      failed++;
    }
  }
  return failed;
}

}  // namespace turbotoken_fuzz
