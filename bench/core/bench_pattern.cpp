// Splitting speed without Node: a compiled pre-tokenizer (native/core/regex/splitter.h) against
// the hand-written cl100k_base scanner on the same text. For callgrind, run_split and run_scan
// are the functions to count (--toggle-collect='run_*').
// Build: cmake -S . -B build-cmake -DTURBOTOKEN_BENCH=ON && cmake --build build-cmake --target bench_pattern
// Steps: node bench/models-pattern.mjs --write-steps DIR writes DIR/<model>.u32 (splitter.h's layout).
// Run:   build-cmake/bench_pattern STEPS.u32|cl100k TEXT [repeats]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "kernels.h"
#include "regex/splitter.h"

using namespace turbotoken;

static std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

static double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

__attribute__((noinline)) size_t run_split(const regex::Splitter& s, const std::vector<uint8_t>& text,
                                           std::vector<uint32_t>& pieces, uint64_t* hash) {
  s.split(text.data(), text.size(), pieces);
  uint64_t h = 1469598103934665603ull;
  for (uint32_t v : pieces) h = (h ^ v) * 1099511628211ull;
  *hash = h;
  return pieces.size() / 2;
}

__attribute__((noinline)) size_t run_scan(const std::vector<uint8_t>& text, uint64_t* hash) {
  size_t ends[256];
  size_t i = 0, count = 0;
  uint64_t h = 1469598103934665603ull;
  while (i < text.size()) {
    const size_t got = scan_pieces(Family::kCl100k, text.data(), i, text.size(), ends, 256);
    for (size_t k = 0; k < got; k++) h = (h ^ ends[k]) * 1099511628211ull;
    count += got;
    i = ends[got - 1];
  }
  *hash = h;
  return count;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stdout, "usage: bench_pattern STEPS.u32|cl100k TEXT [repeats]\n");
    return 2;
  }
  std::vector<uint8_t> text = read_file(argv[2]);
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  std::unique_ptr<regex::Splitter> splitter;
  const bool scan = std::strcmp(argv[1], "cl100k") == 0;
  if (!scan) {
    std::vector<uint8_t> raw = read_file(argv[1]);
    std::vector<uint32_t> words(raw.size() / 4);
    std::memcpy(words.data(), raw.data(), words.size() * 4);
    if (regex::Splitter::create(words.data(), words.size(), &splitter) != regex::ProgramStatus::kOk) {
      std::fprintf(stdout, "malformed steps %s\n", argv[1]);
      return 1;
    }
  }
  std::vector<uint32_t> pieces;
  double best = 1e18;
  size_t count = 0;
  uint64_t hash = 0;
  for (int r = 0; r < repeats; r++) {
    const double c0 = thread_cpu_seconds();
    count = scan ? run_scan(text, &hash) : run_split(*splitter, text, pieces, &hash);
    best = std::min(best, thread_cpu_seconds() - c0);
  }
  std::printf("steps=%s bytes=%zu pieces=%zu hash=%016llx cpu=%.1f MB/s\n", argv[1], text.size(), count,
              (unsigned long long)hash, text.size() / best / 1e6);
  return 0;
}
