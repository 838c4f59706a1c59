// isCanonical(ids) against its definition, encode(decodeBytes(ids), { allowedSpecial: 'all' }) == ids,
// on random id sequences made to be canonical, nearly canonical and not at all: random token ids
// (partial UTF-8 included), encode's ids with one id changed, split or merged with a neighbour
// (a token across two pre-tokens), special tokens among them and spelled out as ordinary tokens,
// and dropout's outputs. On the shipped encodings the core checks pre-token by pre-token
// (Encoding::is_canonical); the small encodings (a JavaScript split, a tokenizer.json) re-encode.
import { describe, expect, it } from 'vitest';
import { describeEncodings } from '../support/inference-encodings.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const same = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);

describeEncodings(['o200k_base', 'cl100k_base', 'r50k_base'], 'isCanonical on random sequences of %s', (enc, name) => {
  const all = { allowedSpecial: 'all' };
  const definition = (ids) => same(enc.encode(enc.decodeBytes(ids), all), ids);
  const specials = Object.values(enc.specialTokens);
  // Ordinary ids that are tokens, by rejection over the id range.
  const randomId = (next) => {
    for (;;) {
      const id = Math.floor(next() * (enc.maxTokenValue + 1));
      try {
        enc.tokenBytes(id);
        return id;
      } catch {
        // a hole
      }
    }
  };

  it('agrees with the definition on mutated encodings of random text', () => {
    const next = rng(name.length * 7919);
    const counts = { true: 0, false: 0 };
    for (let round = 0; round < 300; round++) {
      const text = randomText(next, 1 + Math.floor(next() * 40)) + (next() < 0.2 ? '<|endoftext|>' + randomText(next, 5) : '');
      const ids = [...enc.encode(text, all)];
      let changed = ids;
      const at = Math.floor(next() * ids.length);
      switch (round % 6) {
        case 0: // as encoded
          break;
        case 1: // one id replaced by a random token
          if (ids.length) changed = [...ids.slice(0, at), randomId(next), ...ids.slice(at + 1)];
          break;
        case 2: // one token split into its bytes' single-byte tokens
          if (ids.length && !specials.includes(ids[at])) changed = [...ids.slice(0, at), ...[...enc.tokenBytes(ids[at])].map((b) => enc.encodeSingleToken(Uint8Array.of(b))), ...ids.slice(at + 1)];
          break;
        case 3: { // two neighbours as one token where their bytes are one (often across pre-tokens)
          if (ids.length < 2 || at + 1 >= ids.length) break;
          const joined = Buffer.concat([enc.tokenBytes(ids[at]), enc.tokenBytes(ids[at + 1])]);
          try {
            changed = [...ids.slice(0, at), enc.encodeSingleToken(joined), ...ids.slice(at + 2)];
          } catch {
            // not a token
          }
          break;
        }
        case 4: // a special token inserted, or its text spelled out as ordinary tokens
          if (specials.length) {
            const special = specials[Math.floor(next() * specials.length)];
            changed = next() < 0.5 ? [...ids.slice(0, at), special, ...ids.slice(at)] : [...ids.slice(0, at), ...enc.encodeOrdinary(enc.decode([special])), ...ids.slice(at)];
          }
          break;
        default: // random ids: mostly not canonical, often not UTF-8
          changed = Array.from({ length: 1 + Math.floor(next() * 8) }, () => randomId(next));
      }
      const got = enc.isCanonical(Uint32Array.from(changed));
      expect(got, `${round}: ${changed}`).toBe(definition(changed));
      counts[got]++;
    }
    expect(counts.true).toBeGreaterThan(40);
    expect(counts.false).toBeGreaterThan(40);
  });

  it('agrees with the definition on dropout outputs of long text', () => {
    const next = rng(name.length * 104729);
    for (let round = 0; round < 20; round++) {
      const text = randomText(next, 200 + Math.floor(next() * 200));
      const ids = enc.encode(text, { ...all, dropout: [0, 0.05, 0.3, 1][round % 4], seed: round });
      expect(enc.isCanonical(ids)).toBe(definition([...ids]));
    }
  });
});
