// The compiled split patterns a saved encoding carries (format version 3, docs/saved-encoding.md):
// compiling a pattern with Unicode properties runs its classes over every code point, hundreds of
// milliseconds in a fresh process (Qwen3, DeepSeek-V3), where the saved program loads as it is.
import { knownFamily } from './pattern';
import { compilePattern, type PatternProgram } from './pattern-program';
import { BYTE_LEVEL_PATTERN } from './pretokenizer-sequence';
import type { PackedBuild } from './custom-encoding';
import { native } from './native';
import { ProgramFault } from './program-enums';
import { guarded } from './wasm-runtime';

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

interface ProgramCheckExports {
  tt_check_program(words: number, count: number): number;
}

// The core's check of a program (native/core/regex/program_check.h): undefined, or the fault and
// the index it names.
function coreCheck(words: Uint32Array): [number, number] | undefined {
  const addon = native as unknown as { checkProgram?: (words: Uint32Array) => [number, number] | undefined };
  if (native.backend !== 'wasm' && typeof addon.checkProgram === 'function') return addon.checkProgram(words);
  return guarded((rt) => {
    const x = rt.x as unknown as ProgramCheckExports;
    const ptr = rt.alloc(words.byteLength || 4);
    new Uint32Array(rt.x.memory.buffer, ptr, words.length).set(words);
    const fault = x.tt_check_program(ptr, words.length);
    const at = rt.out()[0];
    rt.x.tt_free(ptr);
    return fault === ProgramFault.None ? undefined : [fault, at];
  });
}

/**
 * Why `words` is not a program the core loads, or undefined when it is one. The JavaScript side
 * walks a program too (canMatchEmpty), so a hand-made file is refused here, at load, not at first
 * encode.
 */
export function programFault(words: Uint32Array): string | undefined {
  const check = coreCheck(words);
  if (!check) return undefined;
  const [fault, at] = check;
  const n = words[0];
  const r = words[1];
  switch (fault) {
    case ProgramFault.Short: return 'shorter than its counts';
    case ProgramFault.OutOfBounds: return `${n} instructions and ${r} ranges are out of bounds`;
    case ProgramFault.Length: return `${words.length} words where its counts say ${2 + 3 * n + 2 * r}`;
    case ProgramFault.Range: return `range ${at} is not a range of code points`;
    case ProgramFault.Opcode: return `instruction ${at} has no opcode ${words[2 + 3 * at]}`;
    case ProgramFault.JumpOutside: return `instruction ${at} jumps out of the program`;
    case ProgramFault.RangesPastEnd: return `instruction ${at} names ranges past the end`;
    case ProgramFault.RangesUnsorted: return `instruction ${at}'s ranges are not ascending and disjoint`;
    case ProgramFault.LastSteps: return 'the last instruction steps past the end';
    default: return `fault ${fault} at ${at}`;
  }
}

export type { PatternProgram };
