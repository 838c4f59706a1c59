// The WebAssembly entry point of core/vocab/vocabulary_table.h, for src/wasm.ts; the native
// addon's is native/binding/vocabulary_table_binding.cpp.
#include <vector>

#include "../core/vocab/vocabulary_table.h"
#include "wasm_api.h"

namespace {
turbotoken::VocabularyTable g_table;
}  // namespace

// On success (0) out = {token count, byte count}; the arrays are then at
// tt_vocabulary_table_part(0: ids, 1: starts, 2: bytes, 3: flags) until tt_vocabulary_table_free
// or the next call.
TT_EXPORT("tt_vocabulary_table")
int32_t tt_vocabulary_table(const void* handle, uint32_t check_reachable) {
  const turbotoken::Status st = turbotoken::vocabulary_table(tt_encoding_core(handle), check_reachable != 0, &g_table);
  if (st != turbotoken::Status::kOk) return int32_t(st);
  tt_out()->a = uint32_t(g_table.ids.size());
  tt_out()->b = uint32_t(g_table.bytes.size());
  return 0;
}

TT_EXPORT("tt_vocabulary_table_part")
const void* tt_vocabulary_table_part(uint32_t which) {
  switch (which) {
    case 0: return g_table.ids.data();
    case 1: return g_table.starts.data();
    case 2: return g_table.bytes.data();
    default: return g_table.flags.data();
  }
}

// Gives the table's memory back (a vocabulary's worth of bytes, not kept for the module's life).
TT_EXPORT("tt_vocabulary_table_free")
void tt_vocabulary_table_free() { g_table = turbotoken::VocabularyTable(); }
