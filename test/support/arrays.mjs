// Comparing large typed arrays: expect(...).toEqual walks them element by element through its
// generic equality (seconds for a million ids); these compare their bytes.

/** The bytes of a typed array or Buffer, without a copy. */
export function bytesOf(array) {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Null when `actual` and `expected` are typed arrays of one type with the same elements;
 * otherwise what differs (the type, the length, or the first differing element).
 */
export function arrayDifference(actual, expected) {
  const type = (a) => Object.prototype.toString.call(a).slice(8, -1);
  if (type(actual) !== type(expected)) return `a ${type(actual)}, expected a ${type(expected)}`;
  if (actual.length === expected.length && bytesOf(actual).equals(bytesOf(expected))) return null;
  let k = 0;
  while (k < actual.length && k < expected.length && actual[k] === expected[k]) k++;
  return `length ${actual.length}, expected ${expected.length}; first difference at ${k}: ${actual[k]}, expected ${expected[k]}`;
}
