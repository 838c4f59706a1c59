#!/usr/bin/env bash
# Builds the fuzz targets (ASan + UBSan, clang 19 with libFuzzer), runs the regression runner over
# the stored reference outputs, then fuzzes the core for a bounded time. See docs/fuzzing.md.
#   scripts/fuzz.sh [seconds]     (default 60; the corpus grows in build/fuzz/corpus)
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
cmake --build "$build" -j 2 --target fuzz_encode regress >/dev/null

rm -rf "$build/seed"
mkdir -p "$build/seed" "$build/corpus" "$build/artifacts"
"$build/regress" --write-corpus "$build/seed"

set +e
"$build/fuzz_encode" "$build/corpus" "$build/seed" \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  -dict=fuzz/fuzz.dict -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 |
  grep -v -E '^(#[0-9]+\s+(NEW|REDUCE|pulse)|"|###### )'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "fuzz.sh: the fuzzer found a failing input (exit $status); see build/fuzz/artifacts/" >&2
  exit 1
fi
echo "fuzz.sh: no failure in ${seconds}s"
