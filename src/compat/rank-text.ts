// An encoding's ordinary ranks written out as the reference packages ship them: tiktoken's
// ".tiktoken" text (what its load() returns as bpe_ranks) and js-tiktoken's compact "! offset
// token token ..." lines (its ranks/<name> modules). Built once per encoding, on first use.
import type { Encoding } from '../encoding';

const tiktokenTexts = new WeakMap<Encoding, string>();
const jsTiktokenTexts = new WeakMap<Encoding, string>();

function* ordinaryRanks(encoding: Encoding): Generator<[number, string]> {
  const specialIds = new Set(Object.values(encoding.specialTokens));
  for (let id = 0; id <= encoding.maxTokenValue; id++) {
    if (specialIds.has(id)) continue;
    let bytes: Uint8Array;
    try {
      bytes = encoding.tokenBytes(id);
    } catch {
      continue; // ids between the ranks and the special tokens are no tokens
    }
    yield [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')];
  }
}

/** "base64 rank" lines, one per ordinary token in rank order, each ending with a newline. */
export function tiktokenRankText(encoding: Encoding): string {
  let text = tiktokenTexts.get(encoding);
  if (text === undefined) {
    const lines: string[] = [];
    for (const [id, token] of ordinaryRanks(encoding)) lines.push(`${token} ${id}\n`);
    tiktokenTexts.set(encoding, (text = lines.join('')));
  }
  return text;
}

/** js-tiktoken's form: one "! first-rank token..." line per run of consecutive ranks. */
export function jsTiktokenRankText(encoding: Encoding): string {
  let text = jsTiktokenTexts.get(encoding);
  if (text === undefined) {
    const lines: string[] = [];
    let line: string[] = [];
    let next = -1;
    for (const [id, token] of ordinaryRanks(encoding)) {
      if (id !== next && line.length > 0) {
        lines.push(line.join(' '));
        line = [];
      }
      if (line.length === 0) line.push('!', String(id));
      line.push(token);
      next = id + 1;
    }
    if (line.length > 0) lines.push(line.join(' '));
    jsTiktokenTexts.set(encoding, (text = lines.join('\n')));
  }
  return text;
}
