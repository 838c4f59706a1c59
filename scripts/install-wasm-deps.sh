#!/usr/bin/env bash
# Installs the Debian packages that scripts/build-wasm.sh needs: clang 19 with its wasm32 runtime
# (libc++, libc++abi, compiler-rt builtins), lld 19 and wasi-libc. Only needed to rebuild
# wasm/turbotoken.wasm; `npm install` and `npm test` use the committed module.
# Idempotent: installs nothing when every package is already there.
set -euo pipefail

PACKAGES=(
  clang-19
  lld-19
  wasi-libc
  libc++-19-dev-wasm32
  libc++abi-19-dev-wasm32
  libclang-rt-19-dev-wasm32
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "wasm build dependencies: all installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
