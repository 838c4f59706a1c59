#include "differential.h"

#include <cstdio>
#include <string>
#include <vector>

#include "text/byte_classes.h"
#include "checks.h"

namespace turbotoken_fuzz {

namespace {

// splitmix64: the same sequence on every platform and standard library (the std distributions
// are not specified bit for bit), so a failure seen under qemu replays on x86-64. Draws are never
// two operands or arguments of one call: their order would be up to the compiler.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return size_t(next() % n); }
  bool percent(unsigned p) { return below(100) < p; }
  char pick(const std::string& from) { return from[below(from.size())]; }

 private:
  uint64_t state_;
};

const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kDigits = "0123456789";
const std::string kWhitespace = " \t\n\v\f\r";
const std::string kPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

// Non-ASCII letters, numbers, spaces and marks, a BOM, and ill-formed sequences.
const char* const kNonAscii[] = {
    "\xC3\xA9", "\xC3\x89", "\xC3\x9F", "\xE4\xB8\xAD\xE6\x96\x87", "\xC2\xA0", "\xE2\x80\xA8",
    "\xF0\x9F\x98\x80", "\xD9\xA1\xD9\xA2", "\xEF\xBB\xBF", "\xC2\xB2", "\xE2\x85\xA0", "\xCC\x81",
    "\xC7\x85", "\xE1\xB4\xAC", "\xFF", "\x80", "\xE2\x82", "\xED\xA0\x80"};
const char* const kContractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ll", "'", "''"};

// The classes a run can be made of.
enum RunClass { kRunLower, kRunUpper, kRunCapitalized, kRunDigit, kRunSpace, kRunWhitespace,
                kRunPunctuation, kRunControl, kRunRepeated, kRunClassCount };

void append_run(Random& r, RunClass cls, size_t length, std::string* out) {
  const char repeated = char(r.below(128));
  for (size_t k = 0; k < length; k++) {
    switch (cls) {
      case kRunLower: *out += r.pick(kLower); break;
      case kRunUpper: *out += r.pick(kUpper); break;
      case kRunCapitalized: *out += k < 1 + length / 4 ? r.pick(kUpper) : r.pick(kLower); break;
      case kRunDigit: *out += r.pick(kDigits); break;
      case kRunSpace: *out += ' '; break;
      case kRunWhitespace: *out += r.pick(kWhitespace); break;
      case kRunPunctuation: *out += r.pick(kPunctuation); break;
      case kRunControl: *out += r.percent(90) ? char(r.below(32)) : '\x7F'; break;
      default: *out += repeated; break;
    }
  }
}

// A run of cls, 1 to max_length bytes long.
void append_short_run(Random& r, RunClass cls, size_t max_length, std::string* out) {
  const size_t length = 1 + r.below(max_length);
  append_run(r, cls, length, out);
}

std::string random_bytes(Random& r) {
  std::string t;
  const size_t n = r.below(260);
  const bool ascii = r.percent(50);  // else every byte value alike, half of them non-ASCII
  for (size_t k = 0; k < n; k++) t += char(ascii && !r.percent(2) ? r.below(128) : r.below(256));
  return t;
}

// Words, numbers, spaces, punctuation and contractions as text has them, with some non-ASCII
// characters, control bytes, special-token text and runs longer than a block.
std::string ascii_heavy(Random& r) {
  std::string t;
  const size_t target = 1 + r.below(600);
  while (t.size() < target) {
    const size_t kind = r.below(100);
    if (kind < 30) {
      if (r.percent(60)) t += ' ';
      append_short_run(r, RunClass(r.below(3)), 10, &t);
    } else if (kind < 40) {
      append_short_run(r, kRunDigit, 7, &t);
    } else if (kind < 50) {
      append_short_run(r, r.percent(50) ? kRunSpace : kRunWhitespace, 5, &t);
    } else if (kind < 60) {
      append_short_run(r, kRunPunctuation, 4, &t);
    } else if (kind < 67) {
      t += kContractions[r.below(sizeof kContractions / sizeof *kContractions)];
    } else if (kind < 75) {
      t += kNonAscii[r.below(sizeof kNonAscii / sizeof *kNonAscii)];
    } else if (kind < 80) {
      append_short_run(r, kRunControl, 3, &t);
    } else if (kind < 82) {
      t += "<|endoftext|>";
    } else {
      append_short_run(r, RunClass(r.below(kRunClassCount)), 140, &t);
    }
  }
  return t;
}

// Runs of one class that end within two bytes of a 64-byte block edge (from the text's start,
// where the kernels' blocks start), each followed by a byte of any value or a non-ASCII character.
std::string block_edges(Random& r) {
  std::string t;
  const size_t segments = 1 + r.below(5);
  for (size_t k = 0; k < segments; k++) {
    const size_t next_edge = 64 * (t.size() / 64 + 1 + r.below(2));
    const size_t edge = next_edge + r.below(5) - 2;
    const size_t length = edge > t.size() ? edge - t.size() : 1 + r.below(3);
    const RunClass cls = RunClass(r.below(kRunClassCount));
    append_run(r, cls, length, &t);
    const size_t after = r.below(10);
    if (after < 5) t += char(r.below(256));
    else if (after < 8) t += kNonAscii[r.below(sizeof kNonAscii / sizeof *kNonAscii)];
  }
  return t;
}

std::string hex_prefix(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t k = 0; k < text.size() && k < 160; k++) {
    out += kHex[uint8_t(text[k]) >> 4];
    out += kHex[uint8_t(text[k]) & 15];
  }
  return text.size() > 160 ? out + "..." : out;
}

