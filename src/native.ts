// The loader: the backend this process uses (src/backend.ts picks it), set up once with the
// error class and the helpers it calls back (its contract: src/backend-contract.ts).
import * as path from 'node:path';
import { selectBackend } from './backend';
import type { NativeBinding } from './backend-contract';
import { TurbotokenError } from './errors';

export const packageRoot = path.join(__dirname, '..', '..');

// Whether one of 256 evenly spaced UTF-16 units of text is above U+00FF, which proves that V8
// holds the string as two-byte. The addon converts such a string to UTF-8 itself, 2-3x faster
// than V8's UTF-8 writer does for two-byte strings; a one-byte string V8 writes faster than the
// addon could, and a two-byte string that the sample misses goes that way too, as before.
export function sampledTwoByte(text: string): boolean {
  const step = Math.max(1, Math.floor(text.length / 256));
  for (let i = 0; i < text.length; i += step) if (text.charCodeAt(i) > 0xff) return true;
  return false;
}

// Captured at load, so that a program replacing them later does not change decode(). Node's
// Buffer#toString calls these slices, looked up on the buffer at each call.
const apply = Reflect.apply;
const bufferFrom = Buffer.from;
const { latin1Slice, ucs2Slice } = Buffer.prototype as unknown as Record<string, (start: number, end: number) => string>;

// The string of a Uint8Array of Latin-1 or a Uint16Array of UTF-16 (little-endian). For a text of
// 0xFBEE9 units and more Node makes an external string from a malloc'd copy, where
// napi_create_string_* has V8 fill a string in fresh large-object pages, a page fault per 4 KB:
// 4.2 against about 15 ms for 10M units (native/binding/js_strings.h).
export function bufferText(view: Uint8Array | Uint16Array): string {
  const bytes = apply(bufferFrom, Buffer, [view.buffer, view.byteOffset, view.byteLength]) as Buffer;
  return apply(view instanceof Uint16Array ? ucs2Slice : latin1Slice, bytes, [0, bytes.length]) as string;
}

function load(): NativeBinding {
  const binding = selectBackend(packageRoot);
  binding.setErrorClass(TurbotokenError);
  binding.setTwoByteProbe?.(sampledTwoByte);
  if (typeof latin1Slice === 'function' && typeof ucs2Slice === 'function') binding.setBufferText?.(bufferText);
  // TURBOTOKEN_BPE=direct|heap|long|run|windows runs one BPE merge implementation for every piece
  // (tests use it to hold each to the definition; windows: the long merge in 64-byte windows, so
  // that short texts cross its seams); unset or 'auto' picks by piece length.
  const forced = process.env.TURBOTOKEN_BPE;
  if (forced) binding.setMergeStrategy(forced);
  // TURBOTOKEN_KERNEL=scalar|sse2|avx2|avx512|neon|simd128 forces one pre-tokenizer kernel (tests run
  // on each); unset, the fastest one the CPU has.
  const kernel = process.env.TURBOTOKEN_KERNEL;
  if (kernel) binding.selectKernel(kernel);
  return binding;
}

export const native: NativeBinding = load();
