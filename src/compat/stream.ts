// Streaming helpers for Encoding.encodeGenerator and decodeGenerator.
//
// encodeGenerator encodes a long text in chunks, cut only where cutting cannot change a token:
//  - at a space between two ASCII letters ("a b"): every split pattern ends the letter run before
//    the space and starts the next piece with " b", whether or not the text goes on;
//  - after a newline that follows a printable ASCII character and precedes an ASCII letter or
//    digit: the newline is a piece of its own (or ends a punctuation piece) either way.
// No lookahead of any pattern reaches past such a point, and no special token contains one.

let chunkTarget = 1 << 16;

/** @internal For tests: the length after which a chunk is cut at the next safe point. */
export function setChunkTarget(length: number): void {
  chunkTarget = length;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isAsciiAlnum(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39);
}

function isSafeCut(text: string, p: number): boolean {
  const here = text.charCodeAt(p);
  const before = text.charCodeAt(p - 1);
  if (here === 0x20) return isAsciiLetter(before) && isAsciiLetter(text.charCodeAt(p + 1));
  if (before !== 0x0a || p < 2) return false;
  const beforeNewline = text.charCodeAt(p - 2);
  return beforeNewline > 0x20 && beforeNewline < 0x7f && isAsciiAlnum(here);
}

/** [start, end) bounds of chunks of `text` that encode independently to the text's tokens. */
export function* safeChunks(text: string): Generator<[number, number]> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + Math.max(1, chunkTarget));
    while (end < text.length && !isSafeCut(text, end)) end++;
    yield [start, end];
    start = end;
  }
}

/** Decodes token bytes as they come, holding back a character until all its bytes are there. */
export class Utf8Stream {
  // ignoreBOM keeps a leading U+FEFF, as Encoding.decode does.
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  push(bytes: Uint8Array): string {
    return this.#decoder.decode(bytes, { stream: true });
  }

  /** What is left: an incomplete character at the end becomes U+FFFD, as in decode(). */
  end(): string {
    return this.#decoder.decode();
  }
}

/** The ids of `text`, chunk by chunk; returns how many there were. */
export function* encodeChunks(text: string, encodeChunk: (chunk: string) => Uint32Array): Generator<Uint32Array, number, undefined> {
  let total = 0;
  for (const [start, end] of safeChunks(text)) {
    const ids = encodeChunk(text.slice(start, end));
    total += ids.length;
    yield ids;
  }
  return total;
}

/** The text of tokens, one piece per token that completes at least one character. */
export function* decodeChunks(tokens: Iterable<unknown>, bytesOf: (token: unknown, index: number) => Uint8Array): Generator<string, void, undefined> {
  const stream = new Utf8Stream();
  let index = 0;
  for (const token of tokens) {
    const text = stream.push(bytesOf(token, index++));
    if (text) yield text;
  }
  const rest = stream.end();
  if (rest) yield rest;
}

/** decodeChunks for an async source of tokens. */
export async function* decodeChunksAsync(tokens: AsyncIterable<unknown>, bytesOf: (token: unknown, index: number) => Uint8Array): AsyncGenerator<string, void, undefined> {
  const stream = new Utf8Stream();
  let index = 0;
  for await (const token of tokens) {
    const text = stream.push(bytesOf(token, index++));
    if (text) yield text;
  }
  const rest = stream.end();
  if (rest) yield rest;
}
