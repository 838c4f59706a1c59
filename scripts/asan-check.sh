#!/usr/bin/env bash
# The native addon built with AddressSanitizer and UndefinedBehaviorSanitizer (g++, into build/asan;
# the addon npm builds in build/Release is untouched), with the test-only race hook compiled in
# (native/core/test_hook.h, test/sanitizer/race_hook.cpp), then the shared-memory races
# (test/sanitizer/shared-memory-races.mjs) run on it under node with the sanitizer runtime
# preloaded. Fails on any sanitizer report, a failed assertion or a crash.
#   scripts/asan-check.sh [seconds-per-race]     (default 3)
# Needs g++ with its libasan and libubsan (Debian's libasan8 and libubsan1: dependencies of
# libgcc-12-dev, which g++-12 depends on), the Node headers node-gyp uses (nodedir in .npmrc) and
# an installed tree (npm ci: node_modules and dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
out=build/asan
cxx=${CXX:-g++}

asan_runtime=$("$cxx" -print-file-name=libasan.so)
if [ ! -e "$asan_runtime" ]; then
  echo "asan-check.sh: $cxx has no libasan.so (apt-get install g++)" >&2
  exit 2
fi
node_headers=$(node -p "require('path').resolve(process.execPath, '../../include/node')")
if [ -f .npmrc ] && grep -q '^nodedir=' .npmrc; then node_headers="$(sed -n 's/^nodedir=//p' .npmrc)/include/node"; fi
addon_api=$(node -p "require('node-addon-api').include_dir")

# The flags of binding.gyp, at -O1 with the sanitizers; the hook only here.
flags=(-std=c++17 -O1 -g1 -fPIC -fexceptions -fvisibility=hidden -fno-omit-frame-pointer
       -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -DTURBOTOKEN_TEST_HOOKS -DNAPI_VERSION=8 -DNAPI_DISABLE_CPP_EXCEPTIONS
       -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED
       -DBUILDING_NODE_EXTENSION -I"$node_headers" -I"$addon_api" -Inative/core)

mkdir -p "$out/obj"
sources=$(node scripts/sources.js addon; echo test/sanitizer/race_hook.cpp)
objects=()
for src in $sources; do objects+=("$out/obj/$(echo "$src" | tr / _).o"); done
start=$SECONDS
# Two compilers at a time. Everything is rebuilt when a header changed since the last build,
# else only the sources newer than their objects.
stamp="$out/obj/.stamp"
if [ ! -f "$stamp" ] || [ -n "$(find native test/sanitizer -name '*.h' -newer "$stamp" | head -1)" ]; then
  rm -f "$out"/obj/*.o
fi
export out flags_line="${flags[*]}" cxx
echo "$sources" | xargs -P 2 -I{} bash -c '
  obj="$out/obj/$(echo "$1" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$1" -nt "$obj" ]; then $cxx $flags_line -c "$1" -o "$obj"; fi' _ {}
touch "$stamp"
pkg="$out/pkg"
mkdir -p "$pkg/build/Release"
"$cxx" -shared -fsanitize=address,undefined -o "$pkg/build/Release/turbotoken.node" "${objects[@]}"
echo "asan-check.sh: built $pkg/build/Release/turbotoken.node in $((SECONDS - start)) s"

# A package root for node-gyp-build to find that addon in: dist/ copied (the package root is
# found from its files' own paths), data/ and wasm/ linked.
rm -rf "$pkg/dist"
cp -r dist "$pkg/dist"
cp package.json "$pkg/package.json"
ln -sfn "$PWD/data" "$pkg/data"
ln -sfn "$PWD/wasm" "$pkg/wasm"

# The shipped addon has no hook.
node -e "if ('setRaceHook' in require('./build/Release/turbotoken.node')) { console.error('asan-check.sh: build/Release/turbotoken.node exports setRaceHook'); process.exit(1); }"

log=$(mktemp)
set +e
LD_PRELOAD="$asan_runtime" \
ASAN_OPTIONS=detect_leaks=0:allow_user_segv_handler=1:abort_on_error=1:detect_odr_violation=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
TURBOTOKEN_BACKEND=native \
  node test/sanitizer/shared-memory-races.mjs "$PWD/$pkg" "$seconds" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if grep -q -E 'ERROR: AddressSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior)Sanitizer' "$log"; then
  echo "asan-check.sh: sanitizer report (above)" >&2
  status=1
fi
rm -f "$log"
if [ "$status" -ne 0 ]; then
  echo "asan-check.sh: failed (exit $status)" >&2
  exit 1
fi
echo "asan-check.sh: no sanitizer report, every result checked ($((SECONDS - start)) s)"
