// Seeded random text that stresses pre-tokenization: every kind of character the patterns
// treat differently, in runs and mixtures, plus contractions and special-token text.

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = [
  // ASCII words, cases, digits
  'hello', 'World', 'HELLO', 'a', 'I', 'x', 'camelCase', 'snake_case', 'ALLCAPS', 'MiXeD',
  '0', '7', '42', '123', '2024', '3.14', '1,000,000', '0x1F',
  // whitespace of every kind the patterns distinguish
  ' ', ' ', ' ', '  ', '   ', '\t', '\n', '\n', '\r\n', '\r', '\n\n', ' \n', '\n ', '\u000b', '\u000c',
  '\u00a0', '\u0085', '\u1680', '\u2000', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
  '\ufeff', '\u200b', '\u180e',
  // punctuation, symbols, the apostrophe and slash
  '.', ',', '!', '?', ';', ':', '-', '--', '...', '(', ')', '[', ']', '{', '}', '"', "'", '`', '/', '//', '\\',
  '@', '#', '$', '%', '^', '&', '*', '+', '=', '<', '>', '|', '~', '_', '©', '€', '→', '∑', '\u0000', '\u007f',
  // contractions, including case-insensitive and folded forms
  "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'ſ", "'x", "'", "''",
  "don't", "I'M", "we'RE", "it's",
  // letters of other cases and scripts
  'é', 'É', 'ß', 'ǅ', 'ǈ', 'ʰ', 'ˈ', 'ª', 'º', 'ﬁ', 'Ⅷ', 'ⅷ', '²', '½', '٣', '߀', '〇',
  'naïve', 'Ünïcödé', 'ΑΒΓ', 'αβγ', 'Ωmega', 'Привет', 'мир', 'ПРИВЕТ',
  'مرحبا', 'שלום', 'नमस्ते', 'हिन्दी', 'ภาษาไทย', 'ສະບາຍດີ', '中文', '日本語', 'カタカナ', 'ひらがな', '한국어', '가',
  'ქართული', 'Հայերեն', 'ትግርኛ', 'ᠮᠣᠩᠭᠣᠯ', 'ꦗꦮ', '𐌰𐌱', '𝐀𝐁𝐂', '𝟙𝟚',
  // combining marks alone and after letters
  '\u0301', 'e\u0301', 'E\u0301', 'a\u0308\u0301', '\u0915\u094d', '\u0e34', '\u05b4', '\u20dd', '\u0301\u0302',
  // emoji, ZWJ sequences, flags, variation selectors, keycaps
  '😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇺🇸', '❤️', '1️⃣', '\ufe0f', '\u200d',
  // special-token text
  '<|endoftext|>', '<|fim_prefix|>', '<|endofprompt|>', '<|start|>', '<|reserved_200500|>', '<|', '|>', '<|endoftext',
];

/** A random string of about `atoms` pieces. */
export function randomText(next, atoms = 40) {
  let out = '';
  for (let i = 0; i < atoms; i++) {
    const r = next();
    if (r < 0.04) {
      out += String.fromCodePoint(Math.floor(next() * 0x30000)).replace(/[\ud800-\udfff]/g, '?');
    } else if (r < 0.08) {
      const atom = ATOMS[Math.floor(next() * ATOMS.length)];
      out += atom.repeat(1 + Math.floor(next() * 6));
    } else {
      out += ATOMS[Math.floor(next() * ATOMS.length)];
    }
  }
  return out;
}

/** `fixed`, then `count` random texts of 1 to `maxAtoms` pieces drawn from rng(seed). */
export function randomTexts(seed, count, maxAtoms, fixed = []) {
  const next = rng(seed);
  const list = [...fixed];
  for (let k = 0; k < count; k++) list.push(randomText(next, 1 + Math.floor(next() * maxAtoms)));
  return list;
}

export { ATOMS };
