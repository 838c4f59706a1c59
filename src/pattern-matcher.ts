// The core's linear-time matcher (native/core/regex/) on whichever backend this process uses:
// the addon's findMatches, or tt_find_matches in the WebAssembly module.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import type { PatternProgram } from './pattern-program';
import { guarded, type Runtime } from './wasm-runtime';

interface MatcherExports {
  tt_find_matches(program: number, words: number, text: number, size: number): number;
}

type FindMatches = (program: Uint32Array, bytes: Uint8Array) => Uint32Array;

function malformed(): Error {
  return bindingError('malformedPattern', undefined, TurbotokenError);
}

function wasmFindMatches(program: Uint32Array, bytes: Uint8Array): Uint32Array {
  return guarded((rt: Runtime) => {
    const x = rt.x as unknown as MatcherExports;
    const ptr = rt.alloc(program.byteLength + bytes.length);
    new Uint32Array(rt.x.memory.buffer, ptr, program.length).set(program);
    if (bytes.length > 0) rt.u8().set(bytes, ptr + program.byteLength);
    const status = x.tt_find_matches(ptr, program.length, ptr + program.byteLength, bytes.length);
    rt.x.tt_free(ptr);
    if (status !== 0) throw malformed();
    const [a, b] = rt.out();
    return new Uint32Array(rt.x.memory.buffer, a, b).slice();
  });
}

let chosen: FindMatches | undefined;

/** [start, end) UTF-8 byte offsets of the pattern's successive non-empty matches in `bytes`, in pairs. */
export function findMatches(program: PatternProgram, bytes: Uint8Array): Uint32Array {
  if (!chosen) {
    const addon = (native as unknown as { findMatches?: FindMatches }).findMatches;
    chosen = native.backend === 'wasm' || typeof addon !== 'function' ? wasmFindMatches : addon;
  }
  return chosen(program.words, bytes);
}
