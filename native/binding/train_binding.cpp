// new Trainer(family, program, chunking, maxDocumentChars, maxChunks): the BPE trainer of
// native/core/train/ for src/train.ts. count(bytes, ends, threads) and learn(...) return the
// core's TrainStatus as a number (0: ok) and src/train.ts turns it into a typed error, so the two
// backends share one error path; only a call with the wrong argument types throws here.
// countAsync and learnAsync do the same work on libuv's thread pool (trainAsync keeps the event
// loop free); one call at a time: another while a job runs returns kBusy. countAsync(..., lent)
// counts the caller's bytes where they are, without the copy, for a caller that leaves them
// untouched until the promise settles (src/train.ts's own batch buffers).
#include <napi.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "../core/regex/pike_vm.h"
#include "../core/train/trainer.h"
#include "async_work.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"
#include "typed_arrays.h"

namespace turbotoken_binding {
namespace {

using turbotoken::train::TrainStatus;

double number_or(const Napi::Value& v, double fallback) {
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

// Runs fn (a TrainStatus) with running out of memory as kOutOfMemory.
template <typename Fn>
TrainStatus guarded_status(Fn&& fn) {
  TrainStatus result = TrainStatus::kOk;
  const turbotoken::Status st = status_unless_out_of_memory([&] {
    result = fn();
    return turbotoken::Status::kOk;
  });
  return st == turbotoken::Status::kOk ? result : TrainStatus::kOutOfMemory;
}

// A call made while another is still running on libuv's pool (src/train.ts never makes one).
constexpr uint8_t kBusy = 100;

// What a Trainer holds, shared with the jobs running on libuv's pool: a collected Trainer leaves
// the table to the job that is still counting into it.
struct TrainerState {
  turbotoken::train::SplitSpec spec;
  size_t max_chunks = 0;
  std::unique_ptr<turbotoken::regex::Program> program;
  turbotoken::train::ChunkTables tables;
  turbotoken::train::CountStats stats;  // of the last count
  std::atomic<bool> busy{false};
  // The batch being counted, copied on the JS thread (a shared buffer changed by another thread
  // must read the same in both of the core's passes) into memory kept from batch to batch: a
  // fresh 16 MB each time would fault its pages in on the JS thread.
  std::vector<uint8_t> text;
  std::vector<uint32_t> ends;
};

struct CountInput {
  unsigned threads = 1;
  bool last = false;  // the run's last batch: end the counting threads after it (finish_count)
  // Lent bytes (countAsync's `lent`): counted in place instead of from state.text.
  bool is_lent = false;
  const uint8_t* lent = nullptr;
  size_t lent_size = 0;
};

bool count_args_ok(const Napi::CallbackInfo& info) {
  return is_typed(info[0], napi_uint8_array) && is_typed(info[1], napi_uint32_array);
}

// After claim(): copies the batch into the state, unless it is lent.
CountInput take_count_args(const Napi::CallbackInfo& info, TrainerState& state, bool lent = false) {
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  Napi::Uint32Array given = info[1].As<Napi::Uint32Array>();
  const double threads = number_or(info[2], 1);
  state.ends.assign(given.Data(), given.Data() + given.ElementLength());
  CountInput in{unsigned(threads >= 1 && threads <= 256 ? threads : 1), info[3].ToBoolean()};
  if (lent) {
    // A copy of a first 4 MB batch faults in fresh pages: about 15 ms of the JS thread here.
    in.is_lent = true;
    in.lent = bytes.Data();
    in.lent_size = bytes.ElementLength();
  } else {
    state.text.assign(bytes.Data(), bytes.Data() + bytes.ElementLength());
  }
  return in;
}

TrainStatus run_count(TrainerState& state, const CountInput& in) {
  state.stats = {};
  return guarded_status([&] {
    const uint8_t* text = in.is_lent ? in.lent : state.text.data();
    const size_t size = in.is_lent ? in.lent_size : state.text.size();
    const TrainStatus st = turbotoken::train::count_chunks(state.spec, text, size, state.ends.data(),
                                                           state.ends.size(), in.threads, state.max_chunks, state.tables, &state.stats);
    return st != TrainStatus::kOk || !in.last ? st : turbotoken::train::finish_count(state.tables);
  });
}

turbotoken::train::MergeOptions read_learn_args(const Napi::CallbackInfo& info) {
  turbotoken::train::MergeOptions options;
  options.vocab_size = uint64_t(number_or(info[0], 0));
  options.special_count = uint64_t(number_or(info[1], 0));
  options.min_frequency = uint64_t(number_or(info[2], 0));
  options.hf_order = info[3].ToBoolean();
  options.scaffold = info[4].ToBoolean();
  return options;
}

// {status, triples, counts, alphabet, scaffold}; an empty value with an error pending when napi refused.
Napi::Value learn_result(Napi::Env env, TrainStatus st, const turbotoken::train::MergeResult& result) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("status", Napi::Number::New(env, double(st)));
  if (st != TrainStatus::kOk) return out;
  Napi::Value triples = to_uint32_array(env, result.triples);
  if (triples.IsEmpty()) return Napi::Value();
  Napi::Float64Array counts = Napi::Float64Array::New(env, result.counts.size());
  if (env.IsExceptionPending()) return Napi::Value();
  for (size_t k = 0; k < result.counts.size(); k++) counts[k] = double(result.counts[k]);
  out.Set("triples", triples);
  out.Set("counts", counts);
  out.Set("alphabet", Napi::Number::New(env, result.alphabet));
  Napi::Value scaffold = to_uint32_array(env, result.scaffold);
  if (scaffold.IsEmpty()) return Napi::Value();
  out.Set("scaffold", scaffold);
  return out;
}

TrainStatus run_learn(TrainerState& state, const turbotoken::train::MergeOptions& options,
                      turbotoken::train::MergeResult& result) {
  // The last batch's copy is not needed by the merges.
  std::vector<uint8_t>().swap(state.text);
  std::vector<uint32_t>().swap(state.ends);
  return guarded_status([&] {
    const TrainStatus st = turbotoken::train::finish_count(state.tables);
    return st != TrainStatus::kOk ? st : turbotoken::train::learn_merges(state.tables.table, options, result);
  });
}

// countAsync / learnAsync on libuv's thread pool, resolving a promise with what count / learn
// return. Raw napi, as async_jobs.cpp, so that every step that can fail while a worker thread
// terminates is checked.
class TrainJob {
 public:
  enum class Kind { kCount, kLearn };

