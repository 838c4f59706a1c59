import { native } from './native';

// Memory in 2 MB pages from the addon (native/binding/saved_file_binding.cpp), undefined where
// there is none (the WebAssembly backend, under 4 MiB, a runtime that refuses outside memory).
// Each 4 KB page a process touches first costs microseconds on some hosts: reading Gemma 3's
// 10.7 MB file into a Buffer and the first pass over it were a third of its cold load.
export function largeBuffer(size: number): Uint8Array | undefined {
  const addon = native as unknown as { largeBuffer?: (bytes: number) => ArrayBuffer | undefined };
  if (native.backend === 'wasm' || typeof addon.largeBuffer !== 'function') return undefined;
  const buffer = addon.largeBuffer(size);
  return buffer instanceof ArrayBuffer && buffer.byteLength === size ? new Uint8Array(buffer) : undefined;
}
