#include "native_encoding.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../core/text/utf8.h"
#include "async_jobs.h"
#include "batch_pipeline.h"
#include "../core/pretok/custom_pieces.h"
#include "error_texts.h"
#include "js_errors.h"
#include "js_strings.h"
#include "out_of_memory.h"
#include "returned_ids.h"
#include "split_encode.h"
#include "text_input.h"
#include "typed_arrays.h"

namespace turbotoken_binding {

using turbotoken::Encoding;
using turbotoken::SpecialMatch;
using turbotoken::SpecialPolicy;
using turbotoken::Status;

namespace {

// Reused per thread so that short calls allocate nothing but their result. One thread_local
// for both: the addon is a shared library, where every thread_local it names costs a call to
// __tls_get_addr (14 such calls were compiled into encode()).
struct Scratch {
  ByteBuffer text;
  std::vector<uint32_t> ids;
  size_t ids_touched = 0;  // the most ids held since `ids` was last freed: the pages in use
  bool large_text_kept = false;  // this thread's environment keeps a large decode's buffer
};
// Not inlined, so that the compiler keeps the address it returns rather than asking again.
__attribute__((noinline)) Scratch& thread_scratch() {
  thread_local Scratch s;
  return s;
}

// The buffers keep their memory for the next call: regrowing the ids from empty cost every 10 MB
// encode its copies and fresh page faults (7% of encode() on the mixed corpus). A call that used
// under a quarter of a large buffer frees it, so one large call does not pin memory through a
// stream of small ones (a 100 MB string left its 300 MB text buffer, 100 MB of it resident, until
// the thread ended). A CallScratch on the stack of every entry point hands out the buffers and
// applies the rule however the call returns; a call that does not use a buffer counts as using
// none of it.
void trim_scratch(Scratch& s) {
  constexpr size_t kAlwaysKeptIds = size_t(1) << 18;  // 1 MB of ids
  // Measured against the pages touched, not the capacity: a large encode reserves room for the
  // most ids its text could give (reserve_ids_for_text), of which a stream of such calls touches
  // only what it fills.
  s.ids_touched = s.ids.capacity() ? std::max(s.ids_touched, s.ids.size()) : 0;  // 0: handed to JS
  if (s.ids.capacity() > kAlwaysKeptIds && s.ids.size() < s.ids_touched / 4) {
    std::vector<uint32_t>().swap(s.ids);
    s.ids_touched = 0;
  }
  if (s.text.capacity() >= kLargeBuffer && s.text.size() < s.text.capacity() / 4) ByteBuffer().swap(s.text);
}

enum ScratchUse : unsigned { kNoScratch = 0, kUsesText = 1, kUsesIds = 2 };

class CallScratch {
 public:
  CallScratch(napi_env env, unsigned uses) : s_(thread_scratch()), env_(env), uses_(uses), text(s_.text), ids(s_.ids) {
    // A collected result's block (returned_ids.h), for a call that fills ids: any other call
    // would only free it.
    if (uses & kUsesIds) take_returned_block(s_.ids, 0, &s_.ids_touched);
  }
  CallScratch(const CallScratch&) = delete;
  CallScratch& operator=(const CallScratch&) = delete;
  ~CallScratch() {
    if (!(uses_ & kUsesText)) s_.text.clear();
    if (!(uses_ & kUsesIds)) s_.ids.clear();
    trim_scratch(s_);
    // The buffer of a large decode (js_strings.h) serves a stream of large decodes; any other
    // call gives it back.
    if (s_.large_text_kept && !kept_large_text_) {
      release_large_text(env_);
      s_.large_text_kept = false;
    }
  }
  // The call uses these buffers after all (a shared input copied into them).
  void uses(unsigned more) { uses_ |= more; }
  // For a large encode: a block of a result JS has collected, if ids has less memory.
  void reclaim_collected(napi_env env) const { reclaim_collected_results(env, s_.ids, &s_.ids_touched); }
  // This call decoded into the environment's large-text buffer, which stays for the next call.
  void kept_large_text() {
    kept_large_text_ = true;
    s_.large_text_kept = true;
  }

