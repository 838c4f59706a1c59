// Inputs that defeat tokenizers: one long piece with no split point, long whitespace runs,
// and other repetitive text.
export const WORST_CASES = {
  'one letter': 'a',
  'one CJK character': '中',
  digits: '7',
  spaces: ' ',
  'space + newline': ' \n',
  newlines: '\n',
  'one emoji': '😀',
  'emoji ZWJ sequence': '👨‍👩‍👧',
  'letter + combining mark': 'e\u0301',
  'apostrophe s': "'s",
  punctuation: '!?',
  'tabs and spaces': '\t ',
};

/** `unit` repeated to about `bytes` bytes of UTF-8. */
export function repeatToBytes(unit, bytes) {
  return unit.repeat(Math.max(1, Math.round(bytes / Buffer.byteLength(unit))));
}
