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

// texts: the added tokens' UTF-8, ends and ids `count` u32 each (merge_list.h's set_added).
TT_EXPORT("tt_merge_list_set_added")
int32_t tt_merge_list_set_added(turbotoken::MergeList* list, const uint8_t* texts, size_t size, const uint32_t* ends, const uint32_t* ids, size_t count) {
  if (!list) return kTtBadArgument;
  return int32_t(list->set_added(texts, size, ends, ids, count));
}

// merge_list.h's encode_text; accept may be null. On success (0) out = {ids, count}, valid until
// the next call.
TT_EXPORT("tt_merge_list_encode_text")
int32_t tt_merge_list_encode_text(const turbotoken::MergeList* list, const uint8_t* text, size_t size, const uint8_t* accept, size_t accept_count, int32_t prepend) {
  if (!list) return kTtBadArgument;
  if (g_ids.capacity() > (1u << 20)) std::vector<uint32_t>().swap(g_ids);
  g_ids.clear();
  const turbotoken::Status st = list->encode_text(text, size, accept, accept_count, prepend != 0, g_ids);
  if (st != turbotoken::Status::kOk) return int32_t(st);
  TtOut* out = tt_out();
  out->a = uint32_t(reinterpret_cast<uintptr_t>(g_ids.data()));
  out->b = uint32_t(g_ids.size());
  return 0;
}
