#include "checks.h"

#include <algorithm>
#include <cstring>

#include "bpe/bpe.h"
#include "byte_run_check.h"
#include "text/utf8.h"

// The SIMD pre-tokenizer kernels (native/core/kernels.h) may not be in this tree yet; without
// them there is only the scalar path and nothing to compare it with.
#if __has_include("kernels.h")
#include "kernels.h"
#define TURBOTOKEN_FUZZ_HAVE_KERNELS 1
#endif

namespace turbotoken_fuzz {

using turbotoken::Encoding;
using turbotoken::MergeStrategy;
using turbotoken::Status;

std::vector<std::string> kernel_names() {
#ifdef TURBOTOKEN_FUZZ_HAVE_KERNELS
  std::vector<std::string> names;
  for (const char* name : turbotoken::available_kernels()) names.emplace_back(name);
  return names;
#else
  return {"scalar"};
#endif
}

namespace {

bool select_kernel(const std::string& name) {
#ifdef TURBOTOKEN_FUZZ_HAVE_KERNELS
  return turbotoken::select_kernel(name.c_str()) == Status::kOk;
#else
  return name == "scalar";
#endif
}

std::string describe(const Outcome& o) {
  std::string s = turbotoken::status_name(o.status);
  s += " [";
  for (size_t k = 0; k < o.ids.size() && k < 64; k++) s += (k ? "," : "") + std::to_string(o.ids[k]);
  if (o.ids.size() > 64) s += ",...";
  return s + "] (" + std::to_string(o.ids.size()) + " ids)";
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.status != b.status || a.ids != b.ids) return false;
  if (a.status != Status::kDisallowedSpecial) return true;
  return a.offending.start == b.offending.start && a.offending.end == b.offending.end &&
         a.offending.index == b.offending.index;
}

// Masks with one byte per special token.
struct Masks {
  std::vector<uint8_t> all;
  turbotoken::SpecialPolicy policy(SpecialMode mode) const {
    turbotoken::SpecialPolicy p;
    if (mode == SpecialMode::kAllowAll) p.allowed = all.data();
    if (mode == SpecialMode::kDisallowAll) p.disallowed = all.data();
    return p;
  }
};

Masks masks_for(const Encoding& enc) {
  Masks m;
  m.all.assign(enc.specials().size() + 1, 1);  // +1: never a zero-sized array
  return m;
}

// Leftmost special-token text in s, longest at that position; false when there is none.
bool find_special_naively(const Encoding& enc, const std::string& s, turbotoken::SpecialMatch* m) {
  const auto& specials = enc.specials();
  for (size_t at = 0; at < s.size(); at++) {
    bool found = false;
    for (uint32_t k = 0; k < specials.size(); k++) {
      const std::string& t = specials[k].text;
      if (t.size() > s.size() - at || (found && t.size() <= m->end - m->start)) continue;
      if (std::memcmp(s.data() + at, t.data(), t.size()) == 0) {
        *m = {at, at + t.size(), k};
        found = true;
      }
    }
    if (found) return true;
  }
  return false;
}

std::string check_pieces(const Encoding& enc, const std::string& text) {
  auto piece_end = turbotoken::piece_end_function(enc.family());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = 0; i < text.size();) {
    size_t end = piece_end(s, i, text.size());
    if (end <= i || end > text.size()) return "piece at " + std::to_string(i) + " ends at " + std::to_string(end);
    if (end < text.size() && (s[end] & 0xC0) == 0x80) return "piece ends inside a code point at " + std::to_string(end);
    i = end;
  }
  return "";
}

std::string check_specials(const Encoding& enc, const std::string& repaired, const Outcome& o,
                           SpecialMode mode) {
  turbotoken::SpecialMatch expected{};
  bool present = find_special_naively(enc, repaired, &expected);
  if (mode != SpecialMode::kDisallowAll) {
    return o.status == Status::kOk ? "" : "status " + describe(o) + " where no special token is disallowed";
  }
  if (!present) return o.status == Status::kOk ? "" : "status " + describe(o) + " but no special token is present";
  if (o.status != Status::kDisallowedSpecial) return "a disallowed special token at " + std::to_string(expected.start) + " was not reported";
  const auto& m = o.offending;
  // The matcher may name another token with the same text (a repeated text keeps the first).
  if (m.start != expected.start || m.end != expected.end ||
      enc.specials()[m.index].text != enc.specials()[expected.index].text)
    return "offending special reported at [" + std::to_string(m.start) + "," + std::to_string(m.end) +
           ") but the first is at [" + std::to_string(expected.start) + "," + std::to_string(expected.end) + ")";
  return "";
}

