// snappyDecompress(input, output, offset, length): the core's snappy decoder
// (native/core/codec/snappy.h) writing output[offset, offset + length), so that the CLI's Parquet
// reader (src/cli/formats/parquet.ts, through src/snappy.ts) decodes its pages into memory it
// reuses. The WebAssembly twin is native/wasm/snappy_api.cpp.
#include <cmath>
#include <cstring>
#include <vector>

#include "../core/codec/snappy.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"

namespace turbotoken_binding {
namespace {

bool is_uint8_array(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

// A whole number in [0, limit], read without rounding a fraction or NaN into range.
bool read_index(const Napi::Value& v, size_t limit, size_t* out) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= double(limit)) || std::floor(d) != d) return false;
  *out = size_t(d);
  return true;
}

// Undefined when output[offset, offset + length) holds the decoded stream; a corrupt stream
// throws ERR_CORRUPT_SNAPPY naming its fault (and leaves that range unspecified).
Napi::Value snappy_decompress_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!is_uint8_array(info[0]) || !is_uint8_array(info[1]) || !info[2].IsNumber() || !info[3].IsNumber()) {
    return thrown(env, errors::snappy_usage());
  }
  Napi::Uint8Array input = info[0].As<Napi::Uint8Array>();
  Napi::Uint8Array output = info[1].As<Napi::Uint8Array>();
  size_t offset = 0, length = 0;
  if (!read_index(info[2], output.ElementLength(), &offset) || !read_index(info[3], output.ElementLength() - offset, &length)) {
    return thrown(env, errors::snappy_range());
  }
  const uint8_t* in = input.Data();
  const size_t n = input.ElementLength();
  uint8_t* out = output.Data() + offset;
  // Input and output in one buffer: the decoder's writes must not change what it has yet to read.
  std::vector<uint8_t> copy;
  if (n != 0 && length != 0 && in < out + length && out < in + n) {
    copy.assign(in, in + n);
    in = copy.data();
  }
  const turbotoken::SnappyFault fault = turbotoken::snappy_decompress(in, n, out, length);
  if (fault != turbotoken::SnappyFault::kNone) return thrown(env, errors::corrupt_snappy(turbotoken::snappy_fault_text(fault)));
  return env.Undefined();
}

}  // namespace

void export_snappy(Napi::Env env, Napi::Object exports) {
  exports.Set("snappyDecompress", Napi::Function::New(env, guarded_function<snappy_decompress_js>));
}

}  // namespace turbotoken_binding
