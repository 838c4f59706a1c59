// new Trainer(family, program, chunking, maxDocumentChars, maxChunks): the BPE trainer of
// native/core/train/ for src/train.ts. count(bytes, ends, threads) and learn(...) return the
// core's TrainStatus as a number (0: ok) and src/train.ts turns it into a typed error, so the two
// backends share one error path; only a call with the wrong argument types throws here.
#include <napi.h>

#include <cstring>
#include <memory>
#include <vector>

#include "../core/regex/pike_vm.h"
#include "../core/train/trainer.h"
#include "error_texts.h"
#include "js_errors.h"
#include "out_of_memory.h"

namespace turbotoken_binding {
namespace {

using turbotoken::train::TrainStatus;

bool is_typed(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

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

class TrainerWrap : public Napi::ObjectWrap<TrainerWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "Trainer",
                       {InstanceMethod<&TrainerWrap::count>("count"), InstanceMethod<&TrainerWrap::learn>("learn"),
                        InstanceMethod<&TrainerWrap::chunks>("chunks"), InstanceMethod<&TrainerWrap::memory>("memoryBytes")});
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
    spec_.family = int(family);
    spec_.chunking = turbotoken::train::Chunking(int(chunking));
    spec_.max_document_chars = uint32_t(number_or(info[3], 0));
    max_chunks_ = size_t(number_or(info[4], 0));
    if (family == -1) {
      Napi::Uint32Array words = info[1].As<Napi::Uint32Array>();
      std::vector<uint32_t> copy(words.ElementLength());
      if (!copy.empty()) std::memcpy(copy.data(), words.Data(), copy.size() * sizeof(uint32_t));
      program_ = std::make_unique<turbotoken::regex::Program>();
      if (program_->load(copy.data(), copy.size()) != turbotoken::regex::ProgramStatus::kOk) {
        throw_error(env, errors::malformed_pattern());
        return;
      }
      spec_.program = program_.get();
    }
    table_ = std::make_unique<turbotoken::train::ChunkTable>();
  }

 private:
  // count(bytes: Uint8Array, ends: Uint32Array, threads: number): status.
  Napi::Value count(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!table_ || !is_typed(info[0], napi_uint8_array) || !is_typed(info[1], napi_uint32_array)) {
      return thrown(env, errors::other_status("Trainer#count(bytes: Uint8Array, ends: Uint32Array, threads: number)"));
    }
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    Napi::Uint32Array given = info[1].As<Napi::Uint32Array>();
    const double threads = number_or(info[2], 1);
    const TrainStatus st = guarded_status([&] {
      // Copied first: a shared buffer changed by another thread must read the same in both passes.
      std::vector<uint8_t> text(bytes.Data(), bytes.Data() + bytes.ElementLength());
      std::vector<uint32_t> ends(given.Data(), given.Data() + given.ElementLength());
      return turbotoken::train::count_chunks(spec_, text.data(), text.size(), ends.data(), ends.size(),
                                             unsigned(threads >= 1 && threads <= 256 ? threads : 1), max_chunks_, *table_);
    });
    return Napi::Number::New(env, double(st));
  }

  // learn(vocabSize, specialCount, minFrequency, hfOrder, scaffold): {status, triples, counts,
  // alphabet, scaffold}.
  Napi::Value learn(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!table_) return thrown(env, errors::other_status("Trainer#learn: no table"));
    turbotoken::train::MergeOptions options;
    options.vocab_size = uint64_t(number_or(info[0], 0));
    options.special_count = uint64_t(number_or(info[1], 0));
    options.min_frequency = uint64_t(number_or(info[2], 0));
    options.hf_order = info[3].ToBoolean();
    options.scaffold = info[4].ToBoolean();
    turbotoken::train::MergeResult result;
    const TrainStatus st = guarded_status([&] { return turbotoken::train::learn_merges(*table_, options, result); });
    Napi::Object out = Napi::Object::New(env);
    out.Set("status", Napi::Number::New(env, double(st)));
    if (st != TrainStatus::kOk) return out;
    Napi::Uint32Array triples = Napi::Uint32Array::New(env, result.triples.size());
    if (!result.triples.empty()) std::memcpy(triples.Data(), result.triples.data(), result.triples.size() * 4);
    Napi::Float64Array counts = Napi::Float64Array::New(env, result.counts.size());
    for (size_t k = 0; k < result.counts.size(); k++) counts[k] = double(result.counts[k]);
    out.Set("triples", triples);
    out.Set("counts", counts);
    out.Set("alphabet", Napi::Number::New(env, result.alphabet));
    Napi::Uint32Array scaffold = Napi::Uint32Array::New(env, result.scaffold.size());
    if (!result.scaffold.empty()) std::memcpy(scaffold.Data(), result.scaffold.data(), result.scaffold.size() * 4);
    out.Set("scaffold", scaffold);
    return out;
  }

  Napi::Value chunks(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), table_ ? double(table_->size()) : 0);
  }

  Napi::Value memory(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), table_ ? double(table_->memory_bytes()) : 0);
  }

  turbotoken::train::SplitSpec spec_;
  size_t max_chunks_ = 0;
  std::unique_ptr<turbotoken::regex::Program> program_;
  std::unique_ptr<turbotoken::train::ChunkTable> table_;
};

}  // namespace

void export_trainer(Napi::Env env, Napi::Object exports) {
  exports.Set("Trainer", TrainerWrap::define(env));
}

}  // namespace turbotoken_binding