std::string check_round_trip(const Encoding& enc, const std::string& repaired, const Outcome& o,
                             const uint8_t* s, size_t n, SpecialMode mode) {
  if (o.status != Status::kOk) return "";
  std::vector<uint8_t> decoded;
  size_t bad = 0;
  Status st = enc.decode(o.ids.data(), o.ids.size(), decoded, &bad);
  if (st != Status::kOk) return "decode failed at id index " + std::to_string(bad) + ": " + describe(o);
  if (std::string(decoded.begin(), decoded.end()) != repaired) return "decode(encode(text)) differs from the repaired text";
  size_t count = 0;
  turbotoken::SpecialMatch ignored;
  Masks masks = masks_for(enc);
  st = enc.count(s, n, true, masks.policy(mode), &count, &ignored);
  if (st != Status::kOk || count != o.ids.size())
    return "count() gave " + std::to_string(count) + " (" + turbotoken::status_name(st) + "), encode() " +
           std::to_string(o.ids.size()) + " ids";
  return "";
}

// UTF-16 of well-formed UTF-8, by the definition (independent of the core's transcoders).
std::u16string utf16_of(const std::string& valid) {
  std::u16string out;
  for (size_t i = 0; i < valid.size();) {
    const uint8_t b = uint8_t(valid[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t c = len == 1 ? b : b & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; k++) c = (c << 6) | (uint8_t(valid[i + k]) & 0x3F);
    if (c >= 0x10000) {
      out += char16_t(0xD800 + ((c - 0x10000) >> 10));
      out += char16_t(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      out += char16_t(c);
    }
    i += len;
  }
  return out;
}

std::u16string decode_text(const Encoding& enc, const std::vector<uint32_t>& ids, std::string* failure) {
  size_t total = 0, bad = 0;
  if (enc.decoded_length(ids.data(), ids.size(), &total, &bad) != Status::kOk) {
    *failure = "decoded_length refused id index " + std::to_string(bad);
    return {};
  }
  std::u16string out(total + Encoding::kDecodeUtf16Slack, u'\0');
  out.resize(enc.decode_utf16(ids.data(), ids.size(), total, out.data()));
  return out;
}

// decode to UTF-16 (token bytes transcoded in place) and the transcoders
// against the definition: the ids of the text, and the input's raw bytes as one-byte tokens, so
// that every ill-formed sequence reaches the UTF-16 writer.
std::string check_text_decoding(const Encoding& enc, const uint8_t* s, size_t n, const std::string& repaired,
                                const Outcome& o) {
  const std::u16string expected = utf16_of(repaired);
  std::string failure;
  if (o.status == Status::kOk && decode_text(enc, o.ids, &failure) != expected)
    return failure.empty() ? "decode_utf16(encode(text)) differs from the text" : failure;
  std::vector<uint32_t> bytes;
  for (size_t i = 0; i < n; i++) bytes.push_back(enc.vocab().byte_rank(s[i]));
  // Repeated so that the in-place transcoder runs over text of 4 KB and more, in its 64-byte
  // windows at many offsets; for one input length in four, as it costs ASan builds a third of
  // the fuzzer's speed.
  std::vector<uint32_t> repeated;
  while (n % 4 == 1 && repeated.size() < 4400) repeated.insert(repeated.end(), bytes.begin(), bytes.end());
  std::string repeated_raw;
  for (size_t r = 0; r < (n ? repeated.size() / n : 0); r++) repeated_raw.append(reinterpret_cast<const char*>(s), n);
  if (decode_text(enc, bytes, &failure) != expected) return "decode_utf16 of the raw bytes differs from the repaired text " + failure;
  if (decode_text(enc, repeated, &failure) !=
      utf16_of(reference_repair(reinterpret_cast<const uint8_t*>(repeated_raw.data()), repeated_raw.size())))
    return "decode_utf16 of the raw bytes, repeated, differs " + failure;
  std::u16string units(n, u'\0');
  units.resize(turbotoken::utf8_to_utf16(s, n, units.data()));
  if (units != expected) return "utf8_to_utf16 differs from the repaired text";
  // The input's bytes as UTF-16 units (surrogates paired or not) back to UTF-8.
  std::u16string wide;
  for (size_t i = 0; i + 1 < n; i += 2) wide += char16_t(s[i] | (s[i + 1] << 8));
  std::string narrow(wide.size() * 3, '\0');
  narrow.resize(turbotoken::utf16_to_utf8(wide.data(), wide.size(), reinterpret_cast<uint8_t*>(narrow.data())));
  std::u16string expected_wide;
  for (size_t i = 0; i < wide.size(); i++) {
    const char16_t c = wide[i];
    const bool high = c >= 0xD800 && c < 0xDC00, low = c >= 0xDC00 && c <= 0xDFFF;
    if (high && i + 1 < wide.size() && wide[i + 1] >= 0xDC00 && wide[i + 1] <= 0xDFFF) {
      expected_wide += c;
      expected_wide += wide[++i];
    } else {
      expected_wide += (high || low) ? char16_t(0xFFFD) : c;
    }
  }
  if (utf16_of(narrow) != expected_wide) return "utf16_to_utf8 differs from the definition (lone surrogates to U+FFFD)";
  return "";
}

#ifdef TURBOTOKEN_FUZZ_HAVE_KERNELS
// Piece ends from the active kernel; stops with a reason in *error at a piece that does not advance.
std::vector<size_t> piece_ends(turbotoken::Family family, const std::string& text, std::string* error) {
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
  std::vector<size_t> all;
  size_t ends[64];
  for (size_t i = 0; i < text.size();) {
    const size_t got = turbotoken::scan_pieces(family, s, i, text.size(), ends, 64);
    for (size_t k = 0; k < got; k++) {
      if (ends[k] <= i || ends[k] > text.size()) {
        *error = "piece at " + std::to_string(i) + " ends at " + std::to_string(ends[k]);
        return all;
      }
      all.push_back(i = ends[k]);
    }
    if (got == 0) {
      *error = "no piece at " + std::to_string(i);
      return all;
    }
  }
  return all;
}
#endif

// The active kernel's transcoders against the scalar ones. UTF-8 to UTF-16 on the input's bytes and
// on the repaired text, each also repeated past 256 bytes so that the SIMD windows see them.
// Like the kernels, the scalar transcoders may not be in the tree yet.
std::string compare_kernel_transcoder(const uint8_t* s, size_t n, const std::string& repaired) {
#ifndef TURBOTOKEN_FUZZ_HAVE_KERNELS
  (void)s, (void)n, (void)repaired;
  return "";
#else
  std::string raw(reinterpret_cast<const char*>(s), n);
  const std::string inputs[] = {raw, repaired};
  for (const std::string& input : inputs) {
    std::string repeated = input;
    while (!input.empty() && repeated.size() < 256) repeated += input;
    for (const std::string* text : {&input, static_cast<const std::string*>(&repeated)}) {
      const uint8_t* bytes = reinterpret_cast<const uint8_t*>(text->data());
      std::u16string a(text->size(), u'\0'), b(text->size(), u'\0');
      a.resize(turbotoken::utf8_to_utf16(bytes, text->size(), a.data()));
      b.resize(turbotoken::utf8_to_utf16_scalar(bytes, text->size(), b.data()));
      if (a != b) return "utf8_to_utf16 differs from utf8_to_utf16_scalar";
      // In place, as decode_utf16 runs it: the bytes n + kUtf8ToUtf16InPlaceGap bytes into out.
      const size_t gap = turbotoken::kUtf8ToUtf16InPlaceGap;
      std::vector<char16_t> shared(text->size() + gap / 2);
      uint8_t* upper = reinterpret_cast<uint8_t*>(shared.data()) + text->size() + gap;
      std::copy(text->begin(), text->end(), upper);
      shared.resize(turbotoken::utf8_to_utf16(upper, text->size(), shared.data()));
      if (std::u16string(shared.begin(), shared.end()) != b) return "utf8_to_utf16 in place differs from utf8_to_utf16_scalar";
    }
  }
  // The other direction: the input's bytes taken as UTF-16 units (any surrogates, paired or not)
  // and the repaired text's UTF-16, each repeated past 128 units for the 32-unit blocks; the
  // kernel's result also converted in place, as the binding converts strings.
  std::u16string raw_units;
  for (size_t i = 0; i + 1 < n; i += 2) raw_units += char16_t(s[i] | (s[i + 1] << 8));
  const std::u16string unit_inputs[] = {raw_units, utf16_of(repaired)};
  for (const std::u16string& input : unit_inputs) {
    std::u16string repeated = input;
    while (!input.empty() && repeated.size() < 128) repeated += input;
    for (const std::u16string* units : {&input, static_cast<const std::u16string*>(&repeated)}) {
      const size_t count = units->size();
      std::string a(count * 3, '\0'), b(count * 3, '\0');
      a.resize(turbotoken::utf16_to_utf8(units->data(), count, reinterpret_cast<uint8_t*>(a.data())));
      b.resize(turbotoken::utf16_to_utf8_scalar(units->data(), count, reinterpret_cast<uint8_t*>(b.data())));
      if (a != b) return "utf16_to_utf8 differs from utf16_to_utf8_scalar";
      // 4 * count + 2 bytes, the units starting count or count + 1 bytes in (the least utf8.h allows)
      std::vector<char16_t> shared(2 * count + 1);
      uint8_t* bytes = reinterpret_cast<uint8_t*>(shared.data());
      char16_t* tail = shared.data() + (count + 1) / 2;
      std::copy(units->begin(), units->end(), tail);
      const std::string in_place(reinterpret_cast<const char*>(bytes), turbotoken::utf16_to_utf8(tail, count, bytes));
      if (in_place != b) return "utf16_to_utf8 in place differs from utf16_to_utf8_scalar";
    }
  }
  return "";
#endif
}

// The active kernel's length pass for decode against the scalar one, on ids made from the input:
// 4 bytes per id, a first byte under 8 making an id that is no ordinary token (at or past the
// ranks), repeated past 64 ids so that the 16-id blocks see them.
std::string compare_kernel_length_pass(const turbotoken::Encoding& enc, const uint8_t* s, size_t n) {
#ifndef TURBOTOKEN_FUZZ_HAVE_KERNELS
  (void)enc, (void)s, (void)n;
  return "";
#else
  const turbotoken::Vocab::TokenView t = enc.vocab().tokens();
  std::vector<uint32_t> ids;
  for (size_t i = 0; i + 3 < n; i += 4) {
    const uint32_t low = uint32_t(s[i + 1]) | uint32_t(s[i + 2]) << 8 | uint32_t(s[i + 3]) << 16;
    ids.push_back(s[i] < 8 ? t.count + (low & 0xFF) * (s[i] + 1) : low % t.count);
  }
  const size_t distinct = ids.size();
  for (size_t i = 0; distinct && ids.size() < 64; i++) ids.push_back(ids[i % distinct]);
  for (size_t from = 0; from < ids.size(); from += 1 + ids.size() / 5) {
    turbotoken::LengthSum a, b;
    const size_t done_a = turbotoken::kernel_sum_token_lengths()(ids.data() + from, ids.size() - from, t.length_info, t.count, &a);
    const size_t done_b = turbotoken::sum_token_lengths_scalar(ids.data() + from, ids.size() - from, t.length_info, t.count, &b);
    if (done_a != done_b || a.bytes != b.bytes || (a.flags & turbotoken::kAsciiToken) != (b.flags & turbotoken::kAsciiToken))
      return "sum_token_lengths differs from sum_token_lengths_scalar from id " + std::to_string(from);
  }
  return "";
#endif
}

// The active kernel's byte-set search against the scalar one, every hit in turn, for three sets
// made from the input: its first bytes, the bytes from 0x80 up (where a CJK step's matches start),
// and a scattered set that the input's length picks.
std::string compare_kernel_find_in_set(const uint8_t* s, size_t n) {
#ifndef TURBOTOKEN_FUZZ_HAVE_KERNELS
  (void)s, (void)n;
  return "";
#else
  turbotoken::ByteSet sets[3] = {};
  for (size_t i = 0; i < n && i < 4; i++) sets[0].member[s[i]] = 1;
  for (int b = 0x80; b < 256; b++) sets[1].member[b] = 1;
  for (int b = 0; b < 256; b++) sets[2].member[b] = (b * 37 + n) % 11 == 0;
  const turbotoken::FindInSetFn kernel = turbotoken::kernel_find_in_set();
  for (size_t k = 0; k < 3; k++) {
    sets[k].build_nibbles();
    for (size_t from = 0;; from++) {
      const size_t want = turbotoken::find_in_set_scalar(sets[k], s, from, n);
      const size_t got = kernel(sets[k], s, from, n);
      if (got != want)
        return "find_in_set gave " + std::to_string(got) + " from " + std::to_string(from) + " in set " +
               std::to_string(k) + ", find_in_set_scalar " + std::to_string(want);
      if (want >= n) break;
      from = want;
    }
  }
  return "";
#endif
}

// Every kernel's piece ends in one text against the scalar kernel's.
std::string compare_kernel_pieces(turbotoken::Family family, const std::string& text, size_t* pieces) {
#ifndef TURBOTOKEN_FUZZ_HAVE_KERNELS
  (void)family, (void)text, (void)pieces;
  return "";
#else
  std::string failure;
  const std::vector<std::string> kernels = kernel_names();
  select_kernel("scalar");
  const std::vector<size_t> expected = piece_ends(family, text, &failure);
  *pieces += expected.size();
  for (size_t k = 1; k < kernels.size() && failure.empty(); k++) {
    select_kernel(kernels[k]);
    const std::vector<size_t> got = piece_ends(family, text, &failure);
    if (failure.empty() && got != expected) {
      size_t at = 0;
      while (at < got.size() && at < expected.size() && got[at] == expected[at]) at++;
      failure = "piece " + std::to_string(at) + " ends at " + (at < got.size() ? std::to_string(got[at]) : "-") +
                ", scalar's at " + (at < expected.size() ? std::to_string(expected[at]) : "-");
    }
    if (!failure.empty()) failure = "kernel " + kernels[k] + ": " + failure;
  }
  select_kernel("scalar");
  return failure;
#endif
}

// The texts encode() hands the pre-tokenizer: with special tokens allowed, the parts between
// them (each scanned from its own start, so its 64-byte blocks start there), else the whole text.
std::vector<std::string> scanned_parts(const Encoding& enc, const std::string& repaired, SpecialMode mode) {
  if (mode != SpecialMode::kAllowAll) return {repaired};
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at = 0; at < repaired.size();) {
    size_t longest = 0;
    for (const auto& special : enc.specials()) {
      const std::string& t = special.text;
      if (t.size() > longest && t.size() <= repaired.size() - at &&
          std::memcmp(repaired.data() + at, t.data(), t.size()) == 0)
        longest = t.size();
    }
    if (!longest) {
      at++;
      continue;
    }
    parts.push_back(repaired.substr(start, at - start));
    start = at += longest;
  }
  parts.push_back(repaired.substr(start));
  return parts;
}

}  // namespace

