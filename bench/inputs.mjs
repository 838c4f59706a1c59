// Benchmark inputs: corpus files of each kind, one call per source line, and worst cases.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['prose', 'code', 'email', 'multilingual', 'mixed'];
const WORST_BYTES = 16 * 1024; // the peers are quadratic on these; 64 KB already takes minutes

export const WORST_UNITS = {
  'one letter': 'a', spaces: ' ', 'space+newline': ' \n', newlines: '\n', digits: '7',
  'one CJK char': '中', 'one emoji': '😀', 'emoji ZWJ': '👨‍👩‍👧', 'invalid UTF-8 (as U+FFFD)': '\ufffd',
};

// The full corpus needs Debian packages (scripts/install-corpus-deps.sh); without them the
// npm-only part still gives every kind but the mix.
function corpusDir() {
  if (existsSync(`${root}/corpus/mixed.txt`)) return { dir: `${root}/corpus`, full: true };
  try {
    execFileSync(process.execPath, ['scripts/build-corpus.mjs'], { cwd: root, stdio: 'inherit' });
    return { dir: `${root}/corpus`, full: true };
  } catch {
    execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'inherit' });
    return { dir: `${root}/corpus/npm-only`, full: false };
  }
}

function randomCodePoints(bytes) {
  let seed = 42;
  let out = '';
  while (Buffer.byteLength(out) < bytes) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const cp = seed % 0x2ffff;
    if (cp < 0xd800 || cp > 0xdfff) out += String.fromCodePoint(cp);
  }
  return out;
}

/** inputs: [{ label, texts: string[], bytes }], one call per element of texts; dir: the corpus files'. */
export function loadInputs() {
  const { dir, full } = corpusDir();
  const inputs = [];
  for (const kind of KINDS) {
    const path = `${dir}/${kind}.txt`;
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    inputs.push({ label: kind, texts: [text], bytes: Buffer.byteLength(text) });
  }
  const code = readFileSync(`${dir}/code.txt`, 'utf8').slice(0, 400_000);
  const lines = code.split('\n').filter((l) => l.length);
  const lineBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  inputs.push({ label: 'code, one call per line', texts: lines, bytes: lineBytes });
  // The same calls through each package's default encode (a server's usual call): special-token
  // text is then checked for, which costs the reference most of its time on short inputs.
  inputs.push({ label: 'code, one call per line, default encode()', texts: lines, bytes: lineBytes, defaults: true });
  for (const [label, unit] of Object.entries(WORST_UNITS)) {
    const text = unit.repeat(Math.round(WORST_BYTES / Buffer.byteLength(unit)));
    inputs.push({ label: `worst: ${label}`, texts: [text], bytes: Buffer.byteLength(text) });
  }
  const random = randomCodePoints(WORST_BYTES);
  inputs.push({ label: 'worst: random code points', texts: [random], bytes: Buffer.byteLength(random) });
  return { inputs, dir, corpus: full ? 'full corpus' : 'npm-only corpus (install Debian sources for the full one)' };
}
