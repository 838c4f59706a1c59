// Test files that run one after another in one reused process per worker (vitest.config.mjs:
// the native-shared and wasm-shared projects, isolate false). A fresh process per file costs
// about half a second of CPU (fork, vitest's runtime, importing the package, loading the addon or
// compiling the WebAssembly module), which over two hundred file runs is most of a minute on two
// cores. In a shared process the modules (the package, test/support) are evaluated once, so each
// file sees what the files before it left behind. A file is listed here only when it:
//   - lives in test/{api,cli,compat,package,reference}/ (growth/ and hostile/ measure time, memory
//     or push the process to its limits, and stay isolated);
//   - imports the package through its public entry points only (index.mjs, dist/cjs/index.js,
//     the compat entry points), never an internal module of dist/ (internals include the test
//     setters of process-wide settings and caches whose bounds tests count);
//   - changes nothing process-wide: no prototype, global, process.env, process.argv/stdout/exit,
//     vi.mock/spyOn/stubGlobal, V8 flags, Worker threads, gc or memory readings, freezing, test
//     setters (set...()), warnings or lazy-loading checks;
//   - is not a timing file (those have projects of their own) and does not test the core's
//     process-wide piece cache.
// test/package/shared-files.test.mjs holds every listed file to the patterns of this rule.
export const shared = [
  'test/api/analyze-measures.test.mjs',
  'test/api/analyze-special.test.mjs',
  'test/api/audit.test.mjs',
  'test/api/batch-blocks.test.mjs',
  'test/api/batch.test.mjs',
  'test/api/canonical-random.test.mjs',
  'test/api/canonical.test.mjs',
  'test/api/dropout.test.mjs',
  'test/api/errors.test.mjs',
  'test/api/heal.test.mjs',
  'test/api/inference-methods.test.mjs',
  'test/cli/cli-analyze-special.test.mjs',
  'test/cli/cli-saved-encoding.test.mjs',
  'test/cli/train-cli.test.mjs',
  'test/cli/train-scaffold-sidecar.test.mjs',
  'test/cli/train-sidecar.test.mjs',
  'test/compat/compat-gpt-tokenizer.test.mjs',
  'test/package/cmake-addon.test.mjs',
  'test/package/compat-originals-stamp.test.mjs',
  'test/package/error-codes.test.mjs',
  'test/package/import-graph.test.mjs',
  'test/package/source-list.test.mjs',
  'test/package/train-error-codes.test.mjs',
  'test/package/types-matrix.test.mjs',
  'test/reference/added-token-flags-hf.test.mjs',
  'test/reference/added-tokens-hf.test.mjs',
  'test/reference/bpe-strategies.test.mjs',
  'test/reference/byte-run-counts.test.mjs',
  'test/reference/byte-runs.test.mjs',
  'test/reference/chat-template-jinja2.test.mjs',
  'test/reference/custom-vocab.test.mjs',
  'test/reference/deepseek-v3-hf.test.mjs',
  'test/reference/differential-adversarial.test.mjs',
  'test/reference/differential-corpus.test.mjs',
  'test/reference/differential-random.test.mjs',
  'test/reference/every-code-point.test.mjs',
  'test/reference/ill-formed-views.test.mjs',
  'test/reference/long-tokens.test.mjs',
  'test/reference/models-hf.test.mjs',
  'test/reference/models-sp-hf.test.mjs',
  'test/reference/offsets.test.mjs',
  'test/reference/pattern-translation.test.mjs',
  'test/reference/pattern-unicode-version.test.mjs',
  'test/reference/periodic-runs.test.mjs',
  'test/reference/random-vocab.test.mjs',
  'test/reference/rank-table.test.mjs',
  'test/reference/sp-one-call-differential.test.mjs',
  'test/reference/special-tokens.test.mjs',
  'test/reference/tokenizer-json.test.mjs',
  'test/reference/train-hf.test.mjs',
];

// What a shared file's text may not contain (the rule above, as patterns).
export const sharedForbidden = [
  /Object\.prototype|Array\.prototype|String\.prototype|\.prototype\.[A-Za-z]+\s*=|setPrototypeOf|defineProperty/,
  /globalThis|process\.env|process\.(argv|exit|stdout|stderr|stdin|cwd|chdir|on\(|emitWarning)|Error\.stackTraceLimit|require\.cache/,
  /vi\.(mock|spyOn|stubGlobal|useFakeTimers|stubEnv)/,
  /new Worker|worker_threads|setFlagsFromString|expose-gc|\bgc\(|memoryUsage|heapUsed|\.rss\b|arrayBuffers/,
  /\bset[A-Z][A-Za-z]*\(|Object\.freeze|Object\.seal|warning|Warning|lazil|lazy/,
  /dist\/cjs\/(?!index\.js)[a-z/-]+\.js|dist\/(?!cjs\/)[a-z/-]+\.js/,
  /WebAssembly\./,
];

// The support modules a shared file imports run once per process too; they may read process.env
// and process.argv (to start children, or as a child's main), but not change what is process-wide.
export const supportForbidden = [
  /\.prototype(\.[A-Za-z$_]+|\[[^\]]+\])?\s*=[^=]|defineProperty\([A-Za-z]+\.prototype|setPrototypeOf/,
  /globalThis\.[A-Za-z]+\s*=|process\.env(\.[A-Za-z_]+|\[[^\]]+\])\s*=[^=]|delete process\.env|process\.(exit|on|chdir|emitWarning)\(|process\.argv\s*=|Error\.stackTraceLimit\s*=/,
  /vi\.(mock|spyOn|stubGlobal|useFakeTimers|stubEnv)/,
  /setFlagsFromString|\bset[A-Z][A-Za-z]*\(|dist\/cjs\/(?!index\.js)[a-z/-]+\.js/,
];
