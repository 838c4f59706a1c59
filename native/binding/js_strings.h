// Decoded text to a JS string without V8's UTF-8 decoder, which runs at 0.3-0.5 GB/s on text
// that is not ASCII. The core writes the text as Latin-1 (when it is all ASCII) or as UTF-16.
// Shorter text V8 copies into a new string (napi_create_string_latin1/utf16). Text of 2^20 bytes
// and more is written into a buffer that the environment keeps until a call other than such a
// decode; from 2^20 units on, the JS side makes the string from it with Buffer#toString's slices
// (setBufferText): Node then makes an external string from a malloc'd copy, where V8 would
// allocate and fill a string in fresh large-object pages, paying a page fault per 4 KB (10M
// units: 4.2 against about 15 ms; docs/performance.md, "Decode"). (Not an external string of
// ours: Node 20 runs an addon's string finalizers from the event loop, so a synchronous loop of
// decodes held every buffer until it yielded.)
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "../core/encoding.h"

namespace turbotoken_binding {

// Node makes an external string in Buffer's latin1Slice / ucs2Slice from its EXTERN_APEX
// (0xFBEE9 units) up; below that it calls the same V8 function as napi_create_string_*.
constexpr size_t kLargeTextUnits = size_t(1) << 20;

struct FreeText {
  void operator()(void* p) const { std::free(p); }
};

struct DecodedText {
  std::unique_ptr<char[], FreeText> latin1;     // set when every character is ASCII
  std::unique_ptr<char16_t[], FreeText> utf16;  // set otherwise
  size_t length = 0;                            // characters (Latin-1) or code units (UTF-16)
};

// Decodes ids into *text (no JS calls: safe on a worker thread). kInvalidTokenId with
// *bad_index, or kOutOfMemory.
turbotoken::Status decode_text(const turbotoken::Encoding& core, const uint32_t* ids, size_t count,
                               DecodedText* text, size_t* bad_index);

// The JS string holding a copy of text, or an empty value with a pending error. *kept is set
// when the environment now keeps the large-text buffer (the caller notes it for CallScratch).
Napi::Value to_js_string(Napi::Env env, DecodedText& text, bool* kept);

// decode(): the JS string of ids, or an empty value with a pending error; *kept as above.
Napi::Value decode_to_string(Napi::Env env, const turbotoken::Encoding& core, const uint32_t* ids, size_t count,
                             bool* kept);

// Frees the environment's large-text buffer (CallScratch, after any other call).
void release_large_text(napi_env env);

// Marks this thread's environment as keeping that buffer (native_encoding.cpp), for a decode whose
// text became a string outside a CallScratch (decodeAsync).
void note_large_text_kept();

// An ArrayBuffer of `bytes` that the caller fills entirely: from 4 KiB its memory comes from
// Node's Buffer allocation, which skips the zero-filling that ArrayBuffer::New does first (4% of
// decodeBytes); under that, ArrayBuffer::New's fill costs less than the Buffer's extra objects.
// *data is its memory, never null. nullptr, with ERR_OUT_OF_MEMORY pending (or nothing, while the
// environment terminates and napi refuses everything), when the memory cannot be had.
napi_value unfilled_array_buffer(napi_env env, size_t bytes, void** data);

// A typed array of `length` elements over ab from its start, or nullptr when napi refused.
napi_value typed_view(napi_env env, napi_typedarray_type type, size_t length, napi_value ab);

// An ArrayBuffer over the first `bytes` of `source`'s memory (a vector or LargeBuffer), which it
// takes over and frees when the buffer is collected: a large result reaches JS with no copy, so a
// call's peak memory holds it once. nullptr, with `source` left as it was, where the runtime has no
// external buffers (V8's sandbox) or napi refused; the caller then copies.
template <typename Owner>
napi_value adopt_buffer(napi_env env, Owner& source, size_t bytes) {
  auto* owned = new Owner(std::move(source));
  auto free_owner = [](napi_env, void*, void* hint) { delete static_cast<Owner*>(hint); };
  napi_value buffer = nullptr;
  if (napi_create_external_arraybuffer(env, owned->data(), bytes, free_owner, owned, &buffer) != napi_ok) {
    source = std::move(*owned);
    delete owned;
    return nullptr;
  }
  return buffer;
}

}  // namespace turbotoken_binding
