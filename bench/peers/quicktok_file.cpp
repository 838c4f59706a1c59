// Times quicktok (github.com/dmatth1/quicktok, a C++ BPE tokenizer) encoding one file from C++,
// for bench/peers/quicktok.mjs. Built against a checkout the user provides; not part of the package.
//   quicktok_file DATA_DIR ENCODING TEXT
// Encodes the file once and prints a JSON line with the token count and an FNV-1a hash of the ids
// (so that the caller can check them against turbotoken's before it compares times). Then, for
// each line read from stdin, encodes it again and prints the seconds that call took: the caller
// alternates these calls with its own, one by one.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "quicktok.hpp"

namespace {

bool read_file(const char* path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

// FNV-1a over the ids as 32-bit words; bench/peers/quicktok.mjs computes the same.
uint32_t hash_ids(const std::vector<uint32_t>& ids) {
  uint32_t h = 2166136261u;
  for (uint32_t id : ids) h = (h ^ id) * 16777619u;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: quicktok_file DATA_DIR ENCODING TEXT\n");
    return 2;
  }
  std::vector<uint8_t> text;
  if (!read_file(argv[3], &text)) {
    std::fprintf(stderr, "quicktok_file: cannot read %s\n", argv[3]);
    return 1;
  }
  try {
    const quicktok::Tokenizer tokenizer = quicktok::Tokenizer::load_dir(argv[1], argv[2]);
    std::vector<uint32_t> ids;
    tokenizer.encode(text.data(), text.size(), ids);
    std::printf("{\"tokens\":%zu,\"hash\":%u}\n", ids.size(), hash_ids(ids));
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
      ids.clear();
      const auto start = std::chrono::steady_clock::now();
      tokenizer.encode(text.data(), text.size(), ids);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%.9f\n", s);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quicktok_file: %s\n", e.what());
    return 1;
  }
  return 0;
}
