// findMatches(program, bytes): the linear-time pattern matcher (native/core/regex/) for
// split patterns that no native scanner implements; src/pattern-matcher.ts calls it.
#pragma once
#include <napi.h>

namespace turbotoken_binding {

void export_pattern_matcher(Napi::Env env, Napi::Object exports);

}  // namespace turbotoken_binding
