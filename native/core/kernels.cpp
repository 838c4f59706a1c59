#include "kernels.h"

#include <atomic>
#include <cstring>

#include "byte_classes.h"
#include "scan_masked.h"

namespace turbotoken {

namespace {

struct Kernel {
  const char* name;
  ClassifyFn classify;  // null: the scalar scanners
  bool avx2 = false;
};

#if defined(__x86_64__) || defined(_M_X64)
bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

bool cpu_has_avx512bw() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}
#endif

// Every kernel this CPU can run, slowest first.
std::vector<Kernel> supported() {
  std::vector<Kernel> list{{"scalar", nullptr}};
#if defined(__x86_64__) || defined(_M_X64)
  list.push_back({"sse2", classify_sse2});
  if (cpu_has_avx2()) list.push_back({"avx2", classify_avx2, true});
  if (cpu_has_avx512bw() && cpu_has_avx2()) list.push_back({"avx512", classify_avx512, true});
#endif
#if defined(__wasm_simd128__)
  list.push_back({"simd128", classify_simd128});
#endif
#if defined(__aarch64__) && !defined(__ARM_BIG_ENDIAN)
  list.push_back({"neon", classify_neon});  // Advanced SIMD is baseline on AArch64
#endif
  return list;
}

const std::vector<Kernel>& kernels() {
  static const std::vector<Kernel> list = supported();
  return list;
}

// Index into kernels(); -1 until first use picks the default.
std::atomic<int> g_active{-1};
// The active kernel's avx2 flag, asked once per merge; -1 until first asked.
std::atomic<int> g_avx2{-1};

const Kernel& active() {
  int k = g_active.load(std::memory_order_relaxed);
  if (k < 0) {
    k = int(kernels().size()) - 1;
    g_active.store(k, std::memory_order_relaxed);
  }
  return kernels()[size_t(k)];
}

}  // namespace

std::vector<const char*> available_kernels() {
  std::vector<const char*> names;
  for (const Kernel& k : kernels()) names.push_back(k.name);
  return names;
}

Status select_kernel(const char* name) {
  const std::vector<Kernel>& list = kernels();
  for (size_t k = 0; k < list.size(); k++) {
    if (std::strcmp(list[k].name, name) == 0) {
      g_active.store(int(k), std::memory_order_relaxed);
      g_avx2.store(list[k].avx2, std::memory_order_relaxed);
      return Status::kOk;
    }
  }
  return Status::kUnknownKernel;
}

const char* kernel_name() { return active().name; }

bool kernel_has_avx2() {
  int v = g_avx2.load(std::memory_order_relaxed);
  if (v < 0) {
    v = active().avx2;
    g_avx2.store(v, std::memory_order_relaxed);
  }
  return v;
}

ClassifyFn kernel_classifier(const char* name) {
  for (const Kernel& k : kernels())
    if (std::strcmp(k.name, name) == 0) return k.classify;
  return nullptr;
}

size_t scan_pieces(Family family, const uint8_t* s, size_t i, size_t n, size_t* ends, size_t max_ends) {
  const Kernel& k = active();
  if (!k.classify) return scan_pieces_scalar(family, s, i, n, ends, max_ends);
  return scan_pieces_masked(family, k.classify, s, i, n, ends, max_ends);
}

}  // namespace turbotoken
