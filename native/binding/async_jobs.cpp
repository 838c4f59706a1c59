#include "async_jobs.h"

#include <algorithm>
#include <string>
#include <thread>

#include "../core/utf8.h"
#include "js_errors.h"
#include "js_strings.h"
#include "out_of_memory.h"
#include "split_encode.h"

namespace turbotoken_binding {

using turbotoken::SpecialMatch;
using turbotoken::Status;

namespace {

// A Uint32Array over the vector's own memory, freed when the array is collected.
Napi::Uint32Array adopt_ids(Napi::Env env, std::vector<uint32_t>&& ids) {
  if (ids.empty()) return Napi::Uint32Array::New(env, 0);
  auto* owned = new std::vector<uint32_t>(std::move(ids));
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(
      env, owned->data(), owned->size() * 4,
      [](Napi::Env, void*, std::vector<uint32_t>* v) { delete v; }, owned);
  return Napi::Uint32Array::New(env, owned->size(), ab, 0);
}

class Job : public Napi::AsyncWorker {
 public:
  Job(Napi::Env env, JobInput input)
      : Napi::AsyncWorker(env, "turbotoken"), deferred_(Napi::Promise::Deferred::New(env)), in_(std::move(input)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override { status_ = status_unless_out_of_memory([&] { return run(); }); }

  Status run() {
    const auto& core = *in_.core;
    if (!in_.utf16.empty()) {
      in_.text.resize(in_.utf16.size() * 3);
      in_.text.resize(turbotoken::utf16_to_utf8(in_.utf16.data(), in_.utf16.size(), in_.text.data()));
      decltype(in_.utf16)().swap(in_.utf16);
    }
    switch (in_.kind) {
      case JobKind::kEncode:
        return encode_split(core, in_.text.data(), in_.text.size(), in_.may_be_invalid, in_.policy.view(),
                            in_.threads, &ids_, nullptr, &match_);
      case JobKind::kCount:
        return encode_split(core, in_.text.data(), in_.text.size(), in_.may_be_invalid, in_.policy.view(),
                            in_.threads, nullptr, &count_, &match_);
      case JobKind::kDecode:
        // The whole decode, UTF-16 included, on the worker: the JS thread only wraps the result.
        return decode_text(core, in_.ids.data(), in_.ids.size(), &text_, &bad_index_);
    }
    return Status::kOk;
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (value_unless_out_of_memory(env, [&] {
          settle(env);
          return Napi::Value(env, env.Undefined());
        }).IsEmpty())
      reject([] {});  // ERR_OUT_OF_MEMORY is pending
  }

  void settle(Napi::Env env) {
    if (in_.kind != JobKind::kDecode && status_ != Status::kOk)
      return reject([&] { throw_encode_error(env, *in_.core, status_, match_); });
    if (status_ != Status::kOk) return reject([&] { throw_decode_error(env, status_, in_.ids.data(), bad_index_); });
    switch (in_.kind) {
      case JobKind::kEncode: deferred_.Resolve(adopt_ids(env, std::move(ids_))); break;
      case JobKind::kCount: deferred_.Resolve(Napi::Number::New(env, double(count_))); break;
      case JobKind::kDecode: {
        bool kept = false;
        Napi::Value text = to_js_string(env, text_, &kept);
        if (kept) note_large_text_kept();
        if (text.IsEmpty()) return reject([] {});
        deferred_.Resolve(text);
        break;
      }
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  // Builds the error the synchronous call would throw, and rejects with it instead.
  template <typename Throw>
  void reject(Throw make) {
    Napi::Env env = Env();
    make();
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    deferred_.Reject(error);
  }

  Napi::Promise::Deferred deferred_;
  JobInput in_;
  Status status_ = Status::kOk;
  std::vector<uint32_t> ids_;
  DecodedText text_;
  size_t count_ = 0;
  size_t bad_index_ = 0;
  SpecialMatch match_{};
};

// Contiguous ranges of texts with about equal bytes each, so threads finish together.
std::vector<size_t> split_by_bytes(const BatchInput& in, unsigned parts) {
  size_t n = in.starts.size() - 1;
  std::vector<size_t> bounds{0};
  size_t total = in.starts[n], target = total / parts + 1;
  for (size_t k = 0; k < n && bounds.size() < parts; k++) {
    if (in.starts[k + 1] >= target * bounds.size()) bounds.push_back(k + 1);
  }
  if (bounds.back() != n) bounds.push_back(n);
  return bounds;
}

struct Range {
  std::vector<uint32_t> tokens;
  Status status = Status::kOk;
  size_t failed_text = 0;
  SpecialMatch offending{};
};

void run_range(const BatchInput& in, size_t first, size_t last, std::vector<uint32_t>& counts, Range& out) {
  for (size_t k = first; k < last; k++) {
    const uint8_t* text = in.bytes.data() + in.starts[k];
    size_t len = in.starts[k + 1] - in.starts[k];
    size_t before = out.tokens.size(), count = 0;
    Status st = status_unless_out_of_memory([&] {
      return in.count_only
                 ? in.core->count(text, len, in.may_be_invalid[k], in.policy.view(), &count, &out.offending)
                 : in.core->encode(text, len, in.may_be_invalid[k], in.policy.view(), out.tokens, &out.offending);
    });
    if (st != Status::kOk) {
      out.status = st;
      out.failed_text = k;
      return;
    }
    counts[k] = uint32_t(in.count_only ? count : out.tokens.size() - before);
  }
}

}  // namespace

Napi::Promise start_job(Napi::Env env, JobInput input) {
  Job* job = new Job(env, std::move(input));
  Napi::Promise promise = job->promise();
  job->Queue();
  return promise;
}

BatchResult run_batch(const BatchInput& in) {
  BatchResult result;
  size_t n = in.starts.size() - 1;
  result.counts.assign(n, 0);
  std::vector<size_t> bounds = split_by_bytes(in, std::max(1u, in.threads));
  std::vector<Range> ranges(bounds.size() - 1);
  std::vector<std::thread> workers;
  workers.reserve(ranges.size());
  for (size_t r = 1; r < ranges.size(); r++)
    start_or_run_here(workers, [&, r] { run_range(in, bounds[r], bounds[r + 1], result.counts, ranges[r]); });
  if (!ranges.empty()) run_range(in, bounds[0], bounds[1], result.counts, ranges[0]);
  for (auto& w : workers) w.join();
  size_t total = 0;
  for (const Range& r : ranges) {
    if (r.status != Status::kOk) {  // ranges are in text order: the first failure is the lowest text
      result.status = r.status;
      result.failed_text = r.failed_text;
      result.offending = r.offending;
      return result;
    }
    total += r.tokens.size();
  }
  result.tokens.reserve(total);
  for (const Range& r : ranges) result.tokens.insert(result.tokens.end(), r.tokens.begin(), r.tokens.end());
  return result;
}

}  // namespace turbotoken_binding