 private:
  Scratch& s_;
  napi_env env_;
  unsigned uses_;
  bool kept_large_text_ = false;

 public:
  ByteBuffer& text;
  std::vector<uint32_t>& ids;
};

bool get_uint8_array(napi_env env, napi_value v, const uint8_t** data, size_t* len) {
  void* p;
  if (!typed_array_data(env, v, napi_uint8_array, &p, len)) return false;
  *data = static_cast<const uint8_t*>(p);
  return true;
}

bool get_uint32_array(napi_env env, napi_value v, const uint32_t** data, size_t* len) {
  void* p;
  if (!typed_array_data(env, v, napi_uint32_array, &p, len)) return false;
  *data = static_cast<const uint32_t*>(p);
  return true;
}

// Ids to read more than once (a decode checks them, then copies their bytes): those of a
// SharedArrayBuffer, which another thread may change meanwhile, are copied into `copy` first.
bool get_ids_once(napi_env env, napi_value v, CallScratch& scratch, const uint32_t** data, size_t* len) {
  void* p;
  bool shared = false;
  if (!typed_array_data(env, v, napi_uint32_array, &p, len, &shared)) return false;
  *data = static_cast<const uint32_t*>(p);
  if (shared) {
    scratch.uses(kUsesIds);
    scratch.ids.assign(*data, *data + *len);
    *data = scratch.ids.data();
  }
  return true;
}

// The ids of an encode as a Uint32Array. Up to a megabyte they are copied out of the thread's
// scratch, which the next call reuses; a larger result takes the scratch vector's memory over, so
// that the call's peak holds its ids once, not twice (docs/performance.md, peak memory).
Napi::Value ids_result(Napi::Env env, std::vector<uint32_t>& ids) {
  const size_t count = ids.size();
  if (count >= kAdoptedIds) {
    if (napi_value ab = adopt_ids_block(env, ids)) return Napi::Value(env, typed_view(env, napi_uint32_array, count, ab));
  }
  return to_uint32_array(env, ids);
}

Napi::Value throw_ids_type(Napi::Env env) {
  return thrown(env, errors::ids_type());
}

// A count or limit argument: a number >= 0; Infinity and anything past size_t mean "no limit".
size_t size_arg(const Napi::Value& v) {
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0;
  if (!(d >= 0)) return 0;
  return d >= 9007199254740992.0 ? SIZE_MAX : size_t(d);
}

// The optional thread count at info[3] (1 when absent).
unsigned threads_arg(const Napi::CallbackInfo& info) {
  if (info.Length() < 4 || !info[3].IsNumber()) return 1;
  return std::max(1u, info[3].As<Napi::Number>().Uint32Value());
}

// The ids argument and its decoded length; false with a pending JS error.
bool decode_ids(const Napi::CallbackInfo& info, const Encoding& core, CallScratch& scratch,
                const uint32_t** ids, size_t* n, size_t* total) {
  Napi::Env env = info.Env();
  if (!get_ids_once(env, info[0], scratch, ids, n)) {
    throw_ids_type(env);
    return false;
  }
  size_t bad = 0;
  Status st = core.decoded_length(*ids, *n, total, &bad);
  if (st != Status::kOk) {
    throw_decode_error(env, st, *ids, bad);
    return false;
  }
  return true;
}

}  // namespace

Napi::Function NativeEncoding::define(Napi::Env env) {
  return DefineClass(env, "NativeEncoding",
                     {
                         InstanceMethod("tokenBytes", &NativeEncoding::guarded<&NativeEncoding::token_bytes>),
                         InstanceMethod("singleToken", &NativeEncoding::guarded<&NativeEncoding::single_token>),
                         InstanceMethod("info", &NativeEncoding::guarded<&NativeEncoding::info>),
                         InstanceMethod("setOutputBuffer", &NativeEncoding::guarded<&NativeEncoding::set_output_buffer>),
                         InstanceMethod("encodeAsync", &NativeEncoding::guarded<&NativeEncoding::encode_async>),
                         InstanceMethod("countAsync", &NativeEncoding::guarded<&NativeEncoding::count_async>),
                         InstanceMethod("decodeAsync", &NativeEncoding::guarded<&NativeEncoding::decode_async>),
                         InstanceMethod("batch", &NativeEncoding::guarded<&NativeEncoding::batch>),
                         InstanceMethod("encodeWithOffsets", &NativeEncoding::guarded<&NativeEncoding::encode_with_offsets>),
                         InstanceMethod("safeCuts", &NativeEncoding::guarded<&NativeEncoding::safe_cuts>),
                         InstanceMethod("pieceEnds", &NativeEncoding::guarded<&NativeEncoding::piece_ends>),
                         InstanceMethod("encodePieces", &NativeEncoding::guarded<&NativeEncoding::encode_pieces>),
                         InstanceMethod("encodeSplit", &NativeEncoding::guarded<&NativeEncoding::encode_split_pieces>),
                         InstanceMethod("vocabularyTable", &NativeEncoding::guarded<&NativeEncoding::vocabulary_table>),
                         InstanceMethod("isCanonical", &NativeEncoding::guarded<&NativeEncoding::is_canonical>),
                     });
}

// The function's data is its own DirectCall (the core and the output buffer, shared), deleted
// when the function is collected: the function may outlive this object, and still works. It is
// a read-only, non-enumerable property, defined (not assigned, which a setter up the prototype
// chain could intercept). False, with a JS error pending, when V8 refused any step.
template <Napi::Value (*Method)(const NativeEncoding::DirectCall&, const Napi::CallbackInfo&)>
bool NativeEncoding::define_direct_call(Napi::Env env, Napi::Object self, const char* name) {
  auto* call = new DirectCall{core_, output_};
  Napi::Function fn = Napi::Function::New<&NativeEncoding::call_direct<Method>>(env, name, call);
  auto free_call = [](napi_env, void* data, void*) { delete static_cast<DirectCall*>(data); };
  if (fn.IsEmpty() || napi_add_finalizer(env, fn, call, free_call, nullptr, nullptr) != napi_ok) {
    delete call;
    return false;
  }
  return self.DefineProperty(Napi::PropertyDescriptor::Value(name, fn, napi_default));
}

template <Napi::Value (*Method)(const NativeEncoding::DirectCall&, const Napi::CallbackInfo&)>
Napi::Value NativeEncoding::call_direct(const Napi::CallbackInfo& info) {
  return value_unless_out_of_memory(info.Env(), [&] { return Method(*static_cast<const DirectCall*>(info.Data()), info); });
}

template <Napi::Value (NativeEncoding::*Method)(const Napi::CallbackInfo&)>
Napi::Value NativeEncoding::guarded(const Napi::CallbackInfo& info) {
  return value_unless_out_of_memory(info.Env(), [&] { return (this->*Method)(info); });
}

NativeEncoding::NativeEncoding(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeEncoding>(info) {
  value_unless_out_of_memory(info.Env(), [&] {
    construct(info);
    return Napi::Value();
  });
}

void NativeEncoding::construct(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  turbotoken::EncodingSpec spec;
  if (info.Length() < 4 || !get_uint8_array(env, info[0], &spec.vocab_blob, &spec.vocab_size) ||
      !info[1].IsNumber() || !info[2].IsArray() || !info[3].IsArray()) {
    throw_error(env, errors::constructor_usage());
    return;
  }
  uint32_t family = info[1].As<Napi::Number>().Uint32Value();
  if (family >= uint32_t(turbotoken::kFamilyCount)) {
    throw_error(env, errors::unknown_family());
    return;
  }
  spec.family = static_cast<turbotoken::Family>(family);
  Napi::Array texts = info[2].As<Napi::Array>();
  Napi::Array ids = info[3].As<Napi::Array>();
  for (uint32_t k = 0; k < texts.Length(); k++) {
    Napi::Value text = texts.Get(k), id = ids.Get(k);
    if (env.IsExceptionPending()) return;  // a getter threw
    if (!text.IsString() || !id.IsNumber()) {
      throw_error(env, errors::special_token_types());
      return;
    }
    spec.specials.push_back({text.As<Napi::String>().Utf8Value(), id.As<Napi::Number>().Uint32Value()});
  }
  Status st = Encoding::create(spec, &core_);
  if (st != Status::kOk) {
    throw_error(env, errors::invalid_vocabulary(turbotoken::status_name(st)));
    return;
  }
  Napi::Object self = info.This().As<Napi::Object>();
  // Each stops at the first refusal (an exception is then pending and the constructor throws).
  define_direct_call<&NativeEncoding::encode>(env, self, "encode") &&
      define_direct_call<&NativeEncoding::count>(env, self, "count") &&
      define_direct_call<&NativeEncoding::encode_prefix>(env, self, "encodePrefix") &&
      define_direct_call<&NativeEncoding::count_up_to>(env, self, "countUpTo") &&
      define_direct_call<&NativeEncoding::decode>(env, self, "decode") &&
      define_direct_call<&NativeEncoding::decode_bytes>(env, self, "decodeBytes");
}

namespace {

// The mask is looked for first: node-addon-api's IsUndefined() and IsNull() each ask napi_typeof,
// which tests the value against up to ten types one call at a time.
bool read_policy(const Napi::CallbackInfo& info, const Encoding& core, SpecialPolicy* policy) {
  size_t n = core.specials().size();
  const uint8_t* masks[2] = {nullptr, nullptr};
  for (int k = 0; k < 2; k++) {
    if (info.Length() <= size_t(1 + k)) continue;
    napi_value v = info[1 + k];
    size_t len = 0;
    const bool is_mask = get_uint8_array(info.Env(), v, &masks[k], &len);
    if (is_mask ? len == n : is_null_or_undefined(info.Env(), v)) continue;
    throw_error(info.Env(), errors::mask_type());
    return false;
  }
  policy->allowed = masks[0];
  policy->disallowed = masks[1];
  return true;
}

// The text at info[0] (a string is converted into `storage`) and the special-token masks at
// info[1..2]; false with a TypeError pending when either is malformed.
bool read_text_and_policy(const Napi::CallbackInfo& info, const Encoding& core, ByteBuffer& storage, TextInput* text,
                          SpecialPolicy* policy) {
  return read_text(info.Env(), info[0], "text", storage, text) && read_policy(info, core, policy);
}

}  // namespace

Napi::Value NativeEncoding::encode(const DirectCall& call, const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText | kUsesIds);
  Napi::Env env = info.Env();
  const Encoding& core = *call.core;
  TextInput text;
  SpecialPolicy policy;
  if (!read_text_and_policy(info, core, scratch.text, &text, &policy)) return env.Undefined();
  scratch.ids.clear();
  if (text.size >= kAdoptedIds) scratch.reclaim_collected(env);
  reserve_ids_for_text(scratch.ids, text.size);
  SpecialMatch bad;
  unsigned threads = threads_arg(info);
  Status st = threads > 1 ? encode_split(core, text.data, text.size, text.may_be_invalid, policy, threads, &scratch.ids, nullptr, &bad)
                          : core.encode(text.data, text.size, text.may_be_invalid, policy, scratch.ids, &bad);
  if (throw_encode_error(env, core, st, bad)) return env.Undefined();
  size_t count = scratch.ids.size();
  const OutputBuffer& out = *call.output;
  if (out.data && count <= out.capacity) {
    if (count) std::memcpy(out.data, scratch.ids.data(), count * 4);
    return Napi::Number::New(env, double(count));
  }
  return ids_result(env, scratch.ids);
}

Napi::Value NativeEncoding::count(const DirectCall& call, const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText);
  Napi::Env env = info.Env();
  const Encoding& core = *call.core;
  TextInput text;
  SpecialPolicy policy;
  if (!read_text_and_policy(info, core, scratch.text, &text, &policy)) return env.Undefined();
  size_t n = 0;
  SpecialMatch bad;
  Status st = encode_split(core, text.data, text.size, text.may_be_invalid, policy, threads_arg(info), nullptr, &n, &bad);
  if (throw_encode_error(env, core, st, bad)) return env.Undefined();
  return Napi::Number::New(env, double(n));
}

