// Typed-array concatenation, written once for the facade, the CLI and the browser's Buffer.

/** The parts one after another in a new array made by `Type` (a subclass such as Buffer works), always a copy. */
export function concatArrays<T extends Uint8Array | Uint32Array>(Type: new (length: number) => T, parts: readonly ArrayLike<number>[]): T {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Type(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Token ids of parts one after another: the one part itself when there is one (for parts the caller owns). */
export function joinIds(parts: readonly Uint32Array[]): Uint32Array {
  return parts.length === 1 ? parts[0] : concatArrays(Uint32Array, parts);
}
