// The Encoding of a Scaffold-BPE vocabulary (train(..., { algorithm: 'scaffold' })): text is merged
// with every token, scaffold tokens included (the paper's expanded vocabulary), then each scaffold
// token left in the output is demerged into the two tokens its merge joined, recursively, so no
// scaffold id is ever returned. docs/training.md ("Scaffold-BPE") defines it.
import { checkNonNegative, readArgument, type TextInput } from './args';
import type { EncodingOptions } from './custom-encoding';
import { Encoding, type BatchOptions, type BatchResult, type CountOptions, type EncodeOptions, type EncodeTextOptions, type HealOptions } from './encoding';
import { TurbotokenError } from './errors';
import type { HealResult } from './inference';

function unsupported(method: string): TurbotokenError {
  return new TurbotokenError(
    `${method} is not available on a Scaffold-BPE encoding: it would expose or bypass the scaffold tokens that encode demerges (docs/training.md)`,
    'ERR_UNSUPPORTED_TOKENIZER',
  );
}

export class ScaffoldEncoding extends Encoding {
  /** Per id: the ids a scaffold token demerges into (only scaffold ids have an entry). */
  readonly #parts: Map<number, Uint32Array>;
  readonly #isScaffold: Uint8Array;
  readonly #scaffold: Uint32Array;

  /**
   * `merges`: (left, right, result) triples in training order; `scaffold`: the scaffold ids. A
   * scaffold token demerges through the first merge that made it.
   */
  constructor(options: EncodingOptions, merges: Uint32Array, scaffold: Uint32Array) {
    super(options);
    this.#scaffold = Uint32Array.from(scaffold).sort();
    this.#isScaffold = new Uint8Array(this.nVocab);
    for (const id of this.#scaffold) this.#isScaffold[id] = 1;
    const madeBy = new Map<number, [number, number]>();
    for (let k = 0; k < merges.length; k += 3) if (!madeBy.has(merges[k + 2])) madeBy.set(merges[k + 2], [merges[k], merges[k + 1]]);
    this.#parts = new Map();
    // Children were made before their parent, so ascending ids see the children's parts first.
    for (const id of this.#scaffold) {
      const pair = madeBy.get(id);
      if (!pair) throw new TurbotokenError(`Scaffold token ${id} has no merge to demerge through`, 'ERR_INVALID_VOCABULARY');
      const ids: number[] = [];
      for (const child of pair) {
        const sub = this.#parts.get(child);
        if (sub) ids.push(...sub);
        else if (this.#isScaffold[child]) throw new TurbotokenError(`Scaffold token ${child} is made after ${id}, which it is part of`, 'ERR_INVALID_VOCABULARY');
        else ids.push(child);
      }
      this.#parts.set(id, Uint32Array.from(ids));
    }
  }

  /** The scaffold token ids, ascending (a copy). */
  get scaffoldTokens(): Uint32Array {
    return this.#scaffold.slice();
  }

  /** `ids` with every scaffold token replaced by its parts (the same array when there is none). */
  demerge(ids: Uint32Array): Uint32Array {
    const flags = this.#isScaffold;
    let extra = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] < flags.length && flags[ids[i]]) extra += this.#parts.get(ids[i])!.length - 1;
    if (extra === 0) return ids;
    const out = new Uint32Array(ids.length + extra);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < flags.length && flags[id]) {
        const parts = this.#parts.get(id)!;
        out.set(parts, o);
        o += parts.length;
      } else out[o++] = id;
    }
    return out;
  }

  override encode(text: TextInput, options?: EncodeTextOptions): Uint32Array {
    // Read once, so that the cut below uses the maxTokens Encoding checked, whatever a getter says later.
    const opts = options !== null && typeof options === 'object' ? readArgument(() => ({ ...options })) : options;
    const ids = this.demerge(super.encode(text, opts));
    // maxTokens cut the merged ids; demerging only lengthens them, so the cut is redone after.
    const max = opts !== null && typeof opts === 'object' ? opts.maxTokens : undefined;
    return typeof max === 'number' && max < ids.length ? ids.slice(0, max) : ids;
  }

  override encodeOrdinary(text: TextInput, options?: Parameters<Encoding['encodeOrdinary']>[1]): Uint32Array {
    return this.demerge(super.encodeOrdinary(text, options));
  }

  override count(text: TextInput, options?: CountOptions): number {
    return this.demerge(super.encode(text, options)).length;
  }

  override async encodeAsync(text: TextInput, options?: CountOptions): Promise<Uint32Array> {
    return this.demerge(await super.encodeAsync(text, options));
  }

  override async countAsync(text: TextInput, options?: CountOptions): Promise<number> {
    return this.demerge(await super.encodeAsync(text, options)).length;
  }

  override encodeBatch(texts: readonly TextInput[], options?: BatchOptions): BatchResult {
    const { tokens, offsets } = super.encodeBatch(texts, options);
    const parts: Uint32Array[] = [];
    const newOffsets = new Uint32Array(offsets.length);
    for (let k = 0; k + 1 < offsets.length; k++) {
      const ids = this.demerge(tokens.subarray(offsets[k], offsets[k + 1]));
      parts.push(ids);
      newOffsets[k + 1] = newOffsets[k] + ids.length;
    }
    const all = new Uint32Array(newOffsets[newOffsets.length - 1] ?? 0);
    parts.forEach((ids, k) => all.set(ids, newOffsets[k]));
    return { tokens: all, offsets: newOffsets };
  }

  override countBatch(texts: readonly TextInput[], options?: BatchOptions): Uint32Array {
    const { offsets } = this.encodeBatch(texts, options);
    const counts = new Uint32Array(Math.max(0, offsets.length - 1));
    for (let k = 0; k < counts.length; k++) counts[k] = offsets[k + 1] - offsets[k];
    return counts;
  }

  override isWithinTokenLimit(input: Parameters<Encoding['isWithinTokenLimit']>[0], tokenLimit: number, options?: Parameters<Encoding['isWithinTokenLimit']>[2]): number | false {
    const limit = checkNonNegative(tokenLimit, 'tokenLimit');
    const count = this.countTokens(input, options);
    return count > limit ? false : count;
  }

  /** The id of the one token whose text or bytes are `value`; a scaffold token is not a token of the vocabulary. */
  override encodeSingleToken(value: TextInput): number {
    const id = super.encodeSingleToken(value);
    if (this.#isScaffold[id]) throw new TurbotokenError(`Token ${id} is a scaffold token: encode demerges it, so it is not a single token of ${this.name}`, 'ERR_NOT_A_TOKEN');
    return id;
  }

  override tokensWithPrefix(prefix: TextInput): Uint32Array {
    return super.tokensWithPrefix(prefix).filter((id) => !this.#isScaffold[id]);
  }

  override encodeWithOffsets(_text: TextInput, _options?: EncodeOptions): never {
    throw unsupported('encodeWithOffsets');
  }

  override heal(_text: TextInput, _options?: HealOptions): HealResult {
    throw unsupported('heal');
  }

  override isCanonical(_tokens: Uint32Array | ArrayLike<number>): boolean {
    throw unsupported('isCanonical');
  }

  override save(_path: string): void {
    throw unsupported('save');
  }

  override saveAsync(_path: string): Promise<void> {
    return Promise.reject(unsupported('saveAsync'));
  }
}