Napi::Value NativeEncoding::encode_prefix(const DirectCall& call, const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText | kUsesIds);
  const Encoding& core = *call.core;
  Napi::Env env = info.Env();
  TextInput text;
  SpecialPolicy policy;
  if (!read_text_and_policy(info, core, scratch.text, &text, &policy)) return env.Undefined();
  scratch.ids.clear();
  SpecialMatch bad;
  Status st = core.encode_prefix(text.data, text.size, text.may_be_invalid, policy, size_arg(info[3]), scratch.ids, &bad);
  if (throw_encode_error(env, core, st, bad)) return env.Undefined();
  return ids_result(env, scratch.ids);
}

Napi::Value NativeEncoding::count_up_to(const DirectCall& call, const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText);
  const Encoding& core = *call.core;
  Napi::Env env = info.Env();
  TextInput text;
  SpecialPolicy policy;
  if (!read_text_and_policy(info, core, scratch.text, &text, &policy)) return env.Undefined();
  size_t n = 0;
  SpecialMatch bad;
  Status st = core.count_up_to(text.data, text.size, text.may_be_invalid, policy, size_arg(info[3]), &n, &bad);
  if (throw_encode_error(env, core, st, bad)) return env.Undefined();
  return Napi::Number::New(env, double(n));
}

