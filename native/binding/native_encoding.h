// NativeEncoding: the JS-visible wrapper of one core Encoding. It only converts arguments and
// results; the TypeScript facade (src/) validates options and builds the public API on top.
#pragma once
#include <napi.h>

#include <memory>

#include "../core/encoding.h"
#include "text_input.h"

namespace turbotoken_binding {

class NativeEncoding : public Napi::ObjectWrap<NativeEncoding> {
 public:
  static Napi::Function define(Napi::Env env);
  // new NativeEncoding(vocab: Uint8Array, family: number, specialTexts: string[], specialIds: number[])
  explicit NativeEncoding(const Napi::CallbackInfo& info);

 private:
  void construct(const Napi::CallbackInfo& info);  // the constructor's body, inside value_unless_out_of_memory
  // The buffer set by setOutputBuffer; shared with the direct calls, which may outlive this object.
  struct OutputBuffer {
    Napi::Reference<Napi::Uint32Array> ref;  // keeps it alive
    uint32_t* data = nullptr;
    size_t capacity = 0;
  };
  // What the calls a server makes per request need (encode, count, encodePrefix, countUpTo,
  // decode, decodeBytes). Those are own properties of each object, made with a DirectCall as their
  // data, rather than methods: a method first finds its object's native half with napi_unwrap, a
  // private-property lookup that was a sixth of a short call.
  struct DirectCall {
    std::shared_ptr<const turbotoken::Encoding> core;
    std::shared_ptr<OutputBuffer> output;
  };
  template <Napi::Value (*Method)(const DirectCall&, const Napi::CallbackInfo&)>
  bool define_direct_call(Napi::Env env, Napi::Object self, const char* name);
  template <Napi::Value (*Method)(const DirectCall&, const Napi::CallbackInfo&)>
  static Napi::Value call_direct(const Napi::CallbackInfo& info);
  // A method as registered with JS: out of memory becomes ERR_OUT_OF_MEMORY (out_of_memory.h).
  template <Napi::Value (NativeEncoding::*Method)(const Napi::CallbackInfo&)>
  Napi::Value guarded(const Napi::CallbackInfo& info);

  // encode and count (and their async twins) take an optional 4th argument, threads: a long text
  // is then split at safe cuts and encoded on that many native threads (split_encode.h).
  static Napi::Value encode(const DirectCall& call, const Napi::CallbackInfo& info);  // (text, allowed?, disallowed?, threads?) -> Uint32Array
  static Napi::Value count(const DirectCall& call, const Napi::CallbackInfo& info);   // (text, allowed?, disallowed?, threads?) -> number
  static Napi::Value decode(const DirectCall& call, const Napi::CallbackInfo& info);       // (ids: Uint32Array) -> string
  static Napi::Value decode_bytes(const DirectCall& call, const Napi::CallbackInfo& info); // (ids: Uint32Array) -> Uint8Array
  Napi::Value token_bytes(const Napi::CallbackInfo& info);  // (id) -> Uint8Array | null
  Napi::Value single_token(const Napi::CallbackInfo& info); // (bytes: Uint8Array) -> number (-1: none)
  Napi::Value info(const Napi::CallbackInfo& info);         // -> { maxTokenValue, memoryBytes }
  // (out: Uint32Array): later encode() calls whose ids fit write them there and return their
  // count instead of a new array; allocating a typed array costs more than a short encode.
  Napi::Value set_output_buffer(const Napi::CallbackInfo& info);
  // Promise-returning twins of encode / count / decode, run on libuv's thread pool.
  Napi::Value encode_async(const Napi::CallbackInfo& info);  // (text, allowed?, disallowed?)
  Napi::Value count_async(const Napi::CallbackInfo& info);   // (text, allowed?, disallowed?)
  Napi::Value decode_async(const Napi::CallbackInfo& info);  // (ids: Uint32Array)
  // (texts: Array<string | Uint8Array>, allowed?, disallowed?, threads: number, countOnly: boolean)
  //   -> { tokens: Uint32Array, offsets: Uint32Array } or, counting, Uint32Array of counts
  Napi::Value batch(const Napi::CallbackInfo& info);
  // (text, allowed?, disallowed?, maxTokens) -> Uint32Array: the first maxTokens ids, early stop.
  static Napi::Value encode_prefix(const DirectCall& call, const Napi::CallbackInfo& info);
  // (text, allowed?, disallowed?, limit) -> number: exact when <= limit, else some number > limit.
  static Napi::Value count_up_to(const DirectCall& call, const Napi::CallbackInfo& info);
  // (text, allowed?, disallowed?) -> { tokens, offsets (UTF-16), byteOffsets (UTF-8) }
  Napi::Value encode_with_offsets(const Napi::CallbackInfo& info);
  // (text) -> Uint32Array: every byte position where core/safe_cut.h allows a cut (for tests).
  Napi::Value safe_cuts(const Napi::CallbackInfo& info);
  // (text) -> Uint32Array: where each piece of the encoding's native scanner ends, the whole text
  // read as ordinary text (the inference helpers tokenize these pieces their own ways).
  Napi::Value piece_ends(const Napi::CallbackInfo& info);

  // (bytes: Uint8Array, ends: Uint32Array) -> Uint32Array: caller-delimited pieces, merged
  Napi::Value encode_pieces(const Napi::CallbackInfo& info);
  // (splitter: PatternSplitter, text) -> Uint32Array: the text cut by the splitter and its pieces
  // merged, in one call (defined in pattern_matcher.cpp, beside the splitter's wrapper).
  Napi::Value encode_split_pieces(const Napi::CallbackInfo& info);
  // (checkReachable: boolean) -> every ordinary token at once (vocabulary_table_binding.cpp)
  Napi::Value vocabulary_table(const Napi::CallbackInfo& info);
  // (ids: Uint32Array) -> boolean: Encoding::is_canonical (canonical_binding.cpp)
  Napi::Value is_canonical(const Napi::CallbackInfo& info);

  Napi::Value start_text_job(const Napi::CallbackInfo& info, int kind);

  std::shared_ptr<const turbotoken::Encoding> core_;
  std::shared_ptr<OutputBuffer> output_ = std::make_shared<OutputBuffer>();
};

}  // namespace turbotoken_binding
