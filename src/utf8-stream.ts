// Incremental UTF-8 decoding: bytes that arrive in pieces (token bytes for decodeGenerator and
// createDecoder, input chunks for encodeStream and the CLI) read as one stream, a character split
// between pieces joined, never yielded broken.

/** Decodes bytes as they come, holding back a character until all its bytes are there. */
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

/**
 * Turns byte and string chunks into text. Bytes are one UTF-8 stream across chunks (a character
 * split between chunks is joined; ill-formed bytes become U+FFFD, as encode() reads bytes); a
 * string chunk ends any incomplete byte sequence before it.
 */
export class TextChunks {
  // Utf8Stream keeps a leading U+FEFF, as encode(bytes) does.
  readonly #bytes = new Utf8Stream();
  #pendingBytes = false;

  push(chunk: string | Uint8Array): string {
    if (typeof chunk !== 'string') {
      this.#pendingBytes = true;
      return this.#bytes.push(chunk);
    }
    return this.#flushBytes() + chunk;
  }

  end(): string {
    return this.#flushBytes();
  }

  #flushBytes(): string {
    if (!this.#pendingBytes) return '';
    this.#pendingBytes = false;
    return this.#bytes.end();
  }
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
