// tiktoken's token_byte_values(): the bytes of every ordinary token, sorted bytewise. The order
// is computed once per encoding; callers get fresh arrays each time, as from the reference.
import type { Encoding } from '../encoding';

const sorted = new WeakMap<Encoding, Uint8Array[]>();

export function sortedTokenBytes(encoding: Encoding): Uint8Array[] {
  let list = sorted.get(encoding);
  if (!list) {
    // Latin-1 strings sort in byte order, and the default string sort is far quicker than a
    // comparator called a few million times; tokens are distinct, so each key finds its bytes.
    const byKey = new Map<string, Uint8Array>();
    for (const bytes of ordinaryTokenBytes(encoding)) byKey.set(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), bytes);
    list = [...byKey.keys()].sort().map((key) => byKey.get(key)!);
    sorted.set(encoding, list);
  }
  return list;
}

function ordinaryTokenBytes(encoding: Encoding): Uint8Array[] {
  const specialIds = new Set(Object.values(encoding.specialTokens));
  const out: Uint8Array[] = [];
  for (let id = 0; id <= encoding.maxTokenValue; id++) {
    if (specialIds.has(id)) continue;
    try {
      out.push(encoding.tokenBytes(id));
    } catch {
      // ids between the ranks and the special tokens are no tokens
    }
  }
  return out;
}
