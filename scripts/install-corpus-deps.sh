#!/usr/bin/env bash
# Installs the Debian 12 packages that scripts/build-corpus.mjs reads text from.
# Idempotent: prints nothing and touches nothing when all are already installed.
# Keep this list in sync with the `apt(...)` sources in scripts/build-corpus.mjs.
set -euo pipefail

PACKAGES=(
  # prose
  base-files fortunes fortunes-min jargon-text gnu-standards
  # code
  libc6-dev libstdc++-12-dev libpython3.11-stdlib perl-modules-5.36 bash-completion cmake-data
  # multilingual
  fortunes-zh fortunes-ru fortunes-bg fortunes-de fortunes-es fortunes-it fortunes-cs fortunes-pl
  fortunes-br unicode-data
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
echo "install-corpus-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
