import { BaseSequencer } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { shared } from './test/support/shared-files.mjs';

// The suite runs on the native addon and on the same core compiled to WebAssembly
// (TURBOTOKEN_BACKEND forces the backend, so neither run can silently fall back). Child processes
// that tests spawn inherit the variable. backend-selection sets its own.
//
// Two files at a time (maxWorkers 2), from both backends' projects together. Tests that compare
// CPU or wall time (growth ratios, an early stop against a full run, timer ticks during async
// work) run afterwards (groupOrder 1), one file at a time with nothing beside them: a second
// process on the same cores moves their ratios. Each backend's timing files run one after another
// in one process (isolate false), which saves a fork and the package's loading per file: none of
// them changes anything process-wide (the rule of test/support/shared-files.mjs), and each
// measures ratios of its own calls.
const include = ['test/**/*.test.{mjs,ts}'];
// The compat suites against the original packages run in scripts/check-compat-originals.mjs (CI),
// which sets this variable; npm test checks its record (test/package/compat-originals-stamp).
const originals = process.env.TURBOTOKEN_COMPAT_ORIGINALS ? [] : ['test/compat/compat-originals.test.mjs'];
const timing = [
  'test/growth/linear-growth.test.mjs',
  'test/api/stream.test.mjs',        // the Segmenter's time grows linearly
  'test/api/async.test.mjs',         // the event loop turns while the native backend works
  'test/growth/pattern-linear-time.test.mjs',   // custom patterns' matching time grows linearly
  'test/growth/async-js-thread-time.test.mjs',  // async calls hold the JS thread about as long as a copy
  'test/growth/long-token-growth.test.mjs',  // 64 KiB tokens: growth ratios, and against short tokens
  'test/growth/sp-linear-growth.test.mjs', // SentencePiece-style files' one-word merge grows as n log n
  'test/growth/sp-one-call-growth.test.mjs', // their one-call path (added-token search) grows linearly
  'test/growth/train-growth.test.mjs', // training time grows linearly with the corpus
  'test/api/train-async-thread.test.mjs', // timers fire while trainAsync trains
];
// The early-stop files (test/api/max-tokens, token-limit, long-piece-early-stop) run beside
// others: each compares its own process's CPU time (process.cpuUsage, which waiting for a core does
// not add to) for a cheap call against a full one, medians of three interleaved rounds, with a
// margin of 3x or more; a neighbour on the other core slows both sides alike, and an early stop
// that does the whole work still fails there.
// Peak resident memory (test/growth/peak-memory, train-cli-memory) is a count of each child
// process's own pages, which a second process on the cores does not move: those files run beside
// others.
// Once, on the native addon only:
const nativeOnly = [
  // The WebAssembly build runs the same matcher; RegExp over every code point is the cost.
  'test/reference/pattern-dfa-every-code-point.test.mjs',
  // They pick backends themselves, in child processes with their own environment.
  'test/api/backend-selection.test.mjs',
  'test/api/backend-fallback-warning.test.mjs',
  'test/package/package-install.test.mjs',
  // Reads the sources and docs only.
  'test/package/error-codes.test.mjs',
  // Runs a child per backend itself.
  'test/hostile/worker-terminate.test.mjs',
  'test/hostile/worker-terminate-load.test.mjs',
  // The addon's own entries (largeBuffer, checkProgram).
  'test/api/saved-file-binding.test.mjs',
  // A browser always runs WebAssembly.
  'test/package/browser.test.mjs',
  // A static HTML file opened in Chromium; the numbers in it are held to the library by cli-analyze.
  'test/package/report-browser.test.mjs',
  // The native binding's buffer memory (WebAssembly memory never shrinks) and its direct calls
  // (the WebAssembly handle is plain JavaScript).
  'test/hostile/scratch-memory.test.mjs',
  'test/api/direct-calls.test.mjs',
  // The addon's one-call split and merge (the WebAssembly module takes the pieces from JS).
  'test/hostile/encode-split.test.mjs',
  // JavaScript only (src/nfc-quick.ts against String.prototype.normalize): no backend runs.
  'test/reference/nfc-quick.test.mjs',
  // JavaScript only (src/onig-dialect.ts's (?i) rewrite and RegExp against `tokenizers`).
  'test/reference/onig-dialect-fold.test.mjs',
  // The long merges' memory count is read from the native addon (longMergePeak).
  'test/growth/long-piece-memory.test.mjs',
  // The binding's page advice for a large encode's ids (WebAssembly memory has none).
  'test/growth/ids-page-faults.test.mjs',
  // The ids block a collected result gives back (WebAssembly results are copied out).
  'test/growth/ids-block-reuse.test.mjs',
  // Counting threads: the WebAssembly build counts on one whatever it is given.
  'test/api/train-threads-parts.test.mjs',
  // The compat suites run against the packages they copy: no turbotoken in them (and only under
  // scripts/check-compat-originals.mjs).
  'test/compat/compat-originals.test.mjs',
  // Files of the repository: the source list, the import graph of src/, the generated error texts.
  'test/package/source-list.test.mjs',
  'test/package/cmake-addon.test.mjs',
  'test/package/import-graph.test.mjs',
  'test/package/binding-errors.test.mjs',
  // TypeScript's view of the package's types: no backend runs.
  'test/package/types-matrix.test.mjs',
  // The command (src/cli/) is JavaScript over the public Encoding API, with no backend of its own
  // (arguments, files, the corpus format, shards, its worker pool); that API is held to the
  // reference on both backends by the other files.
  'test/cli/cli.test.mjs',
  'test/cli/cli-corpus-safety.test.mjs',
  'test/cli/zstd-decoders.test.mjs',
  'test/cli/zstd-file-blocks.test.mjs',
  'test/cli/cli-tokenizer.test.mjs',
  'test/cli/corpus-input-formats.test.mjs',
  'test/cli/decode-dtype-header.test.mjs',
  'test/cli/corpus-megatron.test.mjs',
  'test/cli/corpus-merge.test.mjs',
  'test/cli/corpus-scale-out.test.mjs',
  'test/cli/corpus-worker-errors.test.mjs',
  'test/cli/corpus-parquet-packed.test.mjs',
  'test/cli/corpus-parquet-pages.test.mjs',
  'test/cli/corpus-pool.test.mjs',
  'test/cli/corpus-pool-steal.test.mjs',
  'test/cli/corpus-block-memory.test.mjs',
  'test/cli/corpus-read-ahead.test.mjs',
  'test/cli/corpus-sync-ahead.test.mjs',
  'test/cli/corpus-shared-memory.test.mjs',
  'test/cli/cli-saved-encoding.test.mjs',
  'test/cli/cli-analyze.test.mjs',
  'test/cli/train-cli.test.mjs',
  'test/cli/train-sidecar.test.mjs',
  'test/cli/train-scaffold-sidecar.test.mjs',
  'test/cli/cli-analyze-special.test.mjs',
  // The CLI's byte segmenter (ByteSegmenter, src/safe-cut.ts) is JavaScript; the encode of its
  // segments is the public API, held to the reference on both backends by other files.
  'test/cli/byte-segments.test.mjs',
  'test/growth/train-cli-memory.test.mjs',
  // Reading a model's tokenizer.json is JavaScript, and the core's encode is held to the reference
  // on both backends by the differential files; loading these files is most of this file's time.
  'test/reference/models-hf.test.mjs',
  'test/reference/added-tokens-hf.test.mjs',
  // Rendering chat templates is JavaScript (@huggingface/jinja) held to Python's Jinja2.
  'test/reference/chat-template-jinja2.test.mjs',
  // Added tokens' flags are found in JavaScript (src/added-token-split.ts) around the core's encode.
  'test/reference/added-token-flags-hf.test.mjs',
  'test/api/chat-template.test.mjs',
  // On WebAssembly the async calls do their work on the JS thread (docs/api.md).
  'test/growth/async-js-thread-time.test.mjs',
  'test/api/train-async-thread.test.mjs',
  // The addon's Trainer, called directly (one call at a time).
  'test/hostile/train-binding-busy.test.mjs',
  // The addon's Trainer, called directly (a counting thread that fails).
  'test/hostile/train-thread-failure.test.mjs',
  // Counting threads: WebAssembly counts on one.
  'test/api/train-threads.test.mjs',
  // Source and docs files read as text (the codes the trainer throws).
  'test/package/train-error-codes.test.mjs',
  // The committed reference answers against the reference packages: no turbotoken in the sample.
  'test/reference/answer-digests.test.mjs',
  // Reads test/support/shared-files.mjs and the files it lists.
  'test/package/shared-files.test.mjs',
  // Reads the compat suites' files and the originals' versions.
  'test/package/compat-originals-stamp.test.mjs',
];

