// Every id of an encoding, read once and kept (per Encoding, weakly): the bytes of each ordinary
// token, and the ids that are no token. analyze() needs the number of ordinary tokens (|V|),
// audit() the bytes and which tokens encode to themselves. The core gives all of it in one call
// (native/core/vocab/vocabulary_table.h); a handle without that call (a merges-list encoding) is
// probed through the public API.
import { type Encoding, vocabularyTable } from './encoding';

export interface VocabularyScan {
  /** Ordinary (non-special) token ids, ascending. */
  readonly ids: Uint32Array;
  /** Token k's bytes are bytes.subarray(starts[k], starts[k + 1]). */
  readonly bytes: Uint8Array;
  readonly starts: Uint32Array;
  /** Inclusive [first, last] ranges of ids in [0, maxTokenValue] that are neither ordinary nor special tokens. */
  readonly holes: ReadonlyArray<readonly [number, number]>;
  /**
   * One per token, when the core gave them: UTF8 when its bytes are UTF-8 on their own, and, when
   * the scan was asked for reachability, REACHABLE when encode of those bytes is exactly [id].
   */
  readonly flags: Uint8Array | null;
  /** Whether flags tells reachability (the core's encode is the encoding's: no JS split or normalizer). */
  readonly reachability: boolean;
}

export const UTF8 = 1;
export const REACHABLE = 2;

const scans = new WeakMap<Encoding, VocabularyScan>();

// Ids are probed in blocks with one decodeBytes call each: a block holding no hole decodes in one
// native call, and only a block that does (the call refuses it) is halved, down to SMALL ids that
// are probed one by one. The public API has no "next id" query, so each missing id costs one
// refused call: a vocabulary with millions of missing ids takes seconds.
const BLOCK = 4096;
const SMALL = 64;

export function scanVocabulary(encoding: Encoding, reachability = false): VocabularyScan {
  const cached = scans.get(encoding);
  if (cached && (cached.reachability || !reachability || !cached.flags)) return cached;
  const scan = fromCore(encoding, reachability) ?? probe(encoding);
  scans.set(encoding, scan);
  return scan;
}

// The holes are the gaps between the ids that are tokens (ordinary or special): no loop over the
// id range, which a custom vocabulary may stretch to 2^32 - 2.
function fromCore(encoding: Encoding, reachability: boolean): VocabularyScan | null {
  // The core computes reachability only when asked: PatternHandle and the other wrappers ask it
  // for the bytes alone, since their encode is not the core's (src/regexp-handle.ts).
  const table = vocabularyTable(encoding, reachability);
  if (!table) return null;
  const { ids, starts, bytes, flags, reachability: known } = table;
  const taken = Uint32Array.from(Object.values(encoding.specialTokens).filter((id) => id <= encoding.maxTokenValue));
  taken.sort();
  const holes: (readonly [number, number])[] = [];
  let next = 0; // the lowest id not yet known to be a token
  let i = 0;
  let j = 0;
  while (i < ids.length || j < taken.length) {
    const id = j >= taken.length || (i < ids.length && ids[i] < taken[j]) ? ids[i++] : taken[j++];
    if (id > next) holes.push(Object.freeze([next, id - 1] as const));
    if (id >= next) next = id + 1;
  }
  if (next <= encoding.maxTokenValue) holes.push(Object.freeze([next, encoding.maxTokenValue] as const));
  return Object.freeze({ ids, bytes, starts, holes: Object.freeze(holes), flags, reachability: known });
}

function probe(encoding: Encoding): VocabularyScan {
  const special = new Set(Object.values(encoding.specialTokens));
  const present = new Uint8Array(encoding.maxTokenValue + 1);
  const single = new Uint32Array(1);
  const probe = (first: number, end: number): void => {
    if (end - first <= SMALL) {
      for (let id = first; id < end; id++) {
        single[0] = id;
        try {
          encoding.decodeBytes(single);
          present[id] = 1;
        } catch {
          // a hole (or a special token's id, which decodeBytes takes: not reached)
        }
      }
      return;
    }
    const block = new Uint32Array(end - first);
    for (let k = 0; k < block.length; k++) block[k] = first + k;
    try {
      encoding.decodeBytes(block);
      present.fill(1, first, end);
      return;
    } catch {
      // holds a hole: halve
    }
    const middle = first + ((end - first) >>> 1);
    probe(first, middle);
    probe(middle, end);
  };
  // Each refused probe builds an error; its stack is never read, and capturing it would be most
  // of the probe's cost.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let first = 0; first <= encoding.maxTokenValue; first += BLOCK) probe(first, Math.min(first + BLOCK, encoding.maxTokenValue + 1));
  } finally {
    Error.stackTraceLimit = limit;
  }

  const ordinary: number[] = [];
  const holes: [number, number][] = [];
  for (let id = 0; id <= encoding.maxTokenValue; id++) {
    if (special.has(id)) continue;
    if (present[id]) {
      ordinary.push(id);
      continue;
    }
    const last = holes[holes.length - 1];
    if (last && last[1] === id - 1) last[1] = id;
    else holes.push([id, id]);
  }
  const ids = Uint32Array.from(ordinary);
  const starts = new Uint32Array(ids.length + 1);
  const parts: Uint8Array[] = new Array(ids.length);
  let total = 0;
  for (let k = 0; k < ids.length; k++) {
    parts[k] = encoding.tokenBytes(ids[k]);
    starts[k] = total;
    total += parts[k].length;
  }
  starts[ids.length] = total;
  const bytes = new Uint8Array(total);
  for (let k = 0; k < ids.length; k++) bytes.set(parts[k], starts[k]);
  return Object.freeze({ ids, bytes, starts, holes: Object.freeze(holes.map((h) => Object.freeze(h) as readonly [number, number])), flags: null, reachability: false });
}
