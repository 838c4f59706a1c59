#!/usr/bin/env bash
# The core on arm64 without arm64 hardware: cross-compiles the core and the fuzz regression runner
# (fuzz/regress.cpp) for AArch64, statically, and runs it under qemu-aarch64 user-mode emulation.
# The runner holds every kernel (on AArch64: scalar and neon) to the stored tiktoken reference ids
# and compares neon with scalar on those cases, and its masks, pieces and ids on seeded random
# blocks and texts. See docs/fuzzing.md.
#   scripts/check-arm64.sh [random-texts]   (per kind and family; default 1000)
# Needs Debian's g++-aarch64-linux-gnu and qemu-user (it installs nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
random_texts=${1:-1000}
CXX=aarch64-linux-gnu-g++
QEMU=qemu-aarch64
build=build/arm64

missing=()
command -v "$CXX" >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v "$QEMU" >/dev/null || missing+=(qemu-user)
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-arm64.sh: missing ${missing[*]}; install with: apt-get install ${missing[*]}" >&2
  exit 2
fi

mkdir -p "$build"
# No sanitizers (those runs are scripts/fuzz.sh's, on x86-64); optimized, so the compiler treats
# the NEON code as in a release build; static, so qemu needs no arm64 library path at run time.
CXXFLAGS=(-std=c++17 -O2 -fno-exceptions -Wall -Wextra -Werror -Inative/core -Ifuzz
          "-DTURBOTOKEN_SOURCE_DIR=\"$root\"")
rm -f "$build/regress"
"$CXX" "${CXXFLAGS[@]}" -static $(node scripts/sources.js core) fuzz/manifest.cpp fuzz/checks.cpp fuzz/differential.cpp fuzz/byte_run_check.cpp fuzz/snappy_check.cpp \
  fuzz/regress.cpp -o "$build/regress"

# A broken kernel can end a piece where it starts; the runner checks pieces before encoding, but
# the time and memory limits make any loop it misses a failure, not a hang that fills memory.
set +e
out=$(ulimit -v 4000000 && timeout 600 "$QEMU" "$build/regress" --random "$random_texts")
status=$?
set -e
echo "$out"
if [ "$status" -ne 0 ]; then
  echo "check-arm64.sh: the regression runner failed under $QEMU (exit $status)" >&2
  exit 1
fi
# The runner fails on its own without neon; this catches a runner that stopped printing it.
if ! grep -q 'kernels:.* neon' <<<"$out"; then
  echo "check-arm64.sh: the neon kernel was not exercised" >&2
  exit 1
fi
echo "check-arm64.sh: arm64 (qemu) regression and differential checks pass"
