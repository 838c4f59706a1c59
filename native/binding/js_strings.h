// Decoded text to a JS string without V8's UTF-8 decoder, which runs at 0.3-0.5 GB/s on text
// that is not ASCII. The core writes the text as Latin-1 (when it is all ASCII) or as UTF-16,
// which V8 copies at memory speed. (Not an external string: Node 20 runs an addon's string
// finalizers from the event loop, so a synchronous loop of decodes held every buffer until it
// yielded.)
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "../core/encoding.h"

namespace turbotoken_binding {

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

// The JS string holding a copy of text, or an empty value with a pending error.
Napi::Value to_js_string(Napi::Env env, DecodedText& text);

}  // namespace turbotoken_binding
