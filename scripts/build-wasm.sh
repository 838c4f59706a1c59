#!/usr/bin/env bash
# Compiles the C++ core and the C ABI glue (native/wasm/), as native/sources.json lists them, into
# wasm/turbotoken.wasm with Debian's clang 19, lld 19, wasi-libc and wasm32 libc++.
# Install them with scripts/install-wasm-deps.sh.
#
#   bash scripts/build-wasm.sh            rebuild wasm/turbotoken.wasm
#   bash scripts/build-wasm.sh --check    rebuild into a temporary file and fail unless it is
#                                         byte-identical to the committed wasm/turbotoken.wasm
#
# The output depends only on the sources and the toolchain: objects get fixed names, the source
# path is mapped away and the module is stripped, so any checkout builds the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

CXX=${TURBOTOKEN_WASM_CXX:-clang++-19}
TARGET=wasm/turbotoken.wasm
MAX_BYTES=$((300 * 1024))

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v "$CXX" >/dev/null; then
  echo "error: $CXX not found; run: bash scripts/install-wasm-deps.sh" >&2
  exit 1
fi

CXXFLAGS=(
  --target=wasm32-wasi -msimd128
  -std=c++17 -O3 -flto -DNDEBUG -fno-exceptions -fno-rtti -Inative/core
  -Wall -Wextra
  "-ffile-prefix-map=$root=."
)
# Reactor: no main; _initialize runs static constructors. --stack-first puts the shadow stack
# below the data, so an overflow traps instead of overwriting globals. LTO inlines across the
# core's files (measured: about 10-20% faster on the mixed corpus, and a smaller module).
LDFLAGS=(
  --target=wasm32-wasi -mexec-model=reactor -O3 -flto
  -Wl,--strip-all -Wl,--stack-first -Wl,-z,stack-size=262144
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The one source list (native/sources.json), which binding.gyp and CMakeLists.txt read too.
mapfile -t sources < <(node scripts/sources.js wasm)
if [ ${#sources[@]} -lt 2 ]; then
  echo "error: no sources under native/core and native/wasm" >&2
  exit 1
fi
objects=()
for src in "${sources[@]}"; do
  objects+=("$work/$(echo "$src" | tr / _).o")
done

compile() { "$CXX" "${CXXFLAGS[@]}" -c "$1" -o "$2"; }

# Two compilers at a time: the machines this runs on have two cores. A failed `wait` stops the
# script (set -e).
running=()
for k in "${!sources[@]}"; do
  compile "${sources[$k]}" "${objects[$k]}" &
  running+=($!)
  if [ ${#running[@]} -ge 2 ]; then
    wait "${running[0]}"
    running=("${running[@]:1}")
  fi
done
for pid in "${running[@]}"; do wait "$pid"; done

"$CXX" "${LDFLAGS[@]}" "${objects[@]}" -o "$work/turbotoken.wasm"

size=$(stat -c %s "$work/turbotoken.wasm")
if [ "$size" -gt "$MAX_BYTES" ]; then
  echo "error: the module is $size bytes, over the $MAX_BYTES-byte budget (docs/wasm.md)" >&2
  exit 1
fi

if [ "$check" -eq 1 ]; then
  if cmp -s "$work/turbotoken.wasm" "$TARGET"; then
    echo "$TARGET is up to date ($size bytes, ${#sources[@]} sources)"
    exit 0
  fi
  echo "error: rebuilding gives a different $TARGET than the committed one." >&2
  echo "native/core or native/wasm changed without a rebuild: run" >&2
  echo "  bash scripts/install-wasm-deps.sh && npm run build:wasm" >&2
  echo "and commit $TARGET with the change." >&2
  exit 1
fi

mkdir -p "$(dirname "$TARGET")"
cp "$work/turbotoken.wasm" "$TARGET"
echo "$TARGET: $size bytes from ${#sources[@]} sources"
