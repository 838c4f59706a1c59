#include "merge_list_binding.h"

#include <cstring>
#include <memory>
#include <vector>

#include "../core/bpe/merge_list.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"
#include "text_input.h"
#include "typed_arrays.h"

namespace turbotoken_binding {
namespace {

// new MergeList(table: Uint32Array); encode(bytes: Uint8Array, ends: Uint32Array): Uint32Array.
class MergeListWrap : public Napi::ObjectWrap<MergeListWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "MergeList", {InstanceMethod<&MergeListWrap::encode>("encode"), InstanceMethod<&MergeListWrap::encode_text>("encodeText"),
                                            InstanceMethod<&MergeListWrap::set_added>("setAdded"), InstanceMethod<&MergeListWrap::memory>("memoryBytes")});
  }

  explicit MergeListWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MergeListWrap>(info) {
    Napi::Uint32Array table;
    if (!uint32_array_argument(info, errors::constructor_usage(), &table)) return;
    // Not copied (6 MB of fresh pages for Gemma 3): create reads each word once, so a shared
    // buffer that another thread changes meanwhile is never read twice differently.
    const turbotoken::Status st = status_unless_out_of_memory([&] { return turbotoken::MergeList::create(table.Data(), table.ElementLength(), list_); });
    if (st != turbotoken::Status::kOk) throw_create_error(info.Env(), st, errors::invalid_vocabulary(turbotoken::status_name(st)));
  }

 private:
  Napi::Value encode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!list_ || !is_typed(info[0], napi_uint8_array) || !is_typed(info[1], napi_uint32_array)) {
      throw_error(env, errors::encode_pieces_usage());
      return env.Undefined();
    }
    return value_unless_out_of_memory(env, [&]() -> Napi::Value {
      Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
      Napi::Uint32Array given = info[1].As<Napi::Uint32Array>();
      std::vector<uint32_t> ends(given.ElementLength());
      if (!ends.empty()) std::memcpy(ends.data(), given.Data(), ends.size() * sizeof(uint32_t));
      std::vector<uint32_t> ids;
      const turbotoken::Status st = list_->encode_words(bytes.Data(), bytes.ElementLength(), ends.data(), ends.size(), ids);
      if (st != turbotoken::Status::kOk) {
        throw_error(env, errors::other_status(turbotoken::status_name(st)));
        return env.Undefined();
      }
      return to_uint32_array(env, ids);
    });
  }

  // setAdded(texts: Uint8Array, ends: Uint32Array, ids: Uint32Array): merge_list.h's set_added.
  Napi::Value set_added(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!list_ || !is_typed(info[0], napi_uint8_array) || !is_typed(info[1], napi_uint32_array) || !is_typed(info[2], napi_uint32_array) ||
        info[1].As<Napi::Uint32Array>().ElementLength() != info[2].As<Napi::Uint32Array>().ElementLength()) {
      throw_error(env, errors::encode_pieces_usage());
      return env.Undefined();
    }
    return value_unless_out_of_memory(env, [&]() -> Napi::Value {
      Napi::Uint8Array texts = info[0].As<Napi::Uint8Array>();
      // Copied: a shared buffer could change between the check of an end and its use.
      Napi::Uint32Array given_ends = info[1].As<Napi::Uint32Array>();
      Napi::Uint32Array given_ids = info[2].As<Napi::Uint32Array>();
      std::vector<uint8_t> bytes(texts.Data(), texts.Data() + texts.ElementLength());
      std::vector<uint32_t> ends(given_ends.Data(), given_ends.Data() + given_ends.ElementLength());
      std::vector<uint32_t> ids(given_ids.Data(), given_ids.Data() + given_ids.ElementLength());
      const turbotoken::Status st = list_->set_added(bytes.data(), bytes.size(), ends.data(), ids.data(), ends.size());
      if (st != turbotoken::Status::kOk) throw_error(env, errors::other_status(turbotoken::status_name(st)));
      return env.Undefined();
    });
  }

  // encodeText(text: string, accept: Uint8Array | null, prepend: boolean): merge_list.h's
  // encode_text on the string's UTF-8 (lone surrogates as U+FFFD), in one call.
  Napi::Value encode_text(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const bool no_accept = info[1].IsNull() || info[1].IsUndefined();
    if (!list_ || !info[0].IsString() || !(no_accept || is_typed(info[1], napi_uint8_array))) {
      throw_error(env, errors::encode_pieces_usage());
      return env.Undefined();
    }
    return value_unless_out_of_memory(env, [&]() -> Napi::Value {
      thread_local ByteBuffer storage;
      thread_local std::vector<uint32_t> ids;
      thread_local std::vector<uint8_t> accept;
      TextInput text;
      if (!read_text(env, info[0], "text", storage, &text)) return env.Undefined();
      if (!no_accept) {
        Napi::Uint8Array given = info[1].As<Napi::Uint8Array>();
        accept.assign(given.Data(), given.Data() + given.ElementLength());
      }
      ids.clear();
      const turbotoken::Status st = list_->encode_text(text.data, text.size, no_accept ? nullptr : accept.data(), accept.size(), info[2].ToBoolean().Value(), ids);
      if (storage.capacity() > (size_t(1) << 22)) ByteBuffer().swap(storage);
      if (st != turbotoken::Status::kOk) {
        throw_error(env, errors::other_status(turbotoken::status_name(st)));
        return env.Undefined();
      }
      return scratch_to_uint32_array(env, ids);
    });
  }

  Napi::Value memory(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), list_ ? double(list_->memory_bytes()) : 0);
  }

  std::unique_ptr<turbotoken::MergeList> list_;
};

}  // namespace

void export_merge_list(Napi::Env env, Napi::Object exports) {
  exports.Set("MergeList", MergeListWrap::define(env));
}

}  // namespace turbotoken_binding
