// node bench/startup.mjs [--runs N] [--write]: start-up time and memory,
// each measured in fresh child processes (median of the runs), on the native and WASM backends:
//   import      require('turbotoken') (dist/cjs), backend selection and addon/module load
//   first …     getEncoding(name) + the first encode(), and import + that (what a CLI pays)
//   RSS         resident memory added by loading one encoding and encoding one text, per encoding
// Issue targets: first o200k_base encode within 50 ms of import; each encoding at most 30 MB.
// --write also writes bench/results/startup.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const entry = fileURLToPath(new URL('../dist/cjs/index.js', import.meta.url));
const ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base', 'o200k_harmony'];
const loadAtStart = os.loadavg()[0];
const TEXT = 'Hello, world! Start-up time is what a command-line tool pays on every run.';

// CPU time of this process (all threads): on a busy machine it moves much less than wall time.
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// In a child: one measurement, printed as JSON.
function child(kind, name) {
  const req = createRequire(self);
  if (kind === 'time') {
    const c0 = cpuMs();
    const t0 = performance.now();
    const tt = req(entry);
    const t1 = performance.now();
    const enc = tt.getEncoding(name);
    const t2 = performance.now();
    enc.encode(TEXT);
    const t3 = performance.now();
    const cpu = cpuMs() - c0;
    return { backend: tt.backend, importMs: t1 - t0, loadMs: t2 - t1, firstEncodeMs: t3 - t1, totalMs: t3 - t0, totalCpuMs: cpu };
  }
  const tt = req(entry);
  // Warm code paths and allocator pools on another encoding, so that they are not charged to `name`.
  tt.getEncoding(name === 'gpt2' ? 'r50k_base' : 'gpt2').encode('warm');
  globalThis.gc();
  const before = process.memoryUsage().rss;
  tt.getEncoding(name).encode(TEXT);
  globalThis.gc();
  return { backend: tt.backend, rssMB: (process.memoryUsage().rss - before) / 2 ** 20 };
}

function runChild(kind, name, backend) {
  const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', kind, name], {
    env: { ...process.env, TURBOTOKEN_BACKEND: backend },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function measure(backend, runs) {
  const result = { backend: undefined, time: {}, rss: {} };
  for (const name of ['o200k_base', 'cl100k_base']) {
    const samples = [];
    for (let k = 0; k < runs; k++) samples.push(runChild('time', name, backend));
    result.backend = samples[0].backend;
    result.time[name] = Object.fromEntries(
      ['importMs', 'loadMs', 'firstEncodeMs', 'totalMs', 'totalCpuMs'].map((key) => [key, median(samples.map((s) => s[key]))]),
    );
  }
  for (const name of ENCODINGS) {
    const samples = [];
    for (let k = 0; k < runs; k++) samples.push(runChild('rss', name, backend).rssMB);
    result.rss[name] = median(samples);
  }
  return result;
}

function report(results, runs) {
  const lines = [
    `Start-up, median of ${runs} child processes each; ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average at the start ${loadAtStart.toFixed(1)} on ${os.cpus().length} CPUs.`,
    '',
    '| backend | encoding | import ms | getEncoding ms | getEncoding + first encode ms | import + first encode ms | same, CPU ms |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const [name, t] of Object.entries(r.time)) {
      lines.push(`| ${r.backend} | ${name} | ${t.importMs.toFixed(1)} | ${t.loadMs.toFixed(1)} | ${t.firstEncodeMs.toFixed(1)} | ${t.totalMs.toFixed(1)} | ${t.totalCpuMs.toFixed(1)} |`);
    }
  }
  lines.push('', `| backend | ${ENCODINGS.join(' | ')} |`, `|---|${'---|'.repeat(ENCODINGS.length)}`);
  for (const r of results) lines.push(`| ${r.backend}: RSS added, MB | ${ENCODINGS.map((n) => r.rss[n].toFixed(1)).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(child(args[1], args[2])));
} else {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
  const results = ['native', 'wasm'].map((b) => measure(b, runs));
  const text = report(results, runs);
  process.stdout.write(text);
  if (args.includes('--write')) writeFileSync(new URL('./results/startup.md', import.meta.url), `# Start-up and memory\n\n${text}`);
}