std::string reference_repair(const uint8_t* s, size_t n) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  size_t needed = 0, seen = 0, start = 0;
  uint8_t lower = 0x80, upper = 0xBF;
  for (size_t i = 0; i < n; i++) {
    uint8_t b = s[i];
    if (needed == 0) {
      start = i;
      if (b <= 0x7F) { out += char(b); continue; }
      if (b >= 0xC2 && b <= 0xDF) { needed = 1; continue; }
      if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        continue;
      }
      if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        continue;
      }
      out += kReplacement;
      continue;
    }
    if (b < lower || b > upper) {
      // The maximal subpart so far becomes one replacement; this byte starts afresh.
      needed = seen = 0;
      lower = 0x80, upper = 0xBF;
      out += kReplacement;
      i--;
      continue;
    }
    lower = 0x80, upper = 0xBF;
    if (++seen == needed) {
      out.append(reinterpret_cast<const char*>(s + start), needed + 1);
      needed = seen = 0;
    }
  }
  if (needed) out += kReplacement;
  return out;
}

Outcome encode_once(const Encoding& enc, const uint8_t* s, size_t n, SpecialMode mode) {
  Outcome o;
  Masks masks = masks_for(enc);
  o.status = enc.encode(s, n, true, masks.policy(mode), o.ids, &o.offending);
  return o;
}

