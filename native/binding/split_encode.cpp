#include "split_encode.h"

#include "../core/text/utf8.h"
#include "out_of_memory.h"

namespace turbotoken_binding {

using turbotoken::SpecialMatch;
using turbotoken::SpecialPolicy;
using turbotoken::Status;

namespace {

struct Part {
  std::vector<uint32_t> ids;
  size_t count = 0;
  Status status = Status::kOk;  // kByteNotInVocabulary is the one left once the whole was checked
};

// Parts are well-formed UTF-8 and were checked for disallowed special tokens already. The ids go
// to `ids` (the first part's straight into the result, so that a text without a safe cut is not
// held twice), or are counted when it is null.
void encode_part(const turbotoken::Encoding& core, const uint8_t* text, size_t n, const SpecialPolicy& policy,
                 std::vector<uint32_t>* ids, Part* out) {
  SpecialMatch unused;
  out->status = status_unless_out_of_memory([&] {
    if (!ids) return core.count(text, n, false, policy, &out->count, &unused);
    reserve_ids_for_text(*ids, ids->size() + n);
    return core.encode(text, n, false, policy, *ids, &unused);
  });
}

Status encode_serial(const turbotoken::Encoding& core, const uint8_t* text, size_t n, bool may_be_invalid,
                     const SpecialPolicy& policy, std::vector<uint32_t>* ids, size_t* count,
                     SpecialMatch* offending) {
  if (ids) return core.encode(text, n, may_be_invalid, policy, *ids, offending);
  return core.count(text, n, may_be_invalid, policy, count, offending);
}

}  // namespace

Status encode_split(const turbotoken::Encoding& core, const uint8_t* text, size_t n, bool may_be_invalid,
                    const SpecialPolicy& policy, unsigned threads, std::vector<uint32_t>* ids, size_t* count,
                    SpecialMatch* offending) {
  if (threads <= 1 || n < turbotoken::kParallelMinBytes || !core.cut_rules().enabled())
    return encode_serial(core, text, n, may_be_invalid, policy, ids, count, offending);
  std::vector<uint8_t> repaired;
  const turbotoken::Utf8View view = turbotoken::well_formed_view(text, n, may_be_invalid, repaired);
  text = view.data;
  n = view.size;
  if (core.find_disallowed(text, n, policy, offending)) return Status::kDisallowedSpecial;
  // No special token spans a safe cut (each rule has whitespace at p-1 or p, and no special token
  // contains whitespace), so each part finds exactly the allowed special tokens of the whole.
  SpecialPolicy part_policy{policy.allowed, nullptr};
  std::vector<size_t> bounds = turbotoken::split_at_safe_cuts(core.cut_rules(), text, n, threads);
  size_t k = bounds.size() - 1;
  std::vector<Part> parts(k);
  std::vector<std::thread> workers;
  workers.reserve(k);
  for (size_t i = 1; i < k; i++)
    start_or_run_here(workers, [&, i] {
      encode_part(core, text + bounds[i], bounds[i + 1] - bounds[i], part_policy, ids ? &parts[i].ids : nullptr, &parts[i]);
    });
  encode_part(core, text, bounds[1], part_policy, ids, &parts[0]);
  for (auto& w : workers) w.join();
  for (const Part& p : parts)
    if (p.status != Status::kOk) return p.status;
  size_t total = 0;
  for (const Part& p : parts) total += ids ? p.ids.size() : p.count;
  if (!ids) {
    *count = total;
    return Status::kOk;
  }
  ids->reserve(ids->size() + total);  // parts[0]'s ids are in already, and counted as none
  for (Part& p : parts) {
    ids->insert(ids->end(), p.ids.begin(), p.ids.end());
    std::vector<uint32_t>().swap(p.ids);
  }
  return Status::kOk;
}

}  // namespace turbotoken_binding
