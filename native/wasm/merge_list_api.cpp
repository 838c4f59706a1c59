// The WebAssembly entry points of the merges-list BPE (native/core/bpe/merge_list.h), for
// src/sentencepiece.ts; the native addon's are native/binding/merge_list_binding.cpp.
#include <memory>
#include <vector>

#include "../core/bpe/merge_list.h"
#include "wasm_api.h"

namespace {
std::vector<uint32_t> g_ids;
}  // namespace

// table: `words` u32 (merge_list.h's layout). On success (0) out.a is the handle.
TT_EXPORT("tt_merge_list_create")
int32_t tt_merge_list_create(const uint32_t* table, size_t words) {
  std::unique_ptr<turbotoken::MergeList> list;
  const turbotoken::Status st = turbotoken::MergeList::create(table, words, list);
  if (st != turbotoken::Status::kOk) return int32_t(st);
  tt_out()->a = uint32_t(reinterpret_cast<uintptr_t>(list.release()));
  return 0;
}

TT_EXPORT("tt_merge_list_destroy")
void tt_merge_list_destroy(turbotoken::MergeList* list) { delete list; }

// On success (0) out = {ids, count}, valid until the next call.
TT_EXPORT("tt_merge_list_encode")
int32_t tt_merge_list_encode(const turbotoken::MergeList* list, const uint8_t* bytes, size_t size, const uint32_t* ends, size_t count) {
  if (!list) return kTtBadArgument;
  if (g_ids.capacity() > (1u << 20)) std::vector<uint32_t>().swap(g_ids);
  g_ids.clear();
  const turbotoken::Status st = list->encode_words(bytes, size, ends, count, g_ids);
  if (st != turbotoken::Status::kOk) return int32_t(st);
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(g_ids.data()));
  out->b = uint32_t(g_ids.size());
  return 0;
}
