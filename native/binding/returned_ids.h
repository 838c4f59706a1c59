// Large results' ids blocks, handed to JS and taken back once JS has collected them. A stream of
// large encodes otherwise fills fresh pages for every result, which the kernel zeroes first (14% of
// the samples of a 10 MB encode). Used by the synchronous calls (native_encoding.cpp) and the
// async ones (async_jobs.cpp).
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace turbotoken_binding {

// Results of this many ids or more take over the block they were made in.
constexpr size_t kAdoptedIds = size_t(1) << 18;

// An ArrayBuffer over ids' memory, which it takes over (ids is left empty): when JS collects it the
// block goes to a one-block slot that any thread's next large call takes from (take_returned_block),
// and until then this thread watches it (reclaim_collected_results). nullptr, with ids left as it
// was, where napi refused (the caller then copies). On the JS thread.
napi_value adopt_ids_block(napi_env env, std::vector<uint32_t>& ids);

// The block in the slot, moved into ids if ids has no memory and the block holds `wanted` ids
// without being more than 4x that (a larger one is freed: one large call must not pin it), or,
// with wanted 0, whatever its size. The block's size before (its pages in use) goes to *touched.
// Any thread.
void take_returned_block(std::vector<uint32_t>& ids, size_t wanted, size_t* touched);

// Node runs an external buffer's finalizer from a later turn of the event loop, not in the
// collection that freed it, so a loop with no turn (a synchronous loop, or one that awaits only
// promises) would get no block back. This checks the weak references to this thread's last large
// results: the largest collected block moves into ids if it is larger than ids' own, and the
// other collected ones are freed at once. On the JS thread.
void reclaim_collected_results(napi_env env, std::vector<uint32_t>& ids, size_t* touched);

}  // namespace turbotoken_binding
