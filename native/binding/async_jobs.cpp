#include "async_jobs.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include "../core/text/utf8.h"
#include "async_work.h"
#include "js_errors.h"
#include "js_strings.h"
#include "out_of_memory.h"
#include "returned_ids.h"
#include "split_encode.h"

namespace turbotoken_binding {

using turbotoken::SpecialMatch;
using turbotoken::Status;

namespace {

// A Uint32Array over the vector's own memory, freed when the array is collected; empty when napi
// refused (out of memory, pending with ERR_OUT_OF_MEMORY, or the environment terminating).
napi_value adopt_ids(napi_env env, std::vector<uint32_t>&& ids) {
  napi_value ab = nullptr, out = nullptr;
  const size_t count = ids.size();
  // A large block comes back for a later call when JS collects it (returned_ids.h).
  if (count) ab = count >= kAdoptedIds ? adopt_ids_block(env, ids) : adopt_buffer(env, ids, count * 4);
  if (!ab) {
    void* data = nullptr;
    if (napi_create_arraybuffer(env, ids.size() * 4, &data, &ab) != napi_ok || (!data && !ids.empty())) return nullptr;
    if (!ids.empty()) std::memcpy(data, ids.data(), ids.size() * 4);
  }
  size_t length = 0;
  void* data;
  napi_value unused_ab;
  size_t offset;
  napi_typedarray_type type;
  if (napi_get_arraybuffer_info(env, ab, &data, &length) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, length / 4, ab, 0, &out) != napi_ok ||
      napi_get_typedarray_info(env, out, &type, &length, &data, &unused_ab, &offset) != napi_ok)
    return nullptr;
  return out;
}

// One call on libuv's thread pool, in raw napi so that every step that can fail is checked: while
// a worker terminates, napi refuses anything that may run JS, and node-addon-api's wrappers then
// hand out empty values (a promise resolved with garbage, a null buffer written to).
class Job {
 public:
  explicit Job(JobInput input) : in_(std::move(input)) {}

  // The promise, or nullptr (an exception may be pending) when napi refused; the job then deleted
  // itself.
  static napi_value start(napi_env env, JobInput input) {
    Job* job = new Job(std::move(input));
    napi_value promise = nullptr;
    if (napi_create_promise(env, &job->deferred_, &promise) != napi_ok) {
      delete job;
      return nullptr;
    }
    return queue_async_work(env, "turbotoken", execute, complete, job, &job->work_, promise, [&] { job->abandon(env); });
  }

 private:
  static void execute(napi_env, void* data) {
    Job* job = static_cast<Job*>(data);
    job->status_ = status_unless_out_of_memory([&] { return job->run(); });
  }

  static void complete(napi_env env, napi_status status, void* data) {
    Job* job = static_cast<Job*>(data);
    if (status == napi_ok) job->settle(env);
    job->abandon(env);
  }

  // Rejects the promise if it is still open (see end_async_work), then frees the job.
  void abandon(napi_env env) {
    end_async_work(env, deferred_, work_);
    delete this;
  }

  Status run() {
    const auto& core = *in_.core;
    in_.discard.reset();
    if (in_.kind == JobKind::kDecode) {
      // The whole decode, UTF-16 included, on the worker: the JS thread only wraps the result.
      return decode_text(core, in_.ids.data(), in_.ids.size(), &text_, &bad_index_);
    }
    const uint8_t* text = in_.text.data();
    size_t size = in_.text.size();
    if (in_.long_text.buffer.data()) {
      size = convert_long_string(in_.long_text);
      text = static_cast<const uint8_t*>(in_.long_text.buffer.data());
    }
    const bool encoding = in_.kind == JobKind::kEncode;
    if (encoding) {
      // A collected result's block, unless it is over 4x what this text can fill (freed here).
      const size_t most = size + 1;
      if (in_.result_block.capacity() >= most && in_.result_block.capacity() / 4 <= most) ids_.swap(in_.result_block);
      std::vector<uint32_t>().swap(in_.result_block);
      size_t touched = 0;
      // Only into empty ids: with a block already, taking the slot's would only free it.
      if (ids_.capacity() == 0 && size >= kAdoptedIds) take_returned_block(ids_, most, &touched);
      reserve_ids_for_text(ids_, size);
    }
    Status st = encode_split(core, text, size, in_.may_be_invalid, in_.policy.view(), in_.threads,
                             encoding ? &ids_ : nullptr, encoding ? nullptr : &count_, &match_);
    // Freed or kept here rather than with the job, which the JS thread deletes.
    SpareBuffer::give(std::move(in_.long_text.buffer));
    ByteBuffer().swap(in_.text);
    return st;
  }

  // Resolves with the result, or leaves the error the synchronous call would throw pending for
  // abandon() to reject with.
  void settle(napi_env env) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value value = nullptr;
    Napi::Env e(env);
    value_unless_out_of_memory(e, [&] {
      value = result(e);
      return Napi::Value(e, e.Undefined());
    });
    bool pending = false;
    // Nothing made and nothing pending: napi refused an allocation. Rejected as out of memory (a
    // terminating environment throws nothing, and abandon() then leaves the promise alone).
    if (!value && napi_is_exception_pending(env, &pending) == napi_ok && !pending) throw_out_of_memory(e);
    if (value && napi_resolve_deferred(env, deferred_, value) == napi_ok) deferred_ = nullptr;
    napi_close_handle_scope(env, scope);
  }

  napi_value result(Napi::Env env) {
    if (status_ != Status::kOk) {
      if (in_.kind == JobKind::kDecode) throw_decode_error(env, status_, in_.ids.data(), bad_index_);
      else throw_encode_error(env, *in_.core, status_, match_);
      return nullptr;
    }
    switch (in_.kind) {
      case JobKind::kEncode: return adopt_ids(env, std::move(ids_));
      case JobKind::kCount: {
        napi_value n;
        return napi_create_double(env, double(count_), &n) == napi_ok ? n : nullptr;
      }
      case JobKind::kDecode: {
        bool kept = false;
        Napi::Value text = to_js_string(env, text_, &kept);
        if (kept) note_large_text_kept();
        return text.IsEmpty() ? nullptr : napi_value(text);
      }
    }
    return nullptr;
  }

  napi_deferred deferred_ = nullptr;
  napi_async_work work_ = nullptr;
  JobInput in_;
  Status status_ = Status::kOk;
  std::vector<uint32_t> ids_;
  DecodedText text_;
  size_t count_ = 0;
  size_t bad_index_ = 0;
  SpecialMatch match_{};
};

}  // namespace

napi_value start_job(napi_env env, JobInput input) { return Job::start(env, std::move(input)); }

}  // namespace turbotoken_binding