// The longest files start first, so that the two workers finish together. (vitest orders by the
// durations of the last run when it has them; a fresh clone has none, and the glob's order put
// a 2-minute file last.)
const LONGEST = ['worker-terminate', 'worker-terminate-load', 'package-install', 'cli', 'peak-memory', 'custom-vocab', 'models-sp-hf', 'compat-gpt-tokenizer',
  'tokenizer-json', 'browser', 'hostile-inputs', 'types-matrix', 'every-code-point', 'parallel-encode', 'saved-encoding-sp', 'corpus-merge',
  'decode', 'corpus-scale-out', 'kernels'];
const rank = (spec) => {
  const k = LONGEST.findIndex((name) => spec.moduleId.endsWith(`/${name}.test.mjs`));
  return k < 0 ? LONGEST.length : k;
};
class LongestFirst extends BaseSequencer {
  async sort(specs) {
    const sorted = await super.sort(specs);
    const order = new Map(sorted.map((spec, k) => [spec, k]));
    const group = (spec) => spec.project.config.sequence.groupOrder;
    // Then by project, so that a shared project's files follow one another and a worker that
    // finishes one is handed the next in the same process.
    const project = (spec) => spec.project.name;
    return sorted.sort((a, b) => group(a) - group(b) || rank(a) - rank(b)
      || project(a).localeCompare(project(b)) || order.get(a) - order.get(b));
  }
}

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
    sequence: { sequencer: LongestFirst },
    globalSetup: ['test/support/global-setup.mjs'],
    projects: [
      {
        extends: true,
        test: { name: 'native', include, exclude: [...timing, ...shared, ...originals, '**/node_modules/**'], env: { TURBOTOKEN_BACKEND: 'native' } },
      },
      {
        extends: true,
        test: { name: 'wasm', include, exclude: [...timing, ...nativeOnly, ...shared, '**/node_modules/**'], env: { TURBOTOKEN_BACKEND: 'wasm' } },
      },
      // One process per worker for files that change nothing process-wide (the rule is in
      // test/support/shared-files.mjs): the per-file start-up is paid once.
      {
        extends: true,
        test: { name: 'native-shared', include: shared, exclude: [...timing, '**/node_modules/**'], isolate: false, env: { TURBOTOKEN_BACKEND: 'native' } },
      },
      {
        extends: true,
        test: { name: 'wasm-shared', include: shared, exclude: [...timing, ...nativeOnly, '**/node_modules/**'], isolate: false, env: { TURBOTOKEN_BACKEND: 'wasm' } },
      },
      {
        extends: true,
        test: { name: 'native-timing', include: timing, isolate: false, env: { TURBOTOKEN_BACKEND: 'native' }, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: 'wasm-timing', include: timing, exclude: [...nativeOnly, '**/node_modules/**'], isolate: false, env: { TURBOTOKEN_BACKEND: 'wasm' }, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
