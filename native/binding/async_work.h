// The start and end of one napi async work item, shared by the encode / count / decode jobs and
// the trainer's jobs. Raw napi, so that every step that can fail while a worker thread terminates
// is checked: napi then refuses anything that may run JS.
#pragma once
#include <node_api.h>

namespace turbotoken_binding {

// Creates and queues the work and returns `promise`; when napi refused, calls abandon() (which
// frees the job) and throws the error napi left pending, if any, in its stead: the promise is
// never handed out, and the result is nullptr.
template <typename Abandon>
napi_value queue_async_work(napi_env env, const char* name, napi_async_execute_callback execute,
                            napi_async_complete_callback complete, void* data, napi_async_work* work,
                            napi_value promise, Abandon&& abandon) {
  napi_value resource_name, error = nullptr;
  if (napi_create_string_latin1(env, name, NAPI_AUTO_LENGTH, &resource_name) == napi_ok &&
      napi_create_async_work(env, nullptr, resource_name, execute, complete, data, work) == napi_ok &&
      napi_queue_async_work(env, *work) == napi_ok)
    return promise;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &error);
  abandon();
  if (error) napi_throw(env, error);
  return nullptr;
}

// Rejects `deferred` if it is still open, with the pending exception or, when napi left none (the
// environment terminating), not at all; then deletes the work. Leaves no exception pending: one
// left after the completion callback would be reported as uncaught.
inline void end_async_work(napi_env env, napi_deferred deferred, napi_async_work work) {
  if (deferred) {
    napi_value error = nullptr;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env, &error) == napi_ok && error)
      napi_reject_deferred(env, deferred, error);
  }
  bool pending = false;
  napi_value ignored;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ignored);
  if (work) napi_delete_async_work(env, work);
}

}  // namespace turbotoken_binding
