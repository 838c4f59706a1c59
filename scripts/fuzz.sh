#!/usr/bin/env bash
# Builds the fuzz targets (ASan + UBSan, clang 19 with libFuzzer), runs the regression runner over
# the stored reference outputs, then fuzzes the core for a bounded time: fuzz_encode for the given
# seconds, then fuzz_shared (input rewritten by another thread), fuzz_pattern (custom patterns
# and vocabularies) and fuzz_snappy (the snappy decoder) for a third of that each, from their seeds
# in fuzz/seeds/. See docs/fuzzing.md.
#   scripts/fuzz.sh [seconds]     (default 60; the corpora grow in build/fuzz/corpus*)
# Exits nonzero when a check fails or the fuzzer finds a crash (saved in build/fuzz/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build/fuzz

if [ ! -d /usr/lib/llvm-19/lib/clang/19/lib/linux ] || ! command -v clang++-19 >/dev/null; then
  echo "fuzz.sh: needs clang-19 and libclang-rt-19-dev (apt-get install clang-19 libclang-rt-19-dev)" >&2
  exit 2
fi
cmake -S . -B "$build" -DTURBOTOKEN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j 2 --target fuzz_encode fuzz_shared fuzz_pattern fuzz_snappy regress >/dev/null

rm -rf "$build/seed"
mkdir -p "$build/seed" "$build/corpus" "$build/artifacts"
"$build/regress" --write-corpus "$build/seed"

# fuzz <target> <seconds> <max_len> <corpus dirs...>: a crash or failed check is saved in
# build/fuzz/artifacts/ and fails the script.
fuzz() {
  local target=$1 time=$2 max_len=$3
  shift 3
  echo "== $target, ${time} s"
  set +e
  "$build/$target" "$@" \
    -max_total_time="$time" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -dict=fuzz/fuzz.dict -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 |
    grep -v -E '^(#[0-9]+\s+(NEW|REDUCE|pulse)|"|###### |\s+NEW_FUNC|.*external symbolizer)'
  local status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: $target found a failing input (exit $status); see build/fuzz/artifacts/" >&2
    exit 1
  fi
}
third=$(( seconds / 3 > 10 ? seconds / 3 : 10 ))
mkdir -p "$build/corpus-shared" "$build/corpus-pattern" "$build/corpus-snappy"
fuzz fuzz_encode "$seconds" 4096 "$build/corpus" "$build/seed"
fuzz fuzz_shared "$third" 4096 "$build/corpus-shared" fuzz/seeds/shared
fuzz fuzz_pattern "$third" 1024 "$build/corpus-pattern" fuzz/seeds/pattern
fuzz fuzz_snappy "$third" 65536 "$build/corpus-snappy"
echo "fuzz.sh: no failure in ${seconds} + 3 x ${third} s"
