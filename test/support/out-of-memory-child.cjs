// Run by test/out-of-memory.test.mjs under `ulimit -d` (a cap on this process's heap and private
// mappings): calls whose memory passes the cap, then small calls. Prints one JSON line.
//
// On WebAssembly the module's linear memory is also capped at 64 MB above what the vocabulary
// takes (tt_set_memory_limit: a growth past it fails malloc as a refused memory.grow does), and
// the inputs shrink to match, so that the calls fail after megabytes of encoding, not hundreds.
const { backend, getEncoding, TurbotokenError } = require('../../dist/cjs/index.js');

const WASM = backend.startsWith('wasm');
const HEADROOM = 64 << 20;

function outcome(fn) {
  try {
    const value = fn();
    return { ok: typeof value === 'number' ? value : value.length };
  } catch (error) {
    return { threw: error instanceof TurbotokenError ? 'TurbotokenError' : error.constructor.name, code: error.code };
  }
}

async function main() {
  const enc = getEncoding('o200k_base');
  if (WASM) {
    const { runtime, setRuntimeMemoryLimit } = require('../../dist/cjs/wasm-runtime.js');
    enc.encode('warm up'); // the vocabulary is in linear memory before the cap is measured from it
    setRuntimeMemoryLimit(runtime().x.memory.buffer.byteLength + HEADROOM);
  }
  const results = {};
  // 300 MB of ' a': 150M ids, 600 MB of them. On WebAssembly, 48 MB fits under the cap and its
  // 96 MB of ids do not.
  const text = ' a'.repeat(WASM ? 24_000_000 : 150_000_000);
  results.encode = outcome(() => enc.encode(text, { threads: 1 }));
  results.encodeSplit = outcome(() => enc.encode(text, { threads: 2 }));
  results.encodeOrdinary = outcome(() => enc.encodeOrdinary(text));
  results.encodeWithOffsets = outcome(() => enc.encodeWithOffsets(text).tokens);
  results.encodeAsync = await enc.encodeAsync(text).then((ids) => ({ ok: ids.length }), (error) => ({ threw: error.constructor.name, code: error.code }));
  // 3 GB of bytes from 23M ids of one 128-byte token (WebAssembly: four times its headroom).
  const length = (id) => {
    try {
      return enc.tokenBytes(id).length;
    } catch {
      return 0; // no token at that id
    }
  };
  let longest = 0;
  let longestLength = 0;
  for (let id = 0; id < enc.nVocab; id++) {
    const n = length(id);
    if (n > longestLength) [longest, longestLength] = [id, n];
  }
  const ids = new Uint32Array(Math.ceil((WASM ? 4 * HEADROOM : 3e9) / longestLength)).fill(longest);
  results.decodeBytes = outcome(() => enc.decodeBytes(ids));
  results.afterwards = { encode: Array.from(enc.encode('hello world')), decode: enc.decode(enc.encode('héllo wörld')) };
  console.log(JSON.stringify(results));
}

main();
