// One large text encoded on several native threads: cut at safe places (core/safe_cut.h), each
// part encoded alone, the ids joined. The result is the single-threaded one by construction.
#pragma once
#include <cstddef>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

#include "../core/encoding.h"

namespace turbotoken_binding {

// Appends the ids of text to *ids (or, when ids is null, sets *count), using up to `threads`
// threads when the text is long enough (core/safe_cut.h: kParallelMinBytes) and has safe cuts.
turbotoken::Status encode_split(const turbotoken::Encoding& core, const uint8_t* text, size_t n,
                                bool may_be_invalid, const turbotoken::SpecialPolicy& policy,
                                unsigned threads, std::vector<uint32_t>* ids, size_t* count,
                                turbotoken::SpecialMatch* offending);

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