  // `keep`: the lent bytes' array, held until the job completes.
  static napi_value start(napi_env env, std::shared_ptr<TrainerState> state, Kind kind, CountInput count,
                          turbotoken::train::MergeOptions options, napi_value keep = nullptr) {
    TrainJob* job = new TrainJob(std::move(state), kind, count, options);
    napi_value promise = nullptr;
    if ((keep && napi_create_reference(env, keep, 1, &job->keep_) != napi_ok) ||
        napi_create_promise(env, &job->deferred_, &promise) != napi_ok) {
      job->drop_keep(env);
      job->release();
      delete job;
      return nullptr;
    }
    return queue_async_work(env, "turbotoken.train", execute, complete, job, &job->work_, promise, [&] { job->abandon(env); });
  }

 private:
  TrainJob(std::shared_ptr<TrainerState> state, Kind kind, CountInput count, turbotoken::train::MergeOptions options)
      : state_(std::move(state)), kind_(kind), count_(count), options_(options) {}

  void release() {
    if (state_) state_->busy = false;
    state_.reset();
  }

  void drop_keep(napi_env env) {
    if (keep_) napi_delete_reference(env, keep_);
    keep_ = nullptr;
  }

  static void execute(napi_env, void* data) {
    TrainJob* job = static_cast<TrainJob*>(data);
    if (job->kind_ == Kind::kCount) job->status_ = run_count(*job->state_, job->count_);
    else job->status_ = run_learn(*job->state_, job->options_, job->result_);
  }

  static void complete(napi_env env, napi_status status, void* data) {
    TrainJob* job = static_cast<TrainJob*>(data);
    job->release();
    if (status == napi_ok) job->settle(env);
    job->abandon(env);
  }

  void abandon(napi_env env) {
    release();
    drop_keep(env);
    end_async_work(env, deferred_, work_);
    delete this;
  }

  void settle(napi_env env) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    Napi::Env e(env);
    napi_value value = nullptr;
    if (kind_ == Kind::kCount) {
      if (napi_create_double(env, double(status_), &value) != napi_ok) value = nullptr;
    } else {
      Napi::Value v = value_unless_out_of_memory(e, [&] { return learn_result(e, status_, result_); });
      if (!v.IsEmpty()) value = v;
    }
    bool pending = false;
    if (!value && napi_is_exception_pending(env, &pending) == napi_ok && !pending) throw_out_of_memory(e);
    if (value && napi_resolve_deferred(env, deferred_, value) == napi_ok) deferred_ = nullptr;
    napi_close_handle_scope(env, scope);
  }

