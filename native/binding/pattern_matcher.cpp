#include "pattern_matcher.h"

#include <cstring>
#include <memory>
#include <vector>

#include "../core/pretok/custom_pieces.h"
#include "../core/regex/pike_vm.h"
#include "../core/regex/splitter.h"
#include "../core/text/utf8.h"
#include "error_texts.h"
#include "js_errors.h"
#include "native_encoding.h"
#include "out_of_memory.h"
#include "text_input.h"
#include "typed_arrays.h"

namespace turbotoken_binding {
namespace {

// findMatches(program: Uint32Array, bytes: Uint8Array): Uint32Array of
// [start, end) byte offsets of the non-empty matches, in pairs. The program is copied before it is checked, so a shared buffer changed by another
// thread cannot pass the check and then be read differently; the text is read with every index
// checked against its length, so a changing text gives other pieces but stays in bounds.
Napi::Value find_matches_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw_error(env, errors::find_matches_usage());
    return env.Undefined();
  }
  Napi::Uint32Array words = info[0].As<Napi::Uint32Array>();
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  std::vector<uint32_t> copy(words.ElementLength());
  if (!copy.empty()) std::memcpy(copy.data(), words.Data(), copy.size() * sizeof(uint32_t));
  turbotoken::regex::Program program;
  if (program.load(copy.data(), copy.size()) != turbotoken::regex::ProgramStatus::kOk) {
    throw_error(env, errors::malformed_pattern());
    return env.Undefined();
  }
  std::vector<uint32_t> ends;
  if (!turbotoken::regex::find_matches(program, bytes.Data(), bytes.ElementLength(), ends)) {
    throw_error(env, errors::matcher_text_too_long());
    return env.Undefined();
  }
  return to_uint32_array(env, ends);
}

// Marks the objects that wrap a Splitter: encodeSplit unwraps its argument only when it carries
// this tag, so another wrapped object dressed in PatternSplitter's prototype is refused, not read
// as a splitter.
constexpr napi_type_tag kSplitterTag = {0x7475726274736c70ULL, 0x6c69747465723031ULL};

// new PatternSplitter(steps: Uint32Array) (splitter.h's layout), kept for the life of the
// pattern or pre-tokenizer; split(bytes: Uint8Array): Uint32Array of [start, end) pairs;
// memoryBytes(): what its kept DFAs hold.
class SplitterWrap : public Napi::ObjectWrap<SplitterWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "PatternSplitter", {InstanceMethod<&SplitterWrap::split>("split"), InstanceMethod<&SplitterWrap::memory>("memoryBytes")});
  }

  explicit SplitterWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SplitterWrap>(info) {
    Napi::Uint32Array words;
    if (!uint32_array_argument(info, errors::splitter_usage(), &words)) return;
    const turbotoken::Status st = status_unless_out_of_memory([&] {
      // Copied first: a shared buffer changed by another thread must not be read twice differently.
      const std::vector<uint32_t> copy(words.Data(), words.Data() + words.ElementLength());
      return turbotoken::regex::Splitter::create(copy.data(), copy.size(), &splitter_) == turbotoken::regex::ProgramStatus::kOk
                 ? turbotoken::Status::kOk
                 : turbotoken::Status::kInvalidPieces;
    });
    if (st == turbotoken::Status::kOk) napi_type_tag_object(info.Env(), info.This(), &kSplitterTag);
    else throw_create_error(info.Env(), st, errors::malformed_pattern());
  }

  // The splitter a PatternSplitter object wraps, or null for any other value.
  static const turbotoken::regex::Splitter* of(Napi::Env env, const Napi::Value& v) {
    bool tagged = false;
    if (!v.IsObject() || napi_check_object_type_tag(env, v, &kSplitterTag, &tagged) != napi_ok || !tagged) return nullptr;
    SplitterWrap* wrap = Unwrap(v.As<Napi::Object>());
    return wrap ? wrap->splitter_.get() : nullptr;
  }

 private:
  Napi::Value split(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!splitter_ || !is_typed(info[0], napi_uint8_array)) {
      throw_error(env, errors::splitter_usage());
      return env.Undefined();
    }
    return value_unless_out_of_memory(env, [&]() -> Napi::Value {
      Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
      std::vector<uint32_t>& pieces = scratch();
      if (!splitter_->split(bytes.Data(), bytes.ElementLength(), pieces)) {
        throw_error(env, errors::matcher_text_too_long());
        return env.Undefined();
      }
      return scratch_to_uint32_array(env, pieces);
    });
  }

  Napi::Value memory(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), splitter_ ? double(splitter_->memory_bytes()) : 0);
  }

  static std::vector<uint32_t>& scratch() {
    static thread_local std::vector<uint32_t> pieces;
    return pieces;
  }

  std::unique_ptr<turbotoken::regex::Splitter> splitter_;
};

}  // namespace

// One call for what took three from JS (the text's UTF-8, the splitter's pieces, encodePieces):
// the pieces never leave native memory. Each run of touching pieces goes to encode_pieces, which
// merges them exactly as encodePieces did.
Napi::Value NativeEncoding::encode_split_pieces(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const turbotoken::regex::Splitter* splitter = SplitterWrap::of(env, info[0]);
  if (!splitter) return (throw_error(env, errors::encode_split_usage()), env.Undefined());
  static thread_local ByteBuffer storage;
  static thread_local std::vector<uint32_t> pieces, ends, ids;
  struct Release {  // a large text's buffers are not kept for the life of the thread
    ~Release() {
      if (storage.capacity() > (size_t(1) << 20)) ByteBuffer().swap(storage);
      if (pieces.capacity() > (size_t(1) << 18)) std::vector<uint32_t>().swap(pieces);
      if (ends.capacity() > (size_t(1) << 18)) std::vector<uint32_t>().swap(ends);
      if (ids.capacity() > (size_t(1) << 18)) std::vector<uint32_t>().swap(ids);
    }
  } release;
  TextInput text;
  if (!read_text(env, info[1], "text", storage, &text)) return env.Undefined();
  std::vector<uint8_t> repaired;
  if (text.may_be_invalid && turbotoken::valid_utf8_prefix(text.data, text.size) != text.size) {
    turbotoken::append_repaired_utf8(text.data, text.size, repaired);
    text.data = repaired.data();
    text.size = repaired.size();
  }
  if (!splitter->split(text.data, text.size, pieces)) return (throw_error(env, errors::matcher_text_too_long()), env.Undefined());
  ids.clear();
  for (size_t k = 0; k < pieces.size();) {
    const uint32_t from = pieces[k];
    ends.clear();
    for (; k < pieces.size() && (ends.empty() || pieces[k] == from + ends.back()); k += 2) ends.push_back(pieces[k + 1] - from);
    const turbotoken::Status st = turbotoken::encode_pieces(*core_, text.data + from, ends.back(), ends.data(), ends.size(), ids);
    if (throw_encode_error(env, *core_, st, turbotoken::SpecialMatch{})) return env.Undefined();
  }
  return to_uint32_array(env, ids);
}

void export_pattern_matcher(Napi::Env env, Napi::Object exports) {
  exports.Set("findMatches", Napi::Function::New(env, guarded_function<find_matches_js>));
  exports.Set("PatternSplitter", SplitterWrap::define(env));
}

}  // namespace turbotoken_binding