Napi::Value NativeEncoding::encode_with_offsets(const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText);
  Napi::Env env = info.Env();
  TextInput text;
  SpecialPolicy policy;
  if (!read_text_and_policy(info, *core_, scratch.text, &text, &policy)) return env.Undefined();
  if (text.size > 0xFFFFFFFFu) return thrown(env, errors::offsets_too_long());
  std::vector<uint32_t> ids, bytes, units;
  SpecialMatch bad;
  Status st = core_->encode_with_offsets(text.data, text.size, text.may_be_invalid, policy, ids, bytes, units, &bad);
  if (throw_encode_error(env, *core_, st, bad)) return env.Undefined();
  Napi::Object out = Napi::Object::New(env);
  const char* names[] = {"tokens", "offsets", "byteOffsets"};
  const std::vector<uint32_t>* arrays[] = {&ids, &units, &bytes};
  for (int k = 0; k < 3; k++) {
    Napi::Value array = to_uint32_array(env, *arrays[k]);
    if (array.IsEmpty()) return env.Undefined();  // an exception is pending
    out.Set(names[k], array);
  }
  return out;
}

namespace {

// Byte positions the core computes over a text (after U+FFFD repair), as a Uint32Array.
using PositionsFn = void (Encoding::*)(const uint8_t*, size_t, bool, std::vector<uint32_t>&) const;
Napi::Value text_positions(const Napi::CallbackInfo& info, const Encoding& core, PositionsFn fn) {
  const CallScratch scratch(info.Env(), kUsesText);
  Napi::Env env = info.Env();
  TextInput text;
  if (!read_text(env, info[0], "text", scratch.text, &text)) return env.Undefined();
  std::vector<uint32_t> positions;
  (core.*fn)(text.data, text.size, text.may_be_invalid, positions);
  return to_uint32_array(env, positions);
}

}  // namespace