  std::shared_ptr<TrainerState> state_;
  Kind kind_;
  CountInput count_;
  turbotoken::train::MergeOptions options_;
  turbotoken::train::MergeResult result_;
  TrainStatus status_ = TrainStatus::kOk;
  napi_deferred deferred_ = nullptr;
  napi_async_work work_ = nullptr;
  napi_ref keep_ = nullptr;
};

// What gather reports in progress[3]: why it returned.
enum GatherStop : uint8_t {
  kGatherMax = 0,      // took `max` documents
  kGatherElement = 1,  // stopped at an element it leaves to the caller (returned)
  kGatherEnds = 2,     // `ends` is full
  kGatherEnd = 3,      // the array ended
};

// gather(docs, from, max, batch, ends, progress): copies documents docs[from], docs[from + 1], ...
// into the batch as UTF-8, one call for many (src/train.ts's Counter: the JS thread's time per
// document is serial with the counting threads, and a TypedArray.prototype.set per document cost
// it 130-155 ns). Elements are read as the array's iterator reads them (the length at each step,
// then [[Get]]: getters and holes alike), each once. Taken: a string of at most (room - 1) / 3
// UTF-16 units (written by V8, lone surrogates as U+FFFD, as Buffer#write); a Uint8Array (its
// internal slots: no getter runs) of 1 to room bytes whose first byte starts a character (its
// UTF-8 is checked with the batch's). Anything else is returned for the caller to add.
// progress (a Float64Array): [0] bytes used and [1] ends written, read and updated; [2] documents
// taken, [3] a GatherStop, [4] 1 when a Uint8Array was taken.
Napi::Value gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto usage = [&] { return thrown(env, errors::other_status("Trainer.gather(docs: unknown[], from: number, max: number, batch: Uint8Array, ends: Uint32Array, progress: Float64Array)")); };
  if (info.Length() < 6 || !info[0].IsArray() || !info[1].IsNumber() || !info[2].IsNumber() || !is_typed(info[3], napi_uint8_array) ||
      !is_typed(info[4], napi_uint32_array) || !is_typed(info[5], napi_float64_array))
    return usage();
  napi_value docs = info[0];
  const double from_given = info[1].As<Napi::Number>().DoubleValue();
  const double max_given = info[2].As<Napi::Number>().DoubleValue();
  Napi::Uint8Array batch = info[3].As<Napi::Uint8Array>();
  Napi::Uint32Array ends = info[4].As<Napi::Uint32Array>();
  Napi::Float64Array progress = info[5].As<Napi::Float64Array>();
  if (progress.ElementLength() < 5 || !(from_given >= 0 && from_given <= 4294967295.0) || !(max_given >= 0)) return usage();
  // Neither buffer is reachable from the elements' getters (the Counter's own), and their memory
  // is outside V8's heap once Data() has been read, so the pointers hold while getters run.
  uint8_t* const out = batch.Data();
  const size_t room = batch.ElementLength();
  uint32_t* const end_slots = ends.Data();
  const size_t end_room = ends.ElementLength();
  const double used_given = progress[0], ends_given = progress[1];
  if (!(used_given >= 0 && used_given <= double(room)) || !(ends_given >= 0 && ends_given <= double(end_room)) || room > 0xffffffffu) return usage();
  size_t used = size_t(used_given), n = size_t(ends_given);
  const uint64_t from = uint64_t(from_given);
  const uint64_t max = max_given < 4294967296.0 ? uint64_t(max_given) : 4294967296ull;
  uint64_t taken = 0;
  GatherStop stop = kGatherMax;
  bool bytes_taken = false;
  napi_value stopped = nullptr;
  while (taken < max) {
    if (n == end_room) {
      stop = kGatherEnds;
      break;
    }
    const uint64_t index = from + taken;
    uint32_t length = 0;
    if (napi_get_array_length(env, docs, &length) != napi_ok) return Napi::Value();
    if (index >= length) {
      stop = kGatherEnd;
      break;
    }
    napi_value v = nullptr;
    // A getter that throws leaves its exception pending: it reaches the caller as the iterator's would.
    if (napi_get_element(env, docs, uint32_t(index), &v) != napi_ok) return Napi::Value();
    // A typed array's slots, else a string's length: napi refuses the wrong kind without an
    // exception, so each element costs two calls at most (not a typeof first).
    bool took = false;
    napi_typedarray_type kind = napi_int8_array;
    size_t size = 0;
    void* data = nullptr;
    size_t units = 0;
    if (napi_get_typedarray_info(env, v, &kind, &size, &data, nullptr, nullptr) == napi_ok) {
      const uint8_t* bytes = static_cast<const uint8_t*>(data);
      if (kind == napi_uint8_array && size > 0 && size <= room - used && bytes && (bytes[0] & 0xc0) != 0x80) {
        std::memcpy(out + used, bytes, size);
        used += size;
        bytes_taken = took = true;
      }
    } else if (napi_get_value_string_utf16(env, v, nullptr, 0, &units) == napi_ok) {
      // At most 3 bytes per UTF-16 unit, and napi writes a terminating NUL after them.
      if (room - used >= 1 && units <= (room - used - 1) / 3) {
        size_t written = 0;
        if (napi_get_value_string_utf8(env, v, reinterpret_cast<char*>(out + used), units * 3 + 1, &written) != napi_ok) return Napi::Value();
        used += written;
        took = true;
      }
    }
    if (!took) {
      stop = kGatherElement;
      stopped = v;
      break;
    }
    end_slots[n++] = uint32_t(used);
    taken++;
  }
  progress[0] = double(used);
  progress[1] = double(n);
  progress[2] = double(taken);
  progress[3] = double(stop);
  progress[4] = bytes_taken ? 1 : 0;
  return stopped ? Napi::Value(env, stopped) : env.Undefined();
}

