// Preloaded (node --require) into a `turbotoken corpus` run by test/cli/corpus-parquet-decoder.test.mjs:
// TURBOTOKEN_TEST_PARQUET_THREAD=refuse makes the Parquet decoding thread fail to start;
// =exit makes it exit as it takes its second request, a row group still owed.
'use strict';
const threads = require('node:worker_threads');

const mode = process.env.TURBOTOKEN_TEST_PARQUET_THREAD;
const Original = threads.Worker;
if (threads.isMainThread && mode) {
  threads.Worker = class extends Original {
    constructor(file, options) {
      const parquet = String(file).endsWith('parquet-worker.js');
      if (parquet && mode === 'refuse') throw new Error('no thread for the test');
      super(file, options);
      if (parquet && mode === 'exit') {
        let requests = 0;
        const post = this.postMessage.bind(this);
        this.postMessage = (message, transfer) => {
          if (++requests === 2) this.terminate();
          else post(message, transfer);
        };
      }
    }
  };
}