Napi::Value NativeEncoding::safe_cuts(const Napi::CallbackInfo& info) {
  return text_positions(info, *core_, &Encoding::safe_cuts);
}

Napi::Value NativeEncoding::piece_ends(const Napi::CallbackInfo& info) {
  return text_positions(info, *core_, &Encoding::piece_ends);
}

Napi::Value NativeEncoding::decode(const DirectCall& call, const Napi::CallbackInfo& info) {
  CallScratch scratch(info.Env(), kNoScratch);
  Napi::Env env = info.Env();
  const uint32_t* ids;
  size_t n;
  if (!get_ids_once(env, info[0], scratch, &ids, &n)) return throw_ids_type(env);
  bool kept = false;
  Napi::Value text = decode_to_string(env, *call.core, ids, n, &kept);
  if (kept) scratch.kept_large_text();
  return text.IsEmpty() ? env.Undefined() : text;
}

Napi::Value NativeEncoding::decode_bytes(const DirectCall& call, const Napi::CallbackInfo& info) {
  CallScratch scratch(info.Env(), kNoScratch);
  const Encoding& core = *call.core;
  const uint32_t* ids;
  size_t n, total;
  if (!decode_ids(info, core, scratch, &ids, &n, &total)) return info.Env().Undefined();
  // Straight into the result's memory: no second copy.
  void* memory;
  napi_value ab = unfilled_array_buffer(info.Env(), total, &memory);
  if (!ab) return info.Env().Undefined();  // an exception is pending, or the environment terminates
  if (total) core.decode_into(ids, n, static_cast<uint8_t*>(memory), total);
  napi_value view = typed_view(info.Env(), napi_uint8_array, total, ab);
  return view ? Napi::Value(info.Env(), view) : info.Env().Undefined();
}

