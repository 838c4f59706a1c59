#include "wasm_api.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "../core/bpe/bpe.h"
#include "../core/pretok/custom_pieces.h"
#include "../core/encoding.h"
#include "../core/kernels.h"
#include "../core/text/utf8.h"

using turbotoken::Encoding;
using turbotoken::SpecialMatch;
using turbotoken::SpecialPolicy;
using turbotoken::Status;

namespace {

// What a handle points at: the core hands out shared ownership, the JS side holds a plain offset.
struct Handle {
  std::shared_ptr<const Encoding> core;
};

TtOut g_out;
// Reused across calls, as the native binding does, so short calls allocate only their input.
std::vector<uint32_t> g_ids;
std::vector<uint8_t> g_bytes;
std::vector<uint32_t> g_offsets[2];  // tt_encode_offsets: UTF-8, UTF-16

const Encoding& core(const void* handle) { return *static_cast<const Handle*>(handle)->core; }

int32_t status(Status s) { return int32_t(s); }

uint32_t read_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

bool parse_specials(const uint8_t* p, size_t size, uint32_t count,
                    std::vector<turbotoken::SpecialToken>& out) {
  size_t at = 0;
  for (uint32_t k = 0; k < count; k++) {
    if (size - at < 8) return false;
    uint32_t id = read_u32(p + at);
    uint32_t len = read_u32(p + at + 4);
    at += 8;
    if (size - at < len) return false;
    out.push_back({std::string(reinterpret_cast<const char*>(p + at), len), id});
    at += len;
  }
  return at == size;
}

void set_out(const void* data, size_t len) {
  g_out.a = uint32_t(reinterpret_cast<uintptr_t>(data));
  g_out.b = uint32_t(len);
}

// Room for the most ids a text of `bytes` gives (an id covers at least one byte), so that the ids
// grow in place: this memory never shrinks, and growing by doubling kept every old block beside
// the new one (about 4 bytes per input byte on long pieces). Untouched pages take no memory.
// Tried first with the allocator that fails rather than traps, since a reservation the memory
// cannot hold must not fail a text whose ids would fit; up to 64 MiB of text (256 MB of room).
void reserve_ids_for_text(size_t bytes) {
  constexpr size_t kFrom = size_t(1) << 20, kUpTo = size_t(1) << 26;
  if (bytes < kFrom || bytes > kUpTo || g_ids.capacity() > bytes) return;
  void* probe = tt_alloc((bytes + 1) * sizeof(uint32_t));
  if (!probe) return;
  tt_free(probe);
  g_ids.reserve(bytes + 1);
}

SpecialPolicy policy(const uint8_t* allowed, const uint8_t* disallowed) {
  SpecialPolicy p;
  p.allowed = allowed;
  p.disallowed = disallowed;
  return p;
}

}  // namespace

TtOut* tt_out() { return &g_out; }

void tt_release_scratch() {
  std::vector<uint32_t>().swap(g_ids);
  std::vector<uint8_t>().swap(g_bytes);
  for (auto& v : g_offsets) std::vector<uint32_t>().swap(v);
}

const char* tt_status_name(int32_t s) {
  if (s == kTtBadArgument) return "bad argument";
  return turbotoken::status_name(Status(uint8_t(s)));
}

int32_t tt_encoding_create(const uint8_t* vocab, size_t vocab_size, uint32_t family,
                           const uint8_t* specials, size_t specials_size, uint32_t count) {
  if (family >= uint32_t(turbotoken::kFamilyCount)) return kTtBadArgument;
  turbotoken::EncodingSpec spec;
  spec.vocab_blob = vocab;
  spec.vocab_size = vocab_size;
  spec.family = turbotoken::Family(family);
  if (!parse_specials(specials, specials_size, count, spec.specials)) return kTtBadArgument;
  Handle* handle = new (std::nothrow) Handle();
  if (!handle) return status(Status::kOutOfMemory);
  Status st = Encoding::create(spec, &handle->core);
  if (st != Status::kOk) {
    delete handle;
    return status(st);
  }
  g_out.a = uint32_t(reinterpret_cast<uintptr_t>(handle));
  return status(Status::kOk);
}

void tt_encoding_destroy(void* handle) { delete static_cast<Handle*>(handle); }

int32_t tt_encode(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                  const uint8_t* allowed, const uint8_t* disallowed) {
  g_ids.clear();
  reserve_ids_for_text(n);
  SpecialMatch bad;
  Status st = core(handle).encode(text, n, may_be_invalid != 0, policy(allowed, disallowed),
                                  g_ids, &bad);
  if (st == Status::kDisallowedSpecial) g_out.a = bad.index;
  if (st == Status::kOk) set_out(g_ids.data(), g_ids.size());
  return status(st);
}

int32_t tt_count(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                 const uint8_t* allowed, const uint8_t* disallowed) {
  size_t count = 0;
  SpecialMatch bad;
  Status st = core(handle).count(text, n, may_be_invalid != 0, policy(allowed, disallowed),
                                 &count, &bad);
  g_out.a = uint32_t(st == Status::kDisallowedSpecial ? bad.index : count);
  return status(st);
}

