// One large text encoded on several native threads: cut at safe places (core/safe_cut.h), each
// part encoded alone, the ids joined. The result is the single-threaded one by construction.
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include "../core/encoding.h"
#include "../core/large_array.h"

namespace turbotoken_binding {

// Appends the ids of text to *ids (or, when ids is null, sets *count), using up to `threads`
// threads when the text is long enough (core/safe_cut.h: kParallelMinBytes) and has safe cuts.
turbotoken::Status encode_split(const turbotoken::Encoding& core, const uint8_t* text, size_t n,
                                bool may_be_invalid, const turbotoken::SpecialPolicy& policy,
                                unsigned threads, std::vector<uint32_t>* ids, size_t* count,
                                turbotoken::SpecialMatch* offending);

// Makes room in `ids` for the most ids a text of `bytes` gives (an id covers at least one byte;
// only ill-formed text, repaired, can give more, and then the vector grows as usual). Untouched
// pages of the block take no memory, while growing by doubling held the old block beside the new
// one: 2.6 bytes per input byte on 16 MB of mixed-case letters. From 1 MiB of text (below, the
// doublings are small) to 1 GiB (so that the reservation stays far below any machine's memory).
inline void reserve_ids_for_text(std::vector<uint32_t>& ids, size_t bytes) {
  constexpr size_t kFrom = size_t(1) << 20, kUpTo = size_t(1) << 30;
  if (bytes < kFrom || bytes > kUpTo || ids.capacity() > bytes) return;
  try {
    ids.reserve(bytes + 1);
  } catch (const std::bad_alloc&) {
    return;  // the vector grows as it goes instead
  }
  turbotoken::advise_huge_pages(ids.data(), ids.capacity() * sizeof(uint32_t));
}

// Starts work() on a new thread in workers, or, when the system refuses a thread, runs it here.
template <typename Work>
void start_or_run_here(std::vector<std::thread>& workers, Work work) {
  try {
    workers.emplace_back(work);
  } catch (const std::system_error&) {
    work();
  }
}

}  // namespace turbotoken_binding
