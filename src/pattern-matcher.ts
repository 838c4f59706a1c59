// The core's linear-time matcher (native/core/regex/) on whichever backend this process uses: the
// addon's PatternSplitter class, or tt_splitter_* in the WebAssembly module. A splitter is loaded
// once per program or pre-tokenizer and kept (with its lazy DFAs) for as long as the program is.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import type { PatternProgram } from './pattern-program';
import { SPLIT_INVERT, SplitMode } from './program-enums';
import { CoreObject, guarded, type Runtime, type WasmExports } from './wasm-runtime';

export { SplitMode };

export interface SplitStepSpec {
  program: PatternProgram;
  mode: SplitMode;
  invert?: boolean;
}

/** A loaded splitter: split(bytes) gives [start, end) byte offsets of the pieces, in pairs. */
export interface SplitterHandle {
  split(bytes: Uint8Array): Uint32Array;
  memoryBytes(): number;
}

interface SplitterExports {
  tt_splitter_create(words: number, count: number): number;
  tt_splitter_destroy(handle: number): void;
  tt_splitter_split(handle: number, text: number, size: number): number;
  tt_splitter_memory(handle: number): number;
}

function malformed(): Error {
  return bindingError('malformedPattern', undefined, TurbotokenError);
}

const exportsOf = (x: WasmExports): SplitterExports => x as unknown as SplitterExports;

class WasmSplitter extends CoreObject implements SplitterHandle {
  // The words are kept so that the splitter can be rebuilt in a new instance after a trap.
  constructor(private readonly words: Uint32Array) {
    super((x, ptr) => exportsOf(x).tt_splitter_destroy(ptr));
    this.attach();
  }

  protected build(rt: Runtime): number {
    return rt.createFromWords(exportsOf(rt.x).tt_splitter_create, this.words, malformed);
  }

  split(bytes: Uint8Array): Uint32Array {
    return guarded((rt) => {
      const handle = this.core(rt);
      const x = exportsOf(rt.x);
      const ptr = rt.alloc(Math.max(bytes.length, 1));
      if (bytes.length > 0) rt.u8().set(bytes, ptr);
      const status = x.tt_splitter_split(handle, ptr, bytes.length);
      rt.x.tt_free(ptr);
      if (status !== 0) throw bindingError('matcherTextTooLong');
      const [a, b] = rt.out();
      const pieces = new Uint32Array(rt.x.memory.buffer, a, b).slice();
      rt.releaseIfLarge(b * 4);
      return pieces;
    });
  }

  memoryBytes(): number {
    return guarded((rt) => (this.livesIn(rt) ? exportsOf(rt.x).tt_splitter_memory(this.core(rt)) >>> 0 : 0));
  }
}

type SplitterClass = new (words: Uint32Array) => SplitterHandle;

/** The steps in splitter.h's layout: [count] then per step [mode | invert, word count, program words]. */
export function splitterWords(steps: readonly SplitStepSpec[]): Uint32Array {
  let size = 1;
  for (const s of steps) size += 2 + s.program.words.length;
  const words = new Uint32Array(size);
  words[0] = steps.length;
  let at = 1;
  for (const s of steps) {
    words[at++] = s.mode | (s.invert ? SPLIT_INVERT : 0);
    words[at++] = s.program.words.length;
    words.set(s.program.words, at);
    at += s.program.words.length;
  }
  return words;
}

/** Loads the steps into the core of this process's backend. */
export function createSplitter(steps: readonly SplitStepSpec[]): SplitterHandle {
  const words = splitterWords(steps);
  const addon = (native as unknown as { PatternSplitter?: SplitterClass }).PatternSplitter;
  if (native.backend === 'wasm' || typeof addon !== 'function') return new WasmSplitter(words);
  return new addon(words);
}

// Per program, the splitter of each mode asked for: loaded on first use and kept with the program.
const matchers = new WeakMap<PatternProgram, SplitterHandle>();
const isolating = new WeakMap<PatternProgram, SplitterHandle>();

function keptSplitter(kept: WeakMap<PatternProgram, SplitterHandle>, program: PatternProgram, mode: SplitMode): SplitterHandle {
  let m = kept.get(program);
  if (!m) {
    m = createSplitter([{ program, mode }]);
    kept.set(program, m);
  }
  return m;
}

/** The splitter that finds a program's matches, loaded on first use and kept with the program. */
export function matcherOf(program: PatternProgram): SplitterHandle {
  return keptSplitter(matchers, program, SplitMode.Matches);
}

/** [start, end) UTF-8 byte offsets of the pattern's successive non-empty matches in `bytes`, in pairs. */
export function findMatches(program: PatternProgram, bytes: Uint8Array): Uint32Array {
  return matcherOf(program).split(bytes);
}

/** The splitter of Hugging Face's Split "Isolated" with this program, loaded on first use and kept with it. */
export function isolatingSplitter(program: PatternProgram): SplitterHandle {
  return keptSplitter(isolating, program, SplitMode.Isolated);
}

/** The ends of the pieces Hugging Face's Split "Isolated" makes: each match, and the text between matches. */
export function isolatedEnds(program: PatternProgram, bytes: Uint8Array): Uint32Array {
  const pairs = isolatingSplitter(program).split(bytes);
  const ends = new Uint32Array(pairs.length >>> 1);
  for (let k = 0; k < ends.length; k++) ends[k] = pairs[2 * k + 1];
  return ends;
}
