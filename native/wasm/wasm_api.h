// The C ABI that src/wasm.ts calls: a thin layer over turbotoken::Encoding for the WebAssembly
// build. It only moves bytes and statuses across the boundary; all tokenization is the core's.
//
// Conventions (wasm32, so pointers and size_t are 32-bit offsets into linear memory):
// - Fallible calls return a status: a turbotoken::Status value, or kTtBadArgument.
// - Results other than the status go to the one TtOut slot that tt_out() points at: valid until
//   the next call. Result arrays (ids, bytes) live in module-owned scratch buffers that the next
//   call reuses; tt_release_scratch() gives their memory back after a large result.
// - Out of memory: allocations that cannot be met trap (there are no exceptions to unwind), with
//   tt_out_of_memory() set first, so the JS side can tell that trap from a bug and start afresh.
#pragma once
#include <cstddef>
#include <cstdint>

#define TT_EXPORT(name) extern "C" __attribute__((export_name(name)))

// Statuses from the glue itself, outside the range of turbotoken::Status.
constexpr int32_t kTtBadArgument = 100;  // an unknown family or a malformed special-token list

namespace turbotoken {
class Encoding;
}
// The core of a handle from tt_encoding_create, for the entry points in other files of this layer.
const turbotoken::Encoding& tt_encoding_core(const void* handle);

struct TtOut {
  uint32_t a;  // a pointer, a count, a handle or an index (see each call)
  uint32_t b;  // a length, when a is a pointer
};

TT_EXPORT("tt_out") TtOut* tt_out();
TT_EXPORT("tt_alloc") void* tt_alloc(size_t size);  // 0 when memory is exhausted; never traps
TT_EXPORT("tt_free") void tt_free(void* p);
TT_EXPORT("tt_release_scratch") void tt_release_scratch();
TT_EXPORT("tt_status_name") const char* tt_status_name(int32_t status);  // NUL-terminated

// specials: `count` records of {u32 id, u32 length, length bytes of UTF-8}, little-endian and
// packed. On success out.a is the handle.
TT_EXPORT("tt_encoding_create")
int32_t tt_encoding_create(const uint8_t* vocab, size_t vocab_size, uint32_t family,
                           const uint8_t* specials, size_t specials_size, uint32_t count);
TT_EXPORT("tt_encoding_destroy") void tt_encoding_destroy(void* handle);

// allowed / disallowed: one byte per special token, or 0 for none (turbotoken::SpecialPolicy).
// encode: out = {ids, count}. count: out.a = the count. On kDisallowedSpecial out.a is the index
// of the offending special token.
TT_EXPORT("tt_encode")
int32_t tt_encode(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                  const uint8_t* allowed, const uint8_t* disallowed);
TT_EXPORT("tt_count")
int32_t tt_count(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                 const uint8_t* allowed, const uint8_t* disallowed);

// Early stop (limits saturate: 0xFFFFFFFF means none). encode_prefix: out = {ids, count}, the
// first max_tokens ids of tt_encode's. count_up_to: out.a = the count, exact when <= limit.
TT_EXPORT("tt_encode_prefix")
int32_t tt_encode_prefix(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                         const uint8_t* allowed, const uint8_t* disallowed, uint32_t max_tokens);
TT_EXPORT("tt_count_up_to")
int32_t tt_count_up_to(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                       const uint8_t* allowed, const uint8_t* disallowed, uint32_t limit);
// out = {ids, count}; tt_offsets(0) then points at the UTF-8 byte offsets, tt_offsets(1) at the
// UTF-16 offsets (count entries each), until the next call.
TT_EXPORT("tt_encode_offsets")
int32_t tt_encode_offsets(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                          const uint8_t* allowed, const uint8_t* disallowed);
TT_EXPORT("tt_offsets") const uint32_t* tt_offsets(uint32_t which);
// out = {positions, count}: every byte position of the text where a cut is safe (for tests).
TT_EXPORT("tt_safe_cuts") void tt_safe_cuts(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid);
// out = {ends, count}: where each piece of the encoding's native scanner ends (all ordinary text).
TT_EXPORT("tt_piece_ends") void tt_piece_ends(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid);
// Caller-delimited pieces (turbotoken::encode_pieces): out = {ids, count}.
TT_EXPORT("tt_encode_pieces")
int32_t tt_encode_pieces(const void* handle, const uint8_t* bytes, size_t size, const uint32_t* ends,
                         size_t count);

// out = {bytes, length}; on kInvalidTokenId out.a is the index of the bad id.
TT_EXPORT("tt_decode") int32_t tt_decode(const void* handle, const uint32_t* ids, size_t n);

// 1 with out = {bytes, length}, or 0 when there is no such token / special token.
TT_EXPORT("tt_token_bytes") uint32_t tt_token_bytes(const void* handle, uint32_t id);
TT_EXPORT("tt_special_text") uint32_t tt_special_text(const void* handle, uint32_t index);

TT_EXPORT("tt_special_count") uint32_t tt_special_count(const void* handle);
// The id of the token with exactly these bytes, or 0xFFFFFFFF.
TT_EXPORT("tt_single_token")
uint32_t tt_single_token(const void* handle, const uint8_t* bytes, size_t n);
TT_EXPORT("tt_max_token_value") uint32_t tt_max_token_value(const void* handle);
TT_EXPORT("tt_memory_bytes") uint32_t tt_memory_bytes(const void* handle);

// 0 by length, 1 direct, 2 heap, 3 buckets (turbotoken::MergeStrategy); kTtBadArgument otherwise.
TT_EXPORT("tt_set_merge_strategy") int32_t tt_set_merge_strategy(uint32_t strategy);

// Pre-tokenizer kernels (core/kernels.h) by index: the name of kernel k as a NUL-terminated
// string in linear memory (0 past the last one), the active one, and selecting one.
TT_EXPORT("tt_kernel_name") const char* tt_kernel_name(uint32_t k);
TT_EXPORT("tt_active_kernel") uint32_t tt_active_kernel();
TT_EXPORT("tt_select_kernel") int32_t tt_select_kernel(uint32_t k);

// Memory accounting (runtime.cpp): a cap on linear memory for tests of the out-of-memory path
// (0 = none, the default: wasm32's 4 GiB), and whether the last trap was an allocation failure.
TT_EXPORT("tt_set_memory_limit") void tt_set_memory_limit(size_t bytes);
TT_EXPORT("tt_out_of_memory") uint32_t tt_out_of_memory();
