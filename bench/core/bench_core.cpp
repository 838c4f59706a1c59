// Core throughput without Node: encodes a file with one encoding and prints MB/s.
// Build: cmake -S . -B build-cmake -DTURBOTOKEN_BENCH=ON && cmake --build build-cmake
// Run:   build-cmake/bench_core data/o200k_base.tkv o200k corpus/mixed.txt [repeats]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "encoding.h"
#include "kernels.h"

using namespace turbotoken;

static double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

static std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stdout, "usage: bench_core VOCAB.tkv gpt2|cl100k|o200k TEXT [repeats]\n");
    return 2;
  }
  if (const char* kernel = std::getenv("TURBOTOKEN_KERNEL")) {
    if (select_kernel(kernel) != Status::kOk) {
      std::fprintf(stdout, "unknown kernel %s\n", kernel);
      return 2;
    }
  }
  std::vector<uint8_t> vocab = read_file(argv[1]);
  std::vector<uint8_t> text = read_file(argv[3]);
  int repeats = argc > 4 ? std::atoi(argv[4]) : 5;
  EncodingSpec spec;
  spec.vocab_blob = vocab.data();
  spec.vocab_size = vocab.size();
  spec.family = std::strcmp(argv[2], "o200k") == 0 ? Family::kO200k
                : std::strcmp(argv[2], "cl100k") == 0 ? Family::kCl100k : Family::kGpt2;
  std::shared_ptr<const Encoding> enc;
  if (Encoding::create(spec, &enc) != Status::kOk) return 1;
  std::vector<uint32_t> ids;
  // Wall time, and this thread's CPU time: on a shared machine the CPU time moves less.
  double best = 1e18, best_cpu = 1e18;
  for (int r = 0; r < repeats; r++) {
    ids.clear();
    SpecialMatch m;
    const double c0 = thread_cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    enc->encode(text.data(), text.size(), false, SpecialPolicy{}, ids, &m);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    best_cpu = std::min(best_cpu, thread_cpu_seconds() - c0);
  }
  std::printf("backend=core-%s input=%s family=%s bytes=%zu tokens=%zu best=%.1f MB/s cpu=%.1f MB/s\n", kernel_name(),
              argv[3], argv[2], text.size(), ids.size(), text.size() / best / 1e6, text.size() / best_cpu / 1e6);
  return 0;
}
