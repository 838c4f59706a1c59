// The WebAssembly entry point of the linear-time pattern matcher (native/core/regex/), for
// src/pattern-matcher.ts; the native addon's is native/binding/pattern_matcher.cpp.
#include <memory>
#include <vector>

#include "../core/regex/pike_vm.h"
#include "../core/regex/splitter.h"
#include "wasm_api.h"

namespace {
std::vector<uint32_t> g_ends;
}  // namespace

// program: `words` u32 (native/core/regex/pike_vm.h's layout). On success (0) out = {bounds, count}: start/end pairs,
// valid until the next call; kTtBadArgument for a malformed program or a text over 4 GiB.
TT_EXPORT("tt_find_matches")
int32_t tt_find_matches(const uint32_t* program, size_t words, const uint8_t* text, size_t size) {
  turbotoken::regex::Program p;
  if (p.load(program, words) != turbotoken::regex::ProgramStatus::kOk) return kTtBadArgument;
  // A large result from an earlier call is not kept for the life of the module.
  if (g_ends.capacity() > (1u << 20)) std::vector<uint32_t>().swap(g_ends);
  g_ends.clear();
  if (!turbotoken::regex::find_matches(p, text, size, g_ends)) return kTtBadArgument;
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(g_ends.data()));
  out->b = uint32_t(g_ends.size());
  return 0;
}

// steps: `words` u32 (native/core/regex/splitter.h's layout). On success (0) out.a is the handle.
TT_EXPORT("tt_splitter_create")
int32_t tt_splitter_create(const uint32_t* steps, size_t words) {
  std::unique_ptr<turbotoken::regex::Splitter> s;
  if (turbotoken::regex::Splitter::create(steps, words, &s) != turbotoken::regex::ProgramStatus::kOk) return kTtBadArgument;
  tt_out()->a = uint32_t(reinterpret_cast<uintptr_t>(s.release()));
  return 0;
}

TT_EXPORT("tt_splitter_destroy")
void tt_splitter_destroy(turbotoken::regex::Splitter* s) { delete s; }

// On success (0) out = {pairs, count}: [start, end) pairs, valid until the next call;
// kTtBadArgument for no splitter or a text over 4 GiB.
TT_EXPORT("tt_splitter_split")
int32_t tt_splitter_split(const turbotoken::regex::Splitter* s, const uint8_t* text, size_t size) {
  if (!s) return kTtBadArgument;
  if (g_ends.capacity() > (1u << 20)) std::vector<uint32_t>().swap(g_ends);
  if (!s->split(text, size, g_ends)) return kTtBadArgument;
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(g_ends.data()));
  out->b = uint32_t(g_ends.size());
  return 0;
}

TT_EXPORT("tt_splitter_memory")
uint32_t tt_splitter_memory(const turbotoken::regex::Splitter* s) { return s ? uint32_t(s->memory_bytes()) : 0; }
