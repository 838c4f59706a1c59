// Snappy's raw format (Parquet's pages) decoded by the core (native/core/codec/snappy.h) into
// output[offset, offset + length) of a Uint8Array the caller owns: the addon's snappyDecompress
// writes there directly; on WebAssembly the bytes pass through the module's memory. A corrupt
// stream throws ERR_CORRUPT_SNAPPY naming its fault, on either backend.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import { guarded } from './wasm-runtime';

interface SnappyExports {
  tt_snappy_decompress(input: number, n: number, output: number, size: number): number;
  tt_snappy_fault_text(fault: number): number;
}

type AddonSnappy = (input: Uint8Array, output: Uint8Array, offset: number, length: number) => void;

function index(value: unknown, limit: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= limit;
}

function wasmDecompress(input: Uint8Array, output: Uint8Array, offset: number, length: number): void {
  if (!(input instanceof Uint8Array) || !(output instanceof Uint8Array) || typeof offset !== 'number' || typeof length !== 'number') {
    throw bindingError('snappyUsage');
  }
  if (!index(offset, output.length) || !index(length, output.length - offset)) throw bindingError('snappyRange');
  guarded((rt) => {
    const x = rt.x as unknown as SnappyExports;
    const inPtr = rt.put(input);
    let outPtr = 0;
    try {
      outPtr = rt.alloc(length || 1);
      const fault = x.tt_snappy_decompress(inPtr, input.length, outPtr, length);
      if (fault !== 0) throw bindingError('corruptSnappy', { fault: rt.cString(x.tt_snappy_fault_text(fault) >>> 0) }, TurbotokenError);
      output.set(rt.u8().subarray(outPtr, outPtr + length), offset);
    } finally {
      rt.x.tt_free(inPtr);
      if (outPtr) rt.x.tt_free(outPtr);
    }
  });
}

/** The core's decoder on the backend in use. */
export const snappyDecompress: AddonSnappy = (() => {
  const addon = (native as unknown as { snappyDecompress?: AddonSnappy }).snappyDecompress;
  if (native.backend !== 'wasm' && typeof addon === 'function') return addon;
  return wasmDecompress;
})();