Napi::Value NativeEncoding::token_bytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint8_t* data;
  size_t len;
  if (!info[0].IsNumber() || !core_->token_bytes(info[0].As<Napi::Number>().Uint32Value(), &data, &len))
    return env.Null();
  return copied_typed_array(env, napi_uint8_array, data, len);
}

Napi::Value NativeEncoding::single_token(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint8_t* data;
  size_t len;
  if (!get_uint8_array(env, info[0], &data, &len)) return thrown(env, errors::bytes_type());
  uint32_t id = core_->single_token(data, len);
  return Napi::Number::New(env, id == turbotoken::kNoRank ? -1.0 : double(id));
}

Napi::Value NativeEncoding::encode_pieces(const Napi::CallbackInfo& info) {
  CallScratch scratch(info.Env(), kUsesIds);
  Napi::Env env = info.Env();
  const uint8_t* bytes;
  const uint32_t* ends;
  size_t size, count;
  void *p, *q;
  bool shared_bytes = false, shared_ends = false;
  if (!typed_array_data(env, info[0], napi_uint8_array, &p, &size, &shared_bytes) ||
      !typed_array_data(env, info[1], napi_uint32_array, &q, &count, &shared_ends)) {
    return thrown(env, errors::encode_pieces_usage());
  }
  bytes = static_cast<const uint8_t*>(p);
  ends = static_cast<const uint32_t*>(q);
  // Shared memory, which another thread may change between the checks and the use, is read once.
  std::vector<uint32_t> own_ends;
  if (shared_ends) {
    own_ends.assign(ends, ends + count);
    ends = own_ends.data();
  }
  if (shared_bytes) {
    scratch.text.assign(bytes, bytes + size);
    bytes = size ? scratch.text.data() : bytes;
    scratch.uses(kUsesText);
  }
  scratch.ids.clear();
  Status st = turbotoken::encode_pieces(*core_, bytes, size, ends, count, scratch.ids);
  if (throw_encode_error(env, *core_, st, SpecialMatch{})) return env.Undefined();
  return ids_result(env, scratch.ids);
}

Napi::Value NativeEncoding::set_output_buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t* data;
  size_t len;
  if (!get_uint32_array(env, info[0], &data, &len)) {
    return thrown(env, errors::output_buffer_type());
  }
  output_->ref = Napi::Persistent(info[0].As<Napi::Uint32Array>());
  output_->data = const_cast<uint32_t*>(data);
  output_->capacity = len;
  return env.Undefined();
}