std::string check_all(const Encoding& enc, const uint8_t* s, size_t n, SpecialMode mode, Outcome* baseline,
                      size_t* pieces_compared) {
  const std::string repaired = reference_repair(s, n);
  std::vector<uint8_t> core_repaired;
  turbotoken::append_repaired_utf8(s, n, core_repaired);
  if (std::string(core_repaired.begin(), core_repaired.end()) != repaired)
    return "the core's UTF-8 repair differs from the WHATWG decoder";
  const bool well_formed = repaired == std::string(reinterpret_cast<const char*>(s), n);
  if ((turbotoken::valid_utf8_prefix(s, n) == n) != well_formed)
    return well_formed ? "valid_utf8_prefix calls well-formed UTF-8 ill-formed"
                       : "valid_utf8_prefix calls ill-formed UTF-8 well-formed";

  select_kernel("scalar");
  turbotoken::set_merge_strategy(MergeStrategy::kByLength);
  *baseline = encode_once(enc, s, n, mode);
  std::string failure = check_pieces(enc, repaired);
  if (failure.empty()) failure = check_specials(enc, repaired, *baseline, mode);
  if (failure.empty()) failure = check_round_trip(enc, repaired, *baseline, s, n, mode);
  if (failure.empty()) failure = check_text_decoding(enc, s, n, repaired, *baseline);
  if (!failure.empty()) return failure;

  const std::pair<MergeStrategy, const char*> strategies[] = {{MergeStrategy::kDirect, "direct"},
                                                              {MergeStrategy::kHeap, "heap"},
                                                              {MergeStrategy::kLong, "long"},
                                                              {MergeStrategy::kRun, "run"}};
  for (const auto& strategy : strategies) {
    turbotoken::set_merge_strategy(strategy.first);
    Outcome other = encode_once(enc, s, n, mode);
    turbotoken::set_merge_strategy(MergeStrategy::kByLength);
    if (!same(other, *baseline))
      return std::string("merge strategy ") + strategy.second + " gave " + describe(other) + ", auto gave " + describe(*baseline);
  }
  failure = check_byte_run(enc.vocab(), s, n);
  if (!failure.empty()) return failure;
  // Pieces before ids: a kernel that ends a piece where it starts would make encode() loop.
  size_t pieces = 0;
  for (const std::string& part : scanned_parts(enc, repaired, mode)) {
    failure = compare_kernel_pieces(enc.family(), part, &pieces);
    if (!failure.empty()) return failure;
  }
  if (pieces_compared) *pieces_compared += pieces;
  std::vector<std::string> kernels = kernel_names();
  for (size_t k = 1; k < kernels.size(); k++) {
    if (!select_kernel(kernels[k])) return "kernel " + kernels[k] + " is listed but cannot be selected";
    Outcome other = encode_once(enc, s, n, mode);
    failure = check_pieces(enc, repaired);
    if (failure.empty()) failure = compare_kernel_transcoder(s, n, repaired);
    if (failure.empty()) failure = compare_kernel_length_pass(enc, s, n);
    if (failure.empty()) failure = compare_kernel_find_in_set(s, n);
    // The direct merge skips the piece cache, which the scalar run filled: a kernel with its own
    // build of the merge (AVX2) then merges every piece itself.
    turbotoken::set_merge_strategy(MergeStrategy::kDirect);
    Outcome direct = encode_once(enc, s, n, mode);
    turbotoken::set_merge_strategy(MergeStrategy::kByLength);
    select_kernel("scalar");
    if (!failure.empty()) return "kernel " + kernels[k] + ": " + failure;
    if (!same(other, *baseline)) return "kernel " + kernels[k] + " gave " + describe(other) + ", scalar gave " + describe(*baseline);
    if (!same(direct, *baseline))
      return "kernel " + kernels[k] + " with the direct merge gave " + describe(direct) + ", scalar gave " + describe(*baseline);
  }
  return "";
}

}  // namespace turbotoken_fuzz
