// Preloaded (node -r) by bench/cli-formats.mjs into each timed `turbotoken corpus` run: at exit,
// appends to $TURBOTOKEN_THREAD_CPU one JSON line with the CPU seconds of the main (reading)
// thread and of every other thread of the process (workers, GC and platform helpers), from
// /proc/self/task/*/schedstat, sampled every 10 ms so that workers ended before the exit count;
// and the CPU of its child processes it has waited for (the zstd command: another process, in
// /proc/self/stat's cutime and cstime, counted in /usr/bin/time's total too).
'use strict';
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const out = process.env.TURBOTOKEN_THREAD_CPU;
if (isMainThread && out && fs.existsSync('/proc/self/task')) {
  const seconds = new Map();
  const sample = () => {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        seconds.set(tid, Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9);
      } catch {
        // the thread ended between the listing and the read: its last sample stands
      }
    }
  };
  setInterval(sample, 10).unref();
  process.on('exit', () => {
    sample();
    const main = seconds.get(String(process.pid)) ?? 0;
    const others = [...seconds.values()].reduce((sum, s) => sum + s, 0) - main;
    // Fields 16 and 17 (cutime, cstime), in clock ticks of 1/100 s, after the command's name, which may hold spaces.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const children = (Number(fields[13]) + Number(fields[14])) / 100;
    fs.appendFileSync(out, `${JSON.stringify({ main, others, children })}\n`);
  });
}