Napi::Value NativeEncoding::info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxTokenValue", Napi::Number::New(env, core_->max_token_value()));
  o.Set("memoryBytes", Napi::Number::New(env, double(core_->vocab().memory_bytes())));
  return o;
}

namespace {

OwnedPolicy own(const SpecialPolicy& p, size_t n) {
  OwnedPolicy o;
  o.has_allowed = p.allowed != nullptr;
  o.has_disallowed = p.disallowed != nullptr;
  if (p.allowed) o.allowed.assign(p.allowed, p.allowed + n);
  if (p.disallowed) o.disallowed.assign(p.disallowed, p.disallowed + n);
  return o;
}

}  // namespace

Napi::Value NativeEncoding::start_text_job(const Napi::CallbackInfo& info, int kind) {
  const CallScratch scratch(info.Env(), kNoScratch);
  Napi::Env env = info.Env();
  TextInput text;
  SpecialPolicy policy;
  JobInput job;
  // A long string (kLongStringUnits) is copied as UTF-16 and converted on the worker; a shorter
  // one is converted on this thread straight into the job's own buffer, by V8 or, if it is
  // two-byte and over 16K units, by the core (read_text); bytes are copied, since the caller may
  // change them while the job runs.
  if (read_long_string(env, info[0], &job.long_text, &job.discard)) {
    text.may_be_invalid = false;
  } else {
    SpareBuffer::take(0, &job.discard);
    if (!read_text(env, info[0], "text", job.text, &text)) return env.Undefined();
    if (text.data == job.text.data()) job.text.resize(text.size);
    else job.text.assign(text.data, text.data + text.size);
  }
  if (!read_policy(info, *core_, &policy)) return env.Undefined();
  job.kind = static_cast<JobKind>(kind);
  job.core = core_;
  job.may_be_invalid = text.may_be_invalid;
  job.policy = own(policy, core_->specials().size());
  job.threads = threads_arg(info);
  if (job.kind == JobKind::kEncode && (job.long_text.buffer.data() || text.size >= kAdoptedIds)) {
    size_t touched = 0;
    reclaim_collected_results(env, job.result_block, &touched);
  }
  return Napi::Value(env, start_job(env, std::move(job)));
}

Napi::Value NativeEncoding::encode_async(const Napi::CallbackInfo& info) {
  return start_text_job(info, int(JobKind::kEncode));
}

Napi::Value NativeEncoding::count_async(const Napi::CallbackInfo& info) {
  return start_text_job(info, int(JobKind::kCount));
}

Napi::Value NativeEncoding::decode_async(const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kNoScratch);
  Napi::Env env = info.Env();
  const uint32_t* ids;
  size_t n;
  if (!get_uint32_array(env, info[0], &ids, &n)) return throw_ids_type(env);
  JobInput job;
  job.kind = JobKind::kDecode;
  job.core = core_;
  job.ids.assign(ids, ids + n);
  return Napi::Value(env, start_job(env, std::move(job)));
}

