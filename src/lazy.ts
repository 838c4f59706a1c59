// A module that only some calls need, loaded on its first use: each module a require loads costs a
// command-line run 0.3-1 ms of start-up before its first encode (docs/performance.md).
export type Lazy<T> = () => T;

export function lazy<T>(load: () => T): Lazy<T> {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
