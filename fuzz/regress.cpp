// The regression runner: the stored reference outputs (fuzz/reference/<encoding>.ref, made by
// scripts/make-fuzz-reference.mjs from the tiktoken npm package) through every check in checks.h,
// and the ids compared with the reference's. Needs no fuzzing engine.
//
//   regress [--write-corpus DIR] [--random N] [--snappy N] [FILE.ref ...]
// With no files, runs every .ref file in fuzz/reference/; also checks that Vocab::load rejects
// malformed vocabularies. --write-corpus also writes each case as
// a fuzz input (input_format.h) into DIR: the fuzz target's seed corpus.
// Then runs the seeded random differential check (differential.h): N texts of each of its three
// kinds per pre-tokenizer family (default 100; 0 skips it). On AArch64 it fails unless the
// core lists the "neon" kernel, so that a build for arm64 cannot silently test scalar alone.
// Then N seeded random snappy streams (default 2000; 0 skips them) through snappy_check.h.
//
// .ref format, one case per line ('#' starts a comment line):
//   <a|o> <text as hex> <ids, comma-separated, or - for none>
// a: every special token allowed; o: special-token text is ordinary text.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "checks.h"
#include "differential.h"
#include "input_format.h"
#include "manifest.h"
#include "snappy_check.h"
#include "vocab/vocab.h"

namespace {

using turbotoken_fuzz::LoadedEncoding;
using turbotoken_fuzz::SpecialMode;

struct Case {
  SpecialMode mode;
  std::string text;
  std::vector<uint32_t> ids;
};

bool parse_hex(const std::string& hex, std::string* out) {
  if (hex.size() % 2) return false;
  for (size_t i = 0; i < hex.size(); i += 2) {
    char* end;
    std::string byte = hex.substr(i, 2);
    long v = std::strtol(byte.c_str(), &end, 16);
    if (*end) return false;
    *out += char(v);
  }
  return true;
}

bool parse_case(const std::string& line, Case* c) {
  std::istringstream in(line);
  std::string mode, hex, ids;
  if (!(in >> mode >> hex >> ids) || (mode != "a" && mode != "o")) return false;
  c->mode = mode == "a" ? SpecialMode::kAllowAll : SpecialMode::kOrdinary;
  if (hex != "-" && !parse_hex(hex, &c->text)) return false;
  if (ids == "-") return true;
  std::istringstream list(ids);
  std::string id;
  while (std::getline(list, id, ',')) c->ids.push_back(uint32_t(std::strtoul(id.c_str(), nullptr, 10)));
  return true;
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.substr(0, name.rfind(".ref"));
}

std::vector<std::string> default_files() {
  std::vector<std::string> files;
  std::string dir = std::string(TURBOTOKEN_SOURCE_DIR) + "/fuzz/reference";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".ref") == 0) files.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

void write_corpus_file(const std::string& dir, const std::string& name, size_t encoding_index, const Case& c) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(char(turbotoken_fuzz::fuzz_header(encoding_index, c.mode)));
  out << c.text;
}

// Runs one .ref file; returns the number of failed cases (or 1 when the file itself is bad).
size_t run_file(const std::string& path, const std::vector<LoadedEncoding>& encodings,
                const std::string& corpus_dir, size_t* cases) {
  std::string name = base_name(path);
  size_t index = 0;
  while (index < encodings.size() && encodings[index].name != name) index++;
  std::ifstream in(path);
  if (index == encodings.size() || !in) {
    std::fprintf(stderr, "%s: no such encoding or unreadable file\n", path.c_str());
    return 1;
  }
  const turbotoken::Encoding& enc = *encodings[index].encoding;
  size_t failed = 0, line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    line_no++;
    if (line.empty() || line[0] == '#') continue;
    Case c;
    if (!parse_case(line, &c)) {
      std::fprintf(stderr, "%s:%zu: malformed line\n", path.c_str(), line_no);
      failed++;
      continue;
    }
    ++*cases;
    if (!corpus_dir.empty()) write_corpus_file(corpus_dir, name + "-" + std::to_string(line_no), index, c);
    turbotoken_fuzz::Outcome got;
    std::string failure = turbotoken_fuzz::check_all(enc, reinterpret_cast<const uint8_t*>(c.text.data()),
                                                     c.text.size(), c.mode, &got);
    if (failure.empty() && (got.status != turbotoken::Status::kOk || got.ids != c.ids))
      failure = "ids differ from the reference (" + std::to_string(got.ids.size()) + " ids, expected " +
                std::to_string(c.ids.size()) + ")";
    if (!failure.empty()) {
      std::fprintf(stderr, "%s:%zu: %s\n", path.c_str(), line_no, failure.c_str());
      failed++;
    }
  }
  return failed;
}