// The list's length and each element are read once, in order: a getter runs once, and one that
// throws (or grows the list) leaves its own exception, not a second read's, and never a napi
// failure that node-addon-api would make fatal.
Napi::Value NativeEncoding::batch(const Napi::CallbackInfo& info) {
  const CallScratch scratch(info.Env(), kUsesText);
  Napi::Env env = info.Env();
  SpecialPolicy policy;
  napi_value list = info[0];
  bool is_array = false;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array || !read_policy(info, *core_, &policy)) {
    throw_error(env, errors::texts_type());  // unless one is pending
    return env.Undefined();
  }
  uint32_t n = 0;
  napi_value count_only;
  bool counting = false;
  if (napi_get_array_length(env, list, &n) != napi_ok || napi_coerce_to_bool(env, info[4], &count_only) != napi_ok ||
      napi_get_value_bool(env, count_only, &counting) != napi_ok)
    return env.Undefined();
  const unsigned threads = std::max(1u, std::min<unsigned>(info[3].IsNumber() ? info[3].As<Napi::Number>().Uint32Value() : 1, n));
  // measures (analyze): a Float64Array that gets [bytes, characters, words] of the texts added.
  void* measures = nullptr;
  size_t measures_length = 0;
  if (!typed_array_data(env, info[5], napi_float64_array, &measures, &measures_length) || measures_length < 3) measures = nullptr;
  // histogram (analyze): a Float64Array of at least max_token_value + 1 that gets each id's count
  // added; the ids are then not returned, only the counts per text.
  void* histogram_data = nullptr;
  size_t histogram_length = 0;
  const size_t ids = size_t(core_->max_token_value()) + 1;
  if (!typed_array_data(env, info[6], napi_float64_array, &histogram_data, &histogram_length) || histogram_length < ids) histogram_data = nullptr;
  IdHistogram histogram(histogram_data ? ids : 0);
  BatchPipeline pipeline(core_, own(policy, core_->specials().size()), counting || histogram_data, threads, n, measures != nullptr,
                         histogram_data ? &histogram : nullptr);
  for (uint32_t k = 0; k < n; k++) {
    napi_value item;
    // Fails with the getter's exception pending, or with none while the environment terminates.
    if (napi_get_element(env, list, k, &item) != napi_ok || !item) return env.Undefined();
    size_t units, written = 0;
    if (short_string_units(env, item, &units)) {
      // A UTF-16 unit never needs more than 3 bytes; +1 for napi's terminator.
      const size_t capacity = units * 3 + 1;
      if (!write_utf8(env, item, pipeline.reserve(capacity), capacity, &written)) return env.Undefined();
      pipeline.commit(written, false);
      continue;
    }
    TextInput text;
    if (!read_text(env, item, "texts", k, scratch.text, &text)) return env.Undefined();
    pipeline.add(text.data, text.size, text.may_be_invalid);
  }
  BatchResult result = pipeline.finish();
  if (throw_encode_error(env, *core_, result.status, result.offending)) return env.Undefined();
  // Each array read again: a getter of the texts may have detached it while they were read.
  if (measures && typed_array_data(env, info[5], napi_float64_array, &measures, &measures_length) && measures_length >= 3) {
    double* m = static_cast<double*>(measures);
    m[0] += double(result.measures.bytes);
    m[1] += double(result.measures.characters);
    m[2] += double(result.measures.words);
  }
  if (histogram_data && typed_array_data(env, info[6], napi_float64_array, &histogram_data, &histogram_length) && histogram_length >= ids)
    histogram.add_to(static_cast<double*>(histogram_data));
  Napi::Value counts = to_uint32_array(env, result.counts);
  if (counts.IsEmpty()) return env.Undefined();
  if (counting || histogram_data) return counts;
  napi_value buffer = nullptr;
  const size_t bytes = result.total_tokens * 4;
  if (result.ids.data() && bytes) {
    // The threads filled it while they encoded: handed to JS as it is, with no copy here.
    buffer = adopt_buffer(env, result.ids, bytes);
  }
  if (!buffer) {
    void* memory;
    buffer = unfilled_array_buffer(env, bytes, &memory);
    if (!buffer) return env.Undefined();
    uint8_t* at = static_cast<uint8_t*>(memory);
    if (result.ids.data() && bytes) std::memcpy(at, result.ids.data(), bytes);
    for (const auto& block : result.token_blocks) {
      if (block.empty()) continue;
      std::memcpy(at, block.data(), block.size() * 4);
      at += block.size() * 4;
    }
  }
  Napi::Value tokens(env, typed_view(env, napi_uint32_array, result.total_tokens, buffer));
  napi_value out;
  if (tokens.IsEmpty() || napi_create_object(env, &out) != napi_ok ||
      napi_set_named_property(env, out, "tokens", tokens) != napi_ok ||
      napi_set_named_property(env, out, "counts", counts) != napi_ok)
    return env.Undefined();
  return Napi::Value(env, out);
}

void note_large_text_kept() { thread_scratch().large_text_kept = true; }

}  // namespace turbotoken_binding
