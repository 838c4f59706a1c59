// Work that leaves the JS thread: encode / count / decode on libuv's thread pool (resolving a
// Promise). Inputs are copied on the JS thread
// (a JS string can't be read elsewhere); results are handed over without a second copy.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "../core/encoding.h"
#include "text_input.h"

namespace turbotoken_binding {

// The special-token policy, owned (the JS masks may change after the call returns).
struct OwnedPolicy {
  std::vector<uint8_t> allowed, disallowed;
  bool has_allowed = false, has_disallowed = false;
  turbotoken::SpecialPolicy view() const {
    return {has_allowed ? allowed.data() : nullptr, has_disallowed ? disallowed.data() : nullptr};
  }
};

enum class JobKind { kEncode, kCount, kDecode };

struct JobInput {
  JobKind kind;
  std::shared_ptr<const turbotoken::Encoding> core;
  ByteBuffer text;                 // encode, count
  // A long string arrives as its UTF-16 copy (a memcpy on the JS thread, into the spare buffer's
  // warm pages) and becomes UTF-8 in place on the worker; V8's own UTF-8 conversion would hold
  // the JS thread for ~0.5 s per 100 MB. Used instead of `text` when its buffer is set.
  LongString long_text;
  LargeBuffer discard;             // freed on the worker (a spare this call let go)
  bool may_be_invalid = false;
  std::vector<uint32_t> ids;       // decode
  // encode: memory for the ids, a block of a result JS has collected (returned_ids.h), or none
  std::vector<uint32_t> result_block;
  OwnedPolicy policy;
  unsigned threads = 1;            // encode, count: split a long text over this many threads
};

// Queues the job and returns its promise; nullptr when napi refused (an error may be pending).
napi_value start_job(napi_env env, JobInput input);

}  // namespace turbotoken_binding
