// `node bench/cli.mjs --formats`: turbotoken corpus on the same documents as .jsonl, .jsonl.zst
// and Parquet, --threads 1 and 2; writes bench/results/cli-formats.md. Checks that every run
// writes the same ids as the plain .jsonl run. Start-up (Node, the command, the encoding, the
// workers) is timed on its own, on a one-document .jsonl, so that the rates are given both with
// it (what one run of this size costs) and without it (what each further MB costs). Each run's
// CPU is also split by thread (bench/thread-cpu.cjs): the reading thread, and the others.
// The default size, --mb 200 (209 MB of .jsonl), keeps the 1-thread start-up near 4%
// of a run (a corpus tool's users run GBs, where it is nothing) at about 6 s a run on an idle host.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg } from './args.mjs';
import { KINDS, median, npmOnlyCorpus, timeCorpus, timeCorpusTogether, writeResult } from './cli-run.mjs';
import { cpuSpeeds, describeCpus } from './host-cpus.mjs';

const require = createRequire(import.meta.url);
const targetMb = Number(arg('mb', 200));
const runs = Number(arg('runs', 3));
const encoding = arg('encoding', 'cl100k_base');
const corpus = npmOnlyCorpus();

// Documents of about 4 KB, cut at paragraph ends.
const texts = [];
let bytes = 0;
for (let copy = 0; bytes < targetMb * 1e6; copy++) {
  for (const kind of KINDS) {
    let doc = '';
    for (const paragraph of readFileSync(path.join(corpus, `${kind}.txt`), 'utf8').split(/(?<=\n\n)/)) {
      doc += paragraph;
      if (doc.length >= 4096) {
        texts.push(doc);
        bytes += Buffer.byteLength(doc);
        doc = '';
      }
    }
    if (doc) texts.push(doc);
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'turbotoken-cli-formats-'));
const inputs = {};
try {
  mkdirSync(path.join(work, 'in'));
  inputs.jsonl = path.join(work, 'in', 'docs.jsonl');
  writeFileSync(inputs.jsonl, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const jsonlBytes = statSync(inputs.jsonl).size;
  if (spawnSync('zstd', ['--version']).status === 0) {
    inputs.zst = `${inputs.jsonl}.zst`;
    execFileSync('zstd', ['-q', '-3', inputs.jsonl, '-o', inputs.zst]);
  } else console.log('no zstd command: the .jsonl.zst row is left out');
  const { parquetWriteBuffer } = await import(require.resolve('hyparquet-writer'));
  inputs.parquet = path.join(work, 'in', 'docs.parquet');
  writeFileSync(inputs.parquet, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: texts, type: 'STRING' }], rowGroupSize: 4096 })));

  // The host's ceiling for two threads: the .jsonl's two halves (cut at a line) as two
  // `--threads 1` runs at once, in separate processes.
  const jsonlText = readFileSync(inputs.jsonl);
  const middle = jsonlText.indexOf(0x0a, jsonlText.length >> 1) + 1;
  const halves = [path.join(work, 'in', 'half-1.jsonl'), path.join(work, 'in', 'half-2.jsonl')];
  writeFileSync(halves[0], jsonlText.subarray(0, middle));
  writeFileSync(halves[1], jsonlText.subarray(middle));

  inputs.startup = path.join(work, 'in', 'one.jsonl');
  writeFileSync(inputs.startup, `${JSON.stringify({ text: 'one short document' })}\n`);
  const cpus = {};
  const faults = {};
  const seconds = {};
  const threadCpus = {};
  const together = [];
  const threadLog = path.join(work, 'thread-cpu.jsonl');
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(path.dirname(new URL(import.meta.url).pathname), 'thread-cpu.cjs')}`;
  process.env.TURBOTOKEN_THREAD_CPU = threadLog;
  const run = (file, threads, out) => {
    writeFileSync(threadLog, '');
    const timed = timeCorpus(file, encoding, threads, out);
    const key = path.basename(out, '.bin');
    (cpus[key] ??= []).push(timed.cpu);
    (faults[key] ??= []).push(timed.faults);
    const lines = readFileSync(threadLog, 'utf8').trim().split('\n').filter(Boolean);
    if (lines.length === 1) (threadCpus[key] ??= []).push(JSON.parse(lines[0]));
    return timed.seconds;
  };
  // Interleaved, so that a change of load touches every format alike.
  for (let r = 0; r < runs; r++) {
    for (const [name, file] of Object.entries(inputs)) {
      for (const threads of [1, 2]) {
        const key = `${name}-${threads}`;
        const s = run(file, threads, path.join(work, `${key}.bin`));
        (seconds[key] ??= []).push(s);
        const split = threadCpus[key]?.at(-1);
        console.log(
          `run ${r + 1}: ${name} --threads ${threads}: ${s.toFixed(2)} s, ${(jsonlBytes / 1e6 / s).toFixed(1)} MB/s, ${cpus[key].at(-1).toFixed(2)} CPU s, ${faults[key].at(-1)} page faults` +
            `${split ? ` (reading thread ${split.main.toFixed(2)}, others ${split.others.toFixed(2)})` : ''}, load ${os.loadavg()[0].toFixed(1)}`,
        );
      }
    }
    writeFileSync(threadLog, '');
    const pair = await timeCorpusTogether(halves.map((input, k) => ({ input, encoding, threads: 1, out: path.join(work, `half-${k + 1}.bin`) })));
    together.push(pair);
    console.log(`run ${r + 1}: the two halves as two --threads 1 runs at once: ${pair.seconds.toFixed(2)} s, CPU ${pair.cpus.map((c) => c.toFixed(2)).join(' + ')} s, load ${os.loadavg()[0].toFixed(1)}`);
  }
  delete inputs.startup;
  const startup = { 1: median(seconds['startup-1']), 2: median(seconds['startup-2']) };
  const reference = readFileSync(path.join(work, 'jsonl-1.bin'));
  for (const key of Object.keys(seconds)) if (!key.startsWith('startup') && !readFileSync(path.join(work, `${key}.bin`)).equals(reference)) throw new Error(`${key} wrote other ids than jsonl-1`);
  const sizes = Object.fromEntries(Object.entries(inputs).map(([name, file]) => [name, statSync(file).size]));
  const rows = Object.keys(inputs).map((name) => {
    const [one, two] = [median(seconds[`${name}-1`]), median(seconds[`${name}-2`])];
    const extra = (t, threads) => `${((t / median(seconds[`jsonl-${threads}`]) - 1) * 100).toFixed(0)}%`;
    const label = { jsonl: '.jsonl', zst: '.jsonl.zst', parquet: 'Parquet' }[name];
    const cpu = (threads) => median(cpus[`${name}-${threads}`]);
    const extraCpu = (threads) => `${((cpu(threads) / median(cpus[`jsonl-${threads}`]) - 1) * 100).toFixed(0)}%`;
    const [oneRest, twoRest] = [one - startup[1], two - startup[2]];
    const split = (threads, part) => (threadCpus[`${name}-${threads}`] ? median(threadCpus[`${name}-${threads}`].map((t) => t[part])).toFixed(2) : '-');
    // The best two cores could do with this CPU: the 1-thread start-up (serial) then the rest of the 2-thread run's CPU halved.
    const serial = median(cpus['startup-1']);
    const amdahl = cpu(1) / (serial + (cpu(2) - serial) / 2);
    const pageFaults = (threads) => median(faults[`${name}-${threads}`]).toLocaleString('en-US');
    return `| ${label} | ${(sizes[name] / 1e6).toFixed(1)} | ${(jsonlBytes / 1e6 / one).toFixed(1)} | ${(jsonlBytes / 1e6 / two).toFixed(1)} | ${(one / two).toFixed(2)}x | ${(jsonlBytes / 1e6 / oneRest).toFixed(1)} | ${(jsonlBytes / 1e6 / twoRest).toFixed(1)} | ${(oneRest / twoRest).toFixed(2)}x | ${name === 'jsonl' ? '-' : `${extra(one, 1)} / ${extra(two, 2)}`} | ${cpu(1).toFixed(2)} / ${cpu(2).toFixed(2)} | ${split(2, 'main')} / ${split(2, 'others')} / ${split(2, 'children')} | ${amdahl.toFixed(2)}x | ${name === 'jsonl' ? '-' : `${extraCpu(1)} / ${extraCpu(2)}`} | ${pageFaults(1)} / ${pageFaults(2)} |`;
  });
  const speeds = cpuSpeeds();
  const pairSeconds = median(together.map((p) => p.seconds));
  const pairCpu = median(together.map((p) => p.cpus.reduce((a, b) => a + b, 0)));
  const wholeOne = median(seconds['jsonl-1']);
  writeResult('cli-formats.md', [
    '# turbotoken corpus: input formats',
    '',
    `Written by \`node bench/cli.mjs --formats\` (${new Date().toISOString().slice(0, 10)}): ${texts.length.toLocaleString('en-US')} documents (${(jsonlBytes / 1e6).toFixed(0)} MB of .jsonl, ` +
      `the npm-only corpus cut into paragraphs of about 4 KB), \`turbotoken corpus -e ${encoding} --no-progress -q\`, wall time including start-up, median of ${runs} interleaved runs; ` +
      `${os.availableParallelism()} CPUs available (shared; load average ${os.loadavg()[0].toFixed(1)} at the end), Node ${process.version}. MB/s are of the .jsonl bytes for every format. ` +
      'Every run wrote the same ids as the plain .jsonl run. `--threads 2` is the reading thread and one worker, both encoding.',
    '',
    '| input | file MB | MB/s, 1 thread | MB/s, 2 threads | 2 threads / 1 | MB/s after start-up, 1 thread | MB/s after start-up, 2 threads | 2 threads / 1 after start-up | extra wall time vs .jsonl (1 / 2 threads) | CPU s, all threads (1 / 2 threads) | CPU s with 2 threads: reading thread / others / child processes | Amdahl bound, 2 threads / 1 | extra CPU vs .jsonl (1 / 2 threads) | minor page faults (1 / 2 threads) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Start-up (a one-document .jsonl, median): ${startup[1].toFixed(2)} s with 1 thread, ${startup[2].toFixed(2)} s with 2 (CPU ${median(cpus['startup-1']).toFixed(2)} / ${median(cpus['startup-2']).toFixed(2)} s, ` +
      `${median(faults['startup-1']).toLocaleString('en-US')} / ${median(faults['startup-2']).toLocaleString('en-US')} page faults). ` +
      '"After start-up" rates divide the .jsonl bytes by the wall time less that start-up: the per-MB rate of a large corpus. ' +
      '"Others" is every thread but the reading one: the worker, and V8\'s GC and platform threads (about 0.1 s with 1 thread). ' +
      '"Child processes" is the `zstd` command that decodes .jsonl.zst: another process, whose CPU the "CPU s, all threads" and "extra CPU" columns include (`/usr/bin/time` counts the children it waits for). ' +
      'The Amdahl bound is the wall ratio two otherwise idle cores could reach with the CPU measured: the 1-thread CPU over the 1-thread start-up CPU (serial) plus half the rest of the 2-thread CPU.',
    '',
    `The host's ceiling for two threads: the .jsonl cut in two halves at a line, run as two \`--threads 1\` processes at once, ends in ${pairSeconds.toFixed(2)} s (median) against ` +
      `${wholeOne.toFixed(2)} s for the whole file in one process: **${(wholeOne / pairSeconds).toFixed(2)}x** (${((wholeOne - startup[1]) / (pairSeconds - startup[1])).toFixed(2)}x after start-up), ` +
      `with ${pairCpu.toFixed(2)} CPU s for the two against ${median(cpus['jsonl-1']).toFixed(2)} for the one; less each process's start-up CPU, ` +
      `${(pairCpu - 2 * median(cpus['startup-1'])).toFixed(2)} against ${(median(cpus['jsonl-1']) - median(cpus['startup-1'])).toFixed(2)} s ` +
      `(${(((pairCpu - 2 * median(cpus['startup-1'])) / (median(cpus['jsonl-1']) - median(cpus['startup-1'])) - 1) * 100).toFixed(0)}%: what the cores cost each other). ` +
      'Nothing is shared between those processes but the machine (its cores, caches and memory), so a 2-thread run of one process can gain at most about as much.',
    '',
    `${describeCpus(speeds)} (bench/host-cpus.mjs, measured after the runs above.)`,
    '',
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
