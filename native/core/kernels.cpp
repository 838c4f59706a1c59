#include "kernels.h"

#include <atomic>
#include <cstring>

#include "arch/x86/bpe_x86.h"
#include "text/byte_classes.h"
#include "vocab/decode_lengths.h"
#include "pretok/scan_masked.h"
#include "text/utf8.h"

namespace turbotoken {

namespace {

struct Kernel {
  const char* name;
  ClassifyFn classify;  // null: the scalar scanners
  DirectMerge32Fn merge_direct32 = bpe_merge_direct32_scalar;
  Utf8ToUtf16Fn to_utf16 = utf8_to_utf16_scalar;
  Utf16ToUtf8Fn to_utf8 = utf16_to_utf8_scalar;
  SumTokenLengthsFn sum_lengths = sum_token_lengths_scalar;
  FindInSetFn find_in_set = find_in_set_scalar;
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

// The transcoders' 16-bit and 8-bit compress (Ice Lake and later, Zen 4).
bool cpu_has_vbmi2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("popcnt");
}

Kernel avx512_kernel() {
  Kernel k{"avx512", classify_avx512};
  if (cpu_has_avx2()) k.merge_direct32 = bpe_merge_direct32_avx2;
  k.sum_lengths = sum_token_lengths_avx512;
  if (cpu_has_avx2()) k.find_in_set = find_in_set_avx2;
  if (cpu_has_vbmi2()) {
    k.to_utf16 = utf8_to_utf16_avx512;
    k.to_utf8 = utf16_to_utf8_avx512;
  }
  return k;
}
#endif

// Every kernel this CPU can run, slowest first.
std::vector<Kernel> supported() {
  std::vector<Kernel> list{{"scalar", nullptr}};
#if defined(__x86_64__) || defined(_M_X64)
  list.push_back({"sse2", classify_sse2});
  if (cpu_has_avx2()) {
    Kernel k{"avx2", classify_avx2, bpe_merge_direct32_avx2};
    k.find_in_set = find_in_set_avx2;
    list.push_back(k);
  }
  if (cpu_has_avx512bw()) list.push_back(avx512_kernel());
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

// The active kernel (an element of kernels(), which never changes); null until first use picks
// the default. One load per call: the merge asks it for every piece it merges.
std::atomic<const Kernel*> g_active{nullptr};

const Kernel& active() {
  const Kernel* k = g_active.load(std::memory_order_relaxed);
  if (!k) {
    k = &kernels().back();
    g_active.store(k, std::memory_order_relaxed);
  }
  return *k;
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
      g_active.store(&list[k], std::memory_order_relaxed);
      return Status::kOk;
    }
  }
  return Status::kUnknownKernel;
}

const char* kernel_name() { return active().name; }

DirectMerge32Fn kernel_direct_merge32() { return active().merge_direct32; }

Utf8ToUtf16Fn kernel_utf8_to_utf16() { return active().to_utf16; }

Utf16ToUtf8Fn kernel_utf16_to_utf8() { return active().to_utf8; }

SumTokenLengthsFn kernel_sum_token_lengths() { return active().sum_lengths; }

FindInSetFn kernel_find_in_set() { return active().find_in_set; }

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
