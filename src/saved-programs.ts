// The compiled split patterns a saved encoding carries (format version 3, docs/saved-encoding.md):
// compiling a pattern with Unicode properties runs its classes over every code point, hundreds of
// milliseconds in a fresh process (Qwen3, DeepSeek-V3), where the saved program loads as it is.
import { knownFamily } from './pattern';
import { compilePattern, type PatternProgram } from './pattern-program';
import { BYTE_LEVEL_PATTERN } from './pretokenizer-sequence';
import type { PackedBuild } from './custom-encoding';

/** The patterns compilePattern is asked for while an encoding built from `build` is made. */
function patternsOf(build: PackedBuild): string[] {
  const sequence = build.semantics?.sequence;
  if (!sequence) return knownFamily(build.pattern) ? [] : [build.pattern];
  const out = new Set<string>();
  for (const step of sequence.steps) {
    if (step.kind === 'split') out.add(step.pattern);
    else if (step.useRegex) out.add(BYTE_LEVEL_PATTERN);
  }
  return [...out];
}

/** The programs to save with `build`: the ones it was restored with, else compiled (cached when it was built in this process). */
export function programsToSave(build: PackedBuild): [string, Uint32Array][] {
  return patternsOf(build).map((p) => [p, (build.programs?.get(p) ?? compilePattern(p)).words]);
}

// The core's own limits (native/core/regex/pike_vm.h): kMaxInstructions, kMaxRanges, and its
// last opcode, kPrevNotIn.
const MAX_INSTRUCTIONS = 1 << 16;
const MAX_RANGES = 1 << 20;
const LAST_OP = 9;
const hasSet = (op: number) => op === 1 || op >= 6;

/**
 * Why `words` is not a program the core loads (the checks of Program::load in
 * native/core/regex/pike_vm.cpp), or undefined when it is one. The JavaScript side walks a
 * program too (canMatchEmpty), so a hand-made file is refused here, at load, not at first encode.
 */
export function programFault(words: Uint32Array): string | undefined {
  if (words.length < 2) return 'shorter than its counts';
  const n = words[0];
  const r = words[1];
  if (n === 0 || n > MAX_INSTRUCTIONS || r > MAX_RANGES) return `${n} instructions and ${r} ranges are out of bounds`;
  if (words.length !== 2 + 3 * n + 2 * r) return `${words.length} words where its counts say ${2 + 3 * n + 2 * r}`;
  const rangeAt = 2 + 3 * n;
  for (let k = 0; k < r; k++) {
    const lo = words[rangeAt + 2 * k];
    const hi = words[rangeAt + 2 * k + 1];
    if (lo > hi || hi > 0x10ffff) return `range ${k} is not a range of code points`;
  }
  for (let k = 0; k < n; k++) {
    const op = words[2 + 3 * k];
    const a = words[3 + 3 * k];
    const b = words[4 + 3 * k];
    if (op > LAST_OP) return `instruction ${k} has no opcode ${op}`;
    if ((op === 2 && (a >= n || b >= n)) || (op === 3 && a >= n)) return `instruction ${k} jumps out of the program`;
    if (hasSet(op)) {
      if (a > r || b > r - a) return `instruction ${k} names ranges past the end`;
      for (let j = 1; j < b; j++) if (words[rangeAt + 2 * (a + j)] <= words[rangeAt + 2 * (a + j - 1) + 1]) return `instruction ${k}'s ranges are not ascending and disjoint`;
    }
    if (op !== 0 && op !== 2 && op !== 3 && k + 1 >= n) return 'the last instruction steps past the end';
  }
  return undefined;
}

export type { PatternProgram };
