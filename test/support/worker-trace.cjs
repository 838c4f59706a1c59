// Preloaded (node -r) into a turbotoken command by test/cli/corpus-early-worker.test.mjs: records,
// on the main thread, when an encoding worker is created and when a vocabulary file is read, and
// writes them to TRACE_OUT at exit. With TRACE_FAIL_WORKERS set, every worker dies as it starts.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const threads = require('node:worker_threads');

if (threads.isMainThread && process.env.TRACE_OUT) {
  const events = [];
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) {
    if (typeof file === 'string' && file.endsWith('.tkv')) events.push(`load ${path.basename(file)}`);
    return readFileSync.call(this, file, ...rest);
  };
  const Worker = threads.Worker;
  threads.Worker = class extends Worker {
    constructor(script, options) {
      events.push('worker');
      if (process.env.TRACE_FAIL_WORKERS) super('throw new Error("worker start-up failed")', { eval: true });
      else super(script, options);
    }
  };
  process.on('exit', () => fs.writeFileSync(process.env.TRACE_OUT, events.join('\n')));
}
