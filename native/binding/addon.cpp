// The addon's entry point: exports NativeEncoding, the kernel controls, and the functions the JS
// side registers (setErrorClass, setTwoByteProbe, setBufferText).
#include <napi.h>

#include <string>

#include "../core/bpe/bpe.h"
#include "../core/kernels.h"
#include "env_data.h"
#include "error_texts.h"
#include "js_errors.h"
#include "js_strings.h"
#include "native_encoding.h"
#include "out_of_memory.h"
#include "merge_list_binding.h"
#include "pattern_matcher.h"

namespace turbotoken_binding {

// new Trainer(...): the BPE trainer (train_binding.cpp).
void export_trainer(Napi::Env env, Napi::Object exports);
// checkProgram and largeBuffer, for Encoding.load (saved_file_binding.cpp).
void export_saved_file(Napi::Env env, Napi::Object exports);
// snappyDecompress, for the CLI's Parquet pages (snappy_binding.cpp).
void export_snappy(Napi::Env env, Napi::Object exports);

#ifdef TURBOTOKEN_TEST_HOOKS
// setRaceHook, in the sanitizer build only (test/sanitizer/race_hook.cpp, scripts/asan-check.sh).
void export_test_hooks(Napi::Env env, Napi::Object exports);
#endif

namespace {

Napi::Value set_error_class_js(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    throw_error(info.Env(), errors::error_class_type());
    return info.Env().Undefined();
  }
  set_error_class(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// setTwoByteProbe(probe): probe(text) says whether a sample of a long string shows it to be
// two-byte, so that the binding converts it to UTF-8 itself (text_input.cpp).
Napi::Value set_two_byte_probe_js(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    throw_error(info.Env(), errors::function_type());
    return info.Env().Undefined();
  }
  env_data(info.Env()).two_byte_probe = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// setBufferText(fn): fn(view) is the string of a Uint8Array of Latin-1 or a Uint16Array of UTF-16,
// made by Buffer's slices; decode() hands it text of 2^20 units and more (js_strings.h).
// setBufferText(undefined) goes back to V8's copy for every length (tests compare the two).
Napi::Value set_buffer_text_js(const Napi::CallbackInfo& info) {
  EnvData& d = env_data(info.Env());
  if (info[0].IsUndefined()) {
    d.buffer_text.Reset();
    release_large_text(info.Env());
  } else if (info[0].IsFunction()) {
    d.buffer_text = Napi::Persistent(info[0].As<Napi::Function>());
  } else {
    throw_error(info.Env(), errors::function_or_undefined_type());
  }
  return info.Env().Undefined();
}

// setMergeStrategy('auto' | 'direct' | 'heap' | 'long' | 'run' | 'windows'): process-wide, for tests (TURBOTOKEN_BPE).
Napi::Value set_merge_strategy_js(const Napi::CallbackInfo& info) {
  std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  turbotoken::MergeStrategy strategy;
  if (name == "auto") strategy = turbotoken::MergeStrategy::kByLength;
  else if (name == "direct") strategy = turbotoken::MergeStrategy::kDirect;
  else if (name == "heap") strategy = turbotoken::MergeStrategy::kHeap;
  else if (name == "long") strategy = turbotoken::MergeStrategy::kLong;
  else if (name == "run") strategy = turbotoken::MergeStrategy::kRun;
  else if (name == "windows") strategy = turbotoken::MergeStrategy::kWindows;
  else {
    throw_error(info.Env(), errors::merge_strategy());
    return info.Env().Undefined();
  }
  turbotoken::set_merge_strategy(strategy);
  return info.Env().Undefined();
}

// longMergePeak(): the most bytes the long-piece merges held at once since the last call, which
// starts the count again; process-wide, for tests (test/growth/long-piece-memory).
Napi::Value long_merge_peak_js(const Napi::CallbackInfo& info) {
  const size_t peak = turbotoken::long_merge_peak_bytes();
  turbotoken::reset_long_merge_peak_bytes();
  return Napi::Number::New(info.Env(), double(peak));
}

// selectKernel(name): process-wide (TURBOTOKEN_KERNEL); a RangeError names the kernels there are.
Napi::Value select_kernel_js(const Napi::CallbackInfo& info) {
  std::string name = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  if (turbotoken::select_kernel(name.c_str()) != turbotoken::Status::kOk) {
    std::string names;
    for (const char* k : turbotoken::available_kernels()) names += std::string(names.empty() ? "" : ", ") + k;
    throw_error(info.Env(), errors::unknown_kernel(name, "CPU", names));
  }
  return info.Env().Undefined();
}

Napi::Value kernel_js(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), turbotoken::kernel_name());
}

Napi::Value available_kernels(Napi::Env env) {
  std::vector<const char*> names = turbotoken::available_kernels();
  Napi::Array list = Napi::Array::New(env, names.size());
  for (uint32_t k = 0; k < names.size(); k++) list.Set(k, Napi::String::New(env, names[k]));
  return list;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("selectKernel", Napi::Function::New(env, guarded_function<select_kernel_js>));
  exports.Set("kernel", Napi::Function::New(env, guarded_function<kernel_js>));
  exports.Set("kernels", available_kernels(env));
  exports.Set("setMergeStrategy", Napi::Function::New(env, guarded_function<set_merge_strategy_js>));
  exports.Set("longMergePeak", Napi::Function::New(env, guarded_function<long_merge_peak_js>));
  exports.Set("NativeEncoding", NativeEncoding::define(env));
  exports.Set("setErrorClass", Napi::Function::New(env, guarded_function<set_error_class_js>));
  exports.Set("setTwoByteProbe", Napi::Function::New(env, guarded_function<set_two_byte_probe_js>));
  exports.Set("setBufferText", Napi::Function::New(env, guarded_function<set_buffer_text_js>));
  export_pattern_matcher(env, exports);
  export_merge_list(env, exports);
  export_trainer(env, exports);
  export_saved_file(env, exports);
  export_snappy(env, exports);
  exports.Set("backend", Napi::String::New(env, "native"));
#ifdef TURBOTOKEN_TEST_HOOKS
  export_test_hooks(env, exports);
#endif
  return exports;
}

}  // namespace
}  // namespace turbotoken_binding

static Napi::Object init_module(Napi::Env env, Napi::Object exports) {
  return turbotoken_binding::init(env, exports);
}

NODE_API_MODULE(turbotoken, init_module)
