#include "returned_ids.h"

#include <algorithm>
#include <atomic>

namespace turbotoken_binding {

namespace {

struct ReturnedIds {
  std::vector<uint32_t> ids;  // its size: the ids the result held (its pages in use)
  // Taken back by reclaim_collected_results: the finalizer then frees only this record.
  bool reclaimed = false;
};

std::atomic<ReturnedIds*>& returned_ids_slot() {
  static std::atomic<ReturnedIds*> slot{nullptr};
  return slot;
}
// Blocks past this many bytes are freed, not kept: the slot never holds more than one such block.
constexpr size_t kMostReturnedBytes = size_t(256) << 20;

// This thread's last large results whose finalizers have not run: each one's block and a weak
// reference to its ArrayBuffer in the environment that made it. Finalizers run on their
// environment's JS thread, the thread that made the result, so this thread's list is the one
// that holds it. Once a result's ArrayBuffer is collected nothing can read its memory: napi's
// external buffers cannot be detached, so no transfer carries the memory to another ArrayBuffer.
struct Watched {
  ReturnedIds* block = nullptr;
  napi_ref result = nullptr;
  napi_env env = nullptr;
};
constexpr int kWatched = 4;
struct WatchList {
  Watched w[kWatched];
};
WatchList& watch_list() {
  thread_local WatchList list;
  return list;
}

// Stops watching a result (its finalizer still runs).
void unwatch(Watched& w) {
  if (w.result) napi_delete_reference(w.env, w.result);
  w = Watched{};
}

// Watches a result just made, in place of the oldest one watched.
void watch(napi_env env, napi_value array_buffer, ReturnedIds* block) {
  Watched* list = watch_list().w;
  Watched* slot = std::find_if(list, list + kWatched, [](const Watched& w) { return !w.block; });
  if (slot == list + kWatched) {  // all in use: the oldest is first
    unwatch(list[0]);
    std::move(list + 1, list + kWatched, list);
    slot = list + kWatched - 1;
  }
  napi_ref ref = nullptr;
  if (napi_create_reference(env, array_buffer, 0, &ref) == napi_ok) *slot = Watched{block, ref, env};
}

void give_back_ids(napi_env env, void*, void* hint) {
  auto* r = static_cast<ReturnedIds*>(hint);
  for (Watched& w : watch_list().w) {
    if (w.block == r) unwatch(w);
  }
  if (r->reclaimed || r->ids.capacity() * sizeof(uint32_t) > kMostReturnedBytes) {
    delete r;
    return;
  }
  delete returned_ids_slot().exchange(r, std::memory_order_acq_rel);
}

}  // namespace

napi_value adopt_ids_block(napi_env env, std::vector<uint32_t>& ids) {
  auto* owner = new ReturnedIds{std::move(ids)};
  napi_value ab = nullptr;
  if (napi_create_external_arraybuffer(env, owner->ids.data(), owner->ids.size() * 4, give_back_ids, owner, &ab) != napi_ok) {
    ids = std::move(owner->ids);
    delete owner;
    return nullptr;
  }
  watch(env, ab, owner);
  return ab;
}

void take_returned_block(std::vector<uint32_t>& ids, size_t wanted, size_t* touched) {
  auto& slot = returned_ids_slot();
  if (!slot.load(std::memory_order_relaxed)) return;
  ReturnedIds* r = slot.exchange(nullptr, std::memory_order_acquire);
  if (!r) return;
  if (ids.capacity() == 0 && (wanted == 0 || (r->ids.capacity() >= wanted && r->ids.capacity() / 4 <= wanted))) {
    *touched = r->ids.size();
    r->ids.clear();
    ids.swap(r->ids);
  }
  delete r;
}

void reclaim_collected_results(napi_env env, std::vector<uint32_t>& ids, size_t* touched) {
  for (Watched& w : watch_list().w) {
    if (!w.block || w.env != env) continue;
    napi_value alive = nullptr;
    if (napi_get_reference_value(env, w.result, &alive) != napi_ok || alive) continue;
    ReturnedIds* r = w.block;
    unwatch(w);
    r->reclaimed = true;
    if (r->ids.capacity() > ids.capacity()) {
      *touched = r->ids.size();
      r->ids.clear();
      ids.swap(r->ids);
    }
    std::vector<uint32_t>().swap(r->ids);  // the smaller block
  }
}

}  // namespace turbotoken_binding
