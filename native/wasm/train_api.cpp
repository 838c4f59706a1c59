// The WebAssembly entry points of the BPE trainer (native/core/train/), for src/train.ts; the
// native addon's are native/binding/train_binding.cpp. Statuses are TrainStatus values, or
// kTtBadArgument for a malformed program or unknown family.
#include <memory>
#include <new>
#include <vector>

#include "../core/regex/pike_vm.h"
#include "../core/train/trainer.h"
#include "wasm_api.h"

namespace {

struct TrainerState {
  turbotoken::train::SplitSpec spec;
  size_t max_chunks = 0;
  turbotoken::regex::Program program;
  turbotoken::train::ChunkTables tables;
  turbotoken::train::MergeResult result;
  std::vector<double> counts;
};

}  // namespace

// family -1 reads `words` u32 of program (pike_vm.h's layout). On success out.a is the handle.
TT_EXPORT("tt_trainer_create")
int32_t tt_trainer_create(int32_t family, const uint32_t* program, size_t words, uint32_t chunking,
                          uint32_t max_document_chars, double max_chunks) {
  if (family < -1 || family > 2 || chunking > 1) return kTtBadArgument;
  auto* state = new TrainerState();
  state->spec.family = family;
  state->spec.chunking = turbotoken::train::Chunking(chunking);
  state->spec.max_document_chars = max_document_chars;
  state->max_chunks = max_chunks > 0 && max_chunks < 4e9 ? size_t(max_chunks) : 0;
  if (family == -1) {
    if (state->program.load(program, words) != turbotoken::regex::ProgramStatus::kOk) {
      delete state;
      return kTtBadArgument;
    }
    state->spec.program = &state->program;
  }
  tt_out()->a = uint32_t(reinterpret_cast<uintptr_t>(state));
  return 0;
}

TT_EXPORT("tt_trainer_destroy") void tt_trainer_destroy(void* handle) {
  delete static_cast<TrainerState*>(handle);
}

TT_EXPORT("tt_trainer_count")
int32_t tt_trainer_count(void* handle, const uint8_t* text, size_t size, const uint32_t* ends, size_t count) {
  auto* state = static_cast<TrainerState*>(handle);
  return int32_t(turbotoken::train::count_chunks(state->spec, text, size, ends, count, 1, state->max_chunks, state->tables));
}

TT_EXPORT("tt_trainer_chunks") double tt_trainer_chunks(void* handle) {
  return double(static_cast<TrainerState*>(handle)->tables.held());
}

TT_EXPORT("tt_trainer_matched") uint32_t tt_trainer_matched(void* handle) {
  return static_cast<TrainerState*>(handle)->tables.matched ? 1 : 0;
}

// out = {triples, u32 count}; then tt_trainer_counts: out = {f64 counts, count}, until the next learn.
TT_EXPORT("tt_trainer_learn")
int32_t tt_trainer_learn(void* handle, double vocab_size, double special_count, double min_frequency, uint32_t hf_order,
                         uint32_t scaffold) {
  auto* state = static_cast<TrainerState*>(handle);
  turbotoken::train::MergeOptions options;
  options.vocab_size = uint64_t(vocab_size);
  options.special_count = uint64_t(special_count);
  options.min_frequency = uint64_t(min_frequency);
  options.hf_order = hf_order != 0;
  options.scaffold = scaffold != 0;
  auto st = turbotoken::train::finish_count(state->tables);
  if (st == turbotoken::train::TrainStatus::kOk) st = turbotoken::train::learn_merges(state->tables.table, options, state->result);
  if (st != turbotoken::train::TrainStatus::kOk) return int32_t(st);
  state->counts.assign(state->result.counts.begin(), state->result.counts.end());
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(state->result.triples.data()));
  out->b = uint32_t(state->result.triples.size());
  return 0;
}

TT_EXPORT("tt_trainer_counts") uint32_t tt_trainer_counts(void* handle) {
  auto* state = static_cast<TrainerState*>(handle);
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(state->counts.data()));
  out->b = uint32_t(state->counts.size());
  return state->result.alphabet;
}

// out = {u32 scaffold token ids, count} of the last learn, until the next learn.
TT_EXPORT("tt_trainer_scaffold") void tt_trainer_scaffold(void* handle) {
  auto* state = static_cast<TrainerState*>(handle);
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(state->result.scaffold.data()));
  out->b = uint32_t(state->result.scaffold.size());
}