// A .tkv blob: every single byte, then `extra` tokens.
std::string make_blob(const std::vector<std::string>& extra) {
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; b++) tokens.push_back(std::string(1, char(b)));
  tokens.insert(tokens.end(), extra.begin(), extra.end());
  std::string blob = "TTV1";
  uint32_t count = uint32_t(tokens.size());
  blob.append(reinterpret_cast<const char*>(&count), 4);
  for (const auto& t : tokens) blob += char(t.size());
  for (const auto& t : tokens) blob += t;
  return blob;
}

turbotoken::Status load_blob(const std::string& blob, turbotoken::Vocab* v) {
  return v->load(reinterpret_cast<const uint8_t*>(blob.data()), blob.size());
}

// Vocab::load rejects repeated tokens (short, and long ones that agree in their first 8 bytes)
// and keeps tokens apart that differ only after byte 8. Returns the number of failures.
size_t check_vocab_validation() {
  using turbotoken::Status;
  size_t failed = 0;
  auto expect = [&](bool ok, const char* what) {
    if (!ok) std::fprintf(stderr, "vocab validation: %s\n", what), failed++;
  };
  turbotoken::Vocab v;
  expect(load_blob(make_blob({"ab", "ab"}), &v) == Status::kInvalidVocabulary, "a repeated 2-byte token is accepted");
  expect(load_blob(make_blob({"abcdefghij", "xy", "abcdefghij"}), &v) == Status::kInvalidVocabulary,
         "a repeated 10-byte token is accepted");
  expect(load_blob(make_blob({"a"}), &v) == Status::kInvalidVocabulary, "a repeated single byte is accepted");
  std::string blob = make_blob({"abcdefghij", "abcdefghik"});
  expect(load_blob(blob.substr(0, blob.size() - 1), &v) == Status::kInvalidVocabulary, "a truncated blob is accepted");
  expect(load_blob(blob, &v) == Status::kOk, "tokens that differ after byte 8 are rejected");
  expect(v.rank_of(reinterpret_cast<const uint8_t*>("abcdefghij"), 10) == 256 &&
             v.rank_of(reinterpret_cast<const uint8_t*>("abcdefghik"), 10) == 257 &&
             v.rank_of(reinterpret_cast<const uint8_t*>("abcdefghix"), 10) == turbotoken::kNoRank,
         "tokens that differ after byte 8 get the wrong ranks");
  return failed;
}

// The kernels the core lists, or "" and an error when this architecture's SIMD kernel is absent.
std::string kernel_list(size_t* failed) {
  std::string kernels;
  bool neon = false;
  for (const auto& k : turbotoken_fuzz::kernel_names()) {
    kernels += " " + k;
    neon = neon || k == "neon";
  }
#if defined(__aarch64__) && !defined(__ARM_BIG_ENDIAN)
  if (!neon) {
    std::fprintf(stderr, "regress: built for AArch64 but the core has no \"neon\" kernel\n");
    ++*failed;
  }
#else
  (void)neon, (void)failed;
#endif
  return kernels;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus_dir;
  std::vector<std::string> files;
  size_t random_texts = 100;
  size_t snappy_streams = 2000;
  for (int k = 1; k < argc; k++) {
    if (std::strcmp(argv[k], "--write-corpus") == 0 && k + 1 < argc) corpus_dir = argv[++k];
    else if (std::strcmp(argv[k], "--random") == 0 && k + 1 < argc) random_texts = std::strtoul(argv[++k], nullptr, 10);
    else if (std::strcmp(argv[k], "--snappy") == 0 && k + 1 < argc) snappy_streams = std::strtoul(argv[++k], nullptr, 10);
    else files.push_back(argv[k]);
  }
  if (files.empty()) files = default_files();
  std::vector<LoadedEncoding> encodings;
  std::string error;
  if (!turbotoken_fuzz::load_all_encodings(&encodings, &error)) {
    std::fprintf(stderr, "regress: %s\n", error.c_str());
    return 2;
  }
  size_t cases = 0, failed = 0;
  for (const auto& f : files) failed += run_file(f, encodings, corpus_dir, &cases);
  failed += check_vocab_validation();
  const std::string kernels = kernel_list(&failed);
  std::printf("regress: %zu files, %zu cases, %zu failed (kernels:%s; strategies: auto direct heap long run)\n",
              files.size(), cases, failed, kernels.c_str());
  if (random_texts) {
    auto d = turbotoken_fuzz::run_differential(encodings, 20261128, random_texts);
    std::printf("regress: differential: %zu blocks' masks and %zu random texts (%zu piece ends) per kernel, "
                "%zu failed (kernels:%s)\n", d.blocks, d.texts, d.pieces, d.failed, kernels.c_str());
    failed += d.failed;
  }
  if (snappy_streams) {
    const size_t bad = turbotoken_fuzz::run_snappy_random(20261207, snappy_streams);
    std::printf("regress: snappy: %zu random streams, %zu failed\n", snappy_streams, bad);
    failed += bad;
  }
  return failed || cases == 0 ? 1 : 0;
}
