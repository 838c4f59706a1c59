// Test-only part of the sanitizer build of the addon (scripts/asan-check.sh compiles it with
// -DTURBOTOKEN_TEST_HOOKS; the shipped addon has neither this file nor the hook).
//
// setRaceHook(view, pattern): from now on, each time the core has checked an input and is about to
// use it (native/core/test_hook.h), pattern's bytes are written over view's memory, as another
// thread could write a SharedArrayBuffer at that moment. setRaceHook() removes the hook. Both
// return how many times the hook ran since the last call.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "../../native/core/test_hook.h"

namespace turbotoken {
namespace test_hook {
void (*after_input_check)() = nullptr;
}  // namespace test_hook
}  // namespace turbotoken

namespace turbotoken_binding {
namespace {

uint8_t* g_target = nullptr;
size_t g_size = 0;
std::vector<uint8_t> g_pattern;
std::atomic<uint32_t> g_fired{0};

void rewrite() {
  std::memcpy(g_target, g_pattern.data(), std::min(g_size, g_pattern.size()));
  g_fired.fetch_add(1);
}

bool view_memory(napi_env env, napi_value value, uint8_t** data, size_t* bytes) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  size_t length, offset;
  void* p;
  napi_value buffer;
  if (napi_get_typedarray_info(env, value, &type, &length, &p, &buffer, &offset) != napi_ok) return false;
  const size_t width = type == napi_uint32_array ? 4 : type == napi_uint8_array ? 1 : 0;
  if (!width) return false;
  *data = static_cast<uint8_t*>(p);
  *bytes = length * width;
  return true;
}

Napi::Value set_race_hook(const Napi::CallbackInfo& info) {
  turbotoken::test_hook::after_input_check = nullptr;
  const uint32_t fired = g_fired.exchange(0);
  uint8_t* pattern;
  size_t pattern_bytes;
  if (info.Length() >= 2 && view_memory(info.Env(), info[0], &g_target, &g_size) &&
      view_memory(info.Env(), info[1], &pattern, &pattern_bytes)) {
    g_pattern.assign(pattern, pattern + pattern_bytes);
    turbotoken::test_hook::after_input_check = rewrite;
  }
  return Napi::Number::New(info.Env(), fired);
}

}  // namespace

void export_test_hooks(Napi::Env env, Napi::Object exports) {
  exports.Set("setRaceHook", Napi::Function::New(env, set_race_hook));
}

}  // namespace turbotoken_binding
