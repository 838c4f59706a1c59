// Random ways to cut an input into chunks, and a helper that runs a Transform over them.

/** Cuts `input` (string or Uint8Array) at random places: many tiny chunks, some large ones. */
export function randomChunks(next, input) {
  const chunks = [];
  let at = 0;
  while (at < input.length) {
    const r = next();
    const size = r < 0.5 ? 1 + Math.floor(next() * 4) : r < 0.9 ? 1 + Math.floor(next() * 64) : 1 + Math.floor(next() * 4096);
    chunks.push(input.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Writes `chunks` into `transform` and resolves with everything it outputs, flattened. */
export async function runTransform(transform, chunks) {
  const out = [];
  const collected = (async () => {
    for await (const piece of transform) out.push(...piece);
  })();
  for (const chunk of chunks) transform.write(chunk);
  transform.end();
  await collected;
  return out;
}
