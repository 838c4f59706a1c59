// A few real paragraphs (prose, code, mixed scripts) for the compat suites' differential checks.
export const PARAGRAPHS = [
  'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity.',
  "The quick brown fox jumps over the lazy dog. Don't panic! We'll meet at 10:30am on 2024-05-13; it's 3.14 km away (approx.).\n\nNew paragraph:\tindented\r\nwith CRLF.",
  'function add(a, b) {\n  return a + b; // sums two numbers\n}\n\nconst xs = [1, 2, 3].map((x) => x * 2);\nconsole.log(`result: ${add(xs[0], xs[1])}`);\n',
  'Привет, мир! Καλημέρα κόσμε. こんにちは世界。안녕하세요 세계. مرحبا بالعالم. नमस्ते दुनिया. 你好，世界！ 🙂👍🏽 naïve café résumé',
  '    Leading spaces, trailing spaces    \n\n\n   and blank lines \u00a0 with NBSP and emoji 👨‍👩‍👧‍👦 at the end   ',
];
