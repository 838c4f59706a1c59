// MergeList: the core's merges-list BPE (native/core/bpe/merge_list.h) for tokenizer.json models
// with byte fallback; src/sentencepiece.ts calls it.
#pragma once
#include <napi.h>

namespace turbotoken_binding {

void export_merge_list(Napi::Env env, Napi::Object exports);

}  // namespace turbotoken_binding
