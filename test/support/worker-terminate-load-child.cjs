// Child of test/hostile/worker-terminate-load: starts workers that load the addon and terminates
// each after a delay that moves through the window in which the worker runs the addon's module
// initialisation (about 15-75 ms after it is created on this kind of host).
const { Worker } = require('node:worker_threads');

const [addon, cyclesText] = process.argv.slice(2);
const cycles = Number(cyclesText);

async function cycle(delayMs) {
  const worker = new Worker(`require(${JSON.stringify(addon)});`, { eval: true });
  worker.on('error', () => {});
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await worker.terminate();
}

(async () => {
  for (let k = 0; k < cycles; k++) await cycle(15 + (k % 300) * 0.2);
  process.stdout.write(`done ${cycles}\n`);
})();