class TrainerWrap : public Napi::ObjectWrap<TrainerWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "Trainer",
                       {InstanceMethod<&TrainerWrap::count>("count"), InstanceMethod<&TrainerWrap::count_async>("countAsync"),
                        InstanceMethod<&TrainerWrap::learn>("learn"), InstanceMethod<&TrainerWrap::learn_async>("learnAsync"),
                        InstanceMethod<&TrainerWrap::chunks>("chunks"),
                        InstanceMethod<&TrainerWrap::matched>("matched"), InstanceMethod<&TrainerWrap::memory>("memoryBytes"),
                        InstanceMethod<&TrainerWrap::stats>("stats"), InstanceMethod<&TrainerWrap::close>("close")});
  }

  explicit TrainerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrainerWrap>(info) {
    Napi::Env env = info.Env();
    const double family = number_or(info[0], -2);
    const double chunking = number_or(info[2], -1);
    if (family < -1 || family > 2 || (family == -1 && !is_typed(info[1], napi_uint32_array)) ||
        (chunking != 0 && chunking != 1)) {
      throw_error(env, errors::other_status("Trainer(family, program, chunking, maxDocumentChars, maxChunks): bad arguments"));
      return;
    }
    auto state = std::make_shared<TrainerState>();
    state->spec.family = int(family);
    state->spec.chunking = turbotoken::train::Chunking(int(chunking));
    state->spec.max_document_chars = uint32_t(number_or(info[3], 0));
    state->max_chunks = size_t(number_or(info[4], 0));
    if (family == -1) {
      Napi::Uint32Array words = info[1].As<Napi::Uint32Array>();
      std::vector<uint32_t> copy(words.ElementLength());
      if (!copy.empty()) std::memcpy(copy.data(), words.Data(), copy.size() * sizeof(uint32_t));
      state->program = std::make_unique<turbotoken::regex::Program>();
      if (state->program->load(copy.data(), copy.size()) != turbotoken::regex::ProgramStatus::kOk) {
        throw_error(env, errors::malformed_pattern());
        return;
      }
      state->spec.program = state->program.get();
    }
    state_ = std::move(state);
  }

 private:
  // Claims the trainer for one call; false while a job on the pool holds it.
  bool claim() {
    bool expected = false;
    return state_ && state_->busy.compare_exchange_strong(expected, true);
  }

  // count(bytes: Uint8Array, ends: Uint32Array, threads: number, last?: boolean): status. With
  // `last`, the counting threads end after the batch (learn ends them otherwise).
  Napi::Value count(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_ || !count_args_ok(info))
      return thrown(env, errors::other_status("Trainer#count(bytes: Uint8Array, ends: Uint32Array, threads: number)"));
    if (!claim()) return Napi::Number::New(env, kBusy);
    TrainStatus st = TrainStatus::kOutOfMemory;
    CountInput in;
    if (guarded_status([&] {
          in = take_count_args(info, *state_);
          return TrainStatus::kOk;
        }) == TrainStatus::kOk)
      st = run_count(*state_, in);
    state_->busy = false;
    return Napi::Number::New(env, double(st));
  }

  // countAsync(bytes, ends, threads, last?, lent?): a promise of count's status, counted on
  // libuv's pool; with `lent` the bytes are read where they are until the promise settles.
  Napi::Value count_async(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_ || !count_args_ok(info))
      return thrown(env, errors::other_status("Trainer#countAsync(bytes: Uint8Array, ends: Uint32Array, threads: number)"));
    if (!claim()) return Napi::Number::New(env, kBusy);
    const bool lent = info[4].ToBoolean();
    CountInput in;
    if (guarded_status([&] {
          in = take_count_args(info, *state_, lent);
          return TrainStatus::kOk;
        }) != TrainStatus::kOk) {
      state_->busy = false;
      return Napi::Number::New(env, double(TrainStatus::kOutOfMemory));
    }
    napi_value promise = TrainJob::start(env, state_, TrainJob::Kind::kCount, in, {}, lent ? napi_value(info[0]) : nullptr);
    return promise ? Napi::Value(env, promise) : Napi::Value();
  }

  // learn(vocabSize, specialCount, minFrequency, hfOrder, scaffold): {status, triples, counts,
  // alphabet, scaffold}.
  Napi::Value learn(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_) return thrown(env, errors::other_status("Trainer#learn: no table"));
    const turbotoken::train::MergeOptions options = read_learn_args(info);
    if (!claim()) return learn_result(env, TrainStatus(kBusy), {});
    turbotoken::train::MergeResult result;
    const TrainStatus st = run_learn(*state_, options, result);
    state_->busy = false;
    return learn_result(env, st, result);
  }

  // learnAsync(...): a promise of learn's result, the merges made on libuv's pool.
  Napi::Value learn_async(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!state_) return thrown(env, errors::other_status("Trainer#learnAsync: no table"));
    const turbotoken::train::MergeOptions options = read_learn_args(info);
    if (!claim()) return learn_result(env, TrainStatus(kBusy), {});
    napi_value promise = TrainJob::start(env, state_, TrainJob::Kind::kLearn, CountInput(), options);
    return promise ? Napi::Value(env, promise) : Napi::Value();
  }

  // Distinct chunks held (0 exactly when nothing was counted). NaN while a job holds the table.
  Napi::Value chunks(const Napi::CallbackInfo& info) {
    if (!state_ || state_->busy) return Napi::Number::New(info.Env(), state_ ? NAN : 0);
    return Napi::Number::New(info.Env(), double(state_->tables.held()));
  }

  // Whether the split matched anywhere in what was counted (false while a job holds the table).
  Napi::Value matched(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), state_ && !state_->busy && state_->tables.matched);
  }

  Napi::Value memory(const Napi::CallbackInfo& info) {
    if (!state_ || state_->busy) return Napi::Number::New(info.Env(), state_ ? NAN : 0);
    return Napi::Number::New(info.Env(), double(state_->tables.memory_bytes()));
  }

  // stats(): {count, merge}: CPU seconds per thread of the last count: counting its parts, and
  // adding its shards of the batch tables to the table (merge is empty on one thread).
  Napi::Value stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    if (!state_ || state_->busy) return out;
    const auto put = [&](const char* key, const std::vector<double>& v) {
      Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
      for (size_t k = 0; k < v.size(); k++) a[k] = v[k];
      out.Set(key, a);
    };
    put("count", state_->stats.count_threads);
    put("merge", state_->stats.merge_threads);
    return out;
  }

  // close(): ends the counting threads kept for the run (a run that failed before learn, which
  // ends them otherwise); they would wait until the Trainer is collected. Not while a job runs.
  Napi::Value close(const Napi::CallbackInfo& info) {
    if (claim()) {
      state_->tables.pool.reset();
      state_->busy = false;
    }
    return info.Env().Undefined();
  }

  std::shared_ptr<TrainerState> state_;
};

}  // namespace

void export_trainer(Napi::Env env, Napi::Object exports) {
  Napi::Function trainer = TrainerWrap::define(env);
  // A worker terminated while it loads the addon gets an empty function from DefineClass, and a
  // property set on an empty value reaches node-addon-api's fatal error path (no environment to
  // make the error in): the process would abort instead of the worker ending quietly.
  if (trainer.IsEmpty()) return;
  trainer.Set("gather", Napi::Function::New(env, gather, "gather"));
  exports.Set("Trainer", trainer);
}

}  // namespace turbotoken_binding