// Blocks for the mask comparison: first every byte value at every position (block b holds
// b + k at position k), then random blocks, half of them any bytes, half ASCII with a few high ones.
void fill_block(Random& r, size_t index, uint8_t* block) {
  const bool ascii = index % 2 == 0;
  for (size_t k = 0; k < 64; k++) {
    if (index < 256) block[k] = uint8_t(index + k);
    else block[k] = uint8_t(ascii && !r.percent(3) ? r.below(128) : r.below(256));
  }
}

// Every kernel's classifier against classify_scalar, mask by mask; the piece checks cannot see
// a mask bit the scanner happens not to read (a continuation byte marked ASCII, for one).
size_t compare_masks(uint64_t seed, size_t blocks, size_t* failed) {
  using turbotoken::ByteClasses;
  const std::pair<uint64_t ByteClasses::*, const char*> fields[] = {
      {&ByteClasses::lower, "lower"}, {&ByteClasses::upper, "upper"}, {&ByteClasses::digit, "digit"},
      {&ByteClasses::space, "space"}, {&ByteClasses::newline, "newline"}, {&ByteClasses::nonascii, "nonascii"}};
  Random r(seed);
  uint8_t block[64];
  for (size_t b = 0; b < blocks; b++) {
    fill_block(r, b, block);
    ByteClasses expected;
    turbotoken::classify_scalar(block, &expected);
    for (const std::string& name : kernel_names()) {
      turbotoken::ClassifyFn classify = turbotoken::kernel_classifier(name.c_str());
      if (!classify) continue;  // scalar
      ByteClasses got;
      classify(block, &got);
      for (const auto& field : fields) {
        if (got.*field.first == expected.*field.first) continue;
        if (++*failed <= 10)
          std::fprintf(stderr, "differential: kernel %s, block %zu: %s mask %016llx, scalar's %016llx\n  block: %s\n",
                       name.c_str(), b, field.second, (unsigned long long)(got.*field.first),
                       (unsigned long long)(expected.*field.first),
                       hex_prefix(std::string(reinterpret_cast<const char*>(block), 64)).c_str());
      }
    }
  }
  return blocks;
}

}  // namespace

DifferentialResult run_differential(const std::vector<LoadedEncoding>& encodings, uint32_t seed,
                                    size_t texts_per_kind) {
  using Generator = std::string (*)(Random&);
  const std::pair<const char*, Generator> kinds[] = {
      {"random bytes", random_bytes}, {"ascii-heavy", ascii_heavy}, {"block edges", block_edges}};
  const SpecialMode modes[] = {SpecialMode::kOrdinary, SpecialMode::kAllowAll, SpecialMode::kDisallowAll};
  DifferentialResult result;
  result.blocks = compare_masks(seed, 256 + 16 * texts_per_kind, &result.failed);
  for (int family = 0; family < turbotoken::kFamilyCount; family++) {
    const LoadedEncoding* loaded = nullptr;
    for (const auto& e : encodings)
      if (!loaded && int(e.encoding->family()) == family) loaded = &e;
    if (!loaded) {
      std::fprintf(stderr, "differential: no encoding of pre-tokenizer family %d\n", family);
      result.failed++;
      continue;
    }
    Random r(seed * 0x100000001B3ull + uint64_t(family));
    for (const auto& kind : kinds) {
      for (size_t k = 0; k < texts_per_kind; k++) {
        const std::string text = kind.second(r);
        const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
        Outcome ignored;
        const std::string failure =
            check_all(*loaded->encoding, s, text.size(), modes[k % 3], &ignored, &result.pieces);
        result.texts++;
        if (failure.empty()) continue;
        if (++result.failed <= 10)
          std::fprintf(stderr, "differential %s, %s #%zu: %s\n  text: %s\n", loaded->name.c_str(), kind.first, k,
                       failure.c_str(), hex_prefix(text).c_str());
      }
    }
  }
  return result;
}

}  // namespace turbotoken_fuzz