int32_t tt_encode_prefix(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                         const uint8_t* allowed, const uint8_t* disallowed, uint32_t max_tokens) {
  g_ids.clear();
  SpecialMatch bad;
  size_t max = max_tokens == 0xFFFFFFFFu ? SIZE_MAX : max_tokens;
  Status st = core(handle).encode_prefix(text, n, may_be_invalid != 0, policy(allowed, disallowed), max,
                                         g_ids, &bad);
  if (st == Status::kDisallowedSpecial) g_out.a = bad.index;
  if (st == Status::kOk) set_out(g_ids.data(), g_ids.size());
  return status(st);
}

int32_t tt_encode_pieces(const void* handle, const uint8_t* bytes, size_t size, const uint32_t* ends,
                         size_t count) {
  g_ids.clear();
  Status st = turbotoken::encode_pieces(core(handle), bytes, size, ends, count, g_ids);
  if (st == Status::kOk) set_out(g_ids.data(), g_ids.size());
  return status(st);
}

int32_t tt_count_up_to(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                       const uint8_t* allowed, const uint8_t* disallowed, uint32_t limit) {
  size_t count = 0;
  SpecialMatch bad;
  size_t max = limit == 0xFFFFFFFFu ? SIZE_MAX : limit;
  Status st = core(handle).count_up_to(text, n, may_be_invalid != 0, policy(allowed, disallowed), max,
                                       &count, &bad);
  g_out.a = uint32_t(st == Status::kDisallowedSpecial ? bad.index : count);
  return status(st);
}

int32_t tt_encode_offsets(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid,
                          const uint8_t* allowed, const uint8_t* disallowed) {
  g_ids.clear();
  for (auto& v : g_offsets) v.clear();
  SpecialMatch bad;
  Status st = core(handle).encode_with_offsets(text, n, may_be_invalid != 0, policy(allowed, disallowed),
                                               g_ids, g_offsets[0], g_offsets[1], &bad);
  if (st == Status::kDisallowedSpecial) g_out.a = bad.index;
  if (st == Status::kOk) set_out(g_ids.data(), g_ids.size());
  return status(st);
}

const Encoding& tt_encoding_core(const void* handle) { return core(handle); }

const uint32_t* tt_offsets(uint32_t which) { return g_offsets[which ? 1 : 0].data(); }

void tt_piece_ends(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid) {
  g_ids.clear();
  core(handle).piece_ends(text, n, may_be_invalid != 0, g_ids);
  set_out(g_ids.data(), g_ids.size());
}

void tt_safe_cuts(const void* handle, const uint8_t* text, size_t n, uint32_t may_be_invalid) {
  g_ids.clear();
  core(handle).safe_cuts(text, n, may_be_invalid != 0, g_ids);
  set_out(g_ids.data(), g_ids.size());
}

int32_t tt_decode(const void* handle, const uint32_t* ids, size_t n) {
  g_bytes.clear();
  size_t bad = 0;
  Status st = core(handle).decode(ids, n, g_bytes, &bad);
  if (st == Status::kOk) set_out(g_bytes.data(), g_bytes.size());
  else g_out.a = uint32_t(bad);
  return status(st);
}

uint32_t tt_token_bytes(const void* handle, uint32_t id) {
  const uint8_t* data;
  size_t len;
  if (!core(handle).token_bytes(id, &data, &len)) return 0;
  set_out(data, len);
  return 1;
}

uint32_t tt_special_text(const void* handle, uint32_t index) {
  const auto& specials = core(handle).specials();
  if (index >= specials.size()) return 0;
  set_out(specials[index].text.data(), specials[index].text.size());
  return 1;
}

uint32_t tt_special_count(const void* handle) { return uint32_t(core(handle).specials().size()); }

uint32_t tt_single_token(const void* handle, const uint8_t* bytes, size_t n) {
  return core(handle).single_token(bytes, n);
}

uint32_t tt_max_token_value(const void* handle) { return core(handle).max_token_value(); }

uint32_t tt_memory_bytes(const void* handle) {
  return uint32_t(core(handle).vocab().memory_bytes());
}

const char* tt_kernel_name(uint32_t k) {
  std::vector<const char*> names = turbotoken::available_kernels();
  return k < names.size() ? names[k] : nullptr;
}

uint32_t tt_active_kernel() {
  std::vector<const char*> names = turbotoken::available_kernels();
  const char* active = turbotoken::kernel_name();
  for (uint32_t k = 0; k < names.size(); k++)
    if (std::strcmp(names[k], active) == 0) return k;
  return 0;
}

int32_t tt_select_kernel(uint32_t k) {
  const char* name = tt_kernel_name(k);
  if (!name) return kTtBadArgument;
  return status(turbotoken::select_kernel(name));
}

int32_t tt_set_merge_strategy(uint32_t strategy) {
  if (strategy > uint32_t(turbotoken::kLastMergeStrategy)) return kTtBadArgument;
  turbotoken::set_merge_strategy(turbotoken::MergeStrategy(strategy));
  return status(Status::kOk);
}
