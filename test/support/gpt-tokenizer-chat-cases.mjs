// The cases test/compat/compat-gpt-tokenizer.test.mjs compares encodeChat on with gpt-tokenizer,
// on every chat model gpt-tokenizer lists. Each of gpt-tokenizer's model modules builds its own
// encoding (about 0.15 s of CPU each, 118 models): its answers come from a committed book
// (test/data/answer-digests/gpt-tokenizer-chat.txt, scripts/make-answer-digests.mjs) instead.
//
// A group is one model and its calls [how, input]: how is 'encodeChat' (input a chat) or 'encode'.
import { createRequire } from 'node:module';
import { answerBook, answerDigest, caseKey, outcome } from './answer-digests.mjs';
import { PARAGRAPHS } from './compat-paragraphs.mjs';
import { randomText, rng } from './random-text.mjs';

const require = createRequire(import.meta.url);

export const BOOK = 'gpt-tokenizer-chat';
export const PACKAGE = 'gpt-tokenizer';

export const { chatEnabledModels: CHAT_MODELS } = require('gpt-tokenizer/cjs/modelsChatEnabled.gen');
export const original = (model) => require(`gpt-tokenizer/cjs/model/${model}`);

/** Three-message chats around the paragraphs. */
export const CHATS = PARAGRAPHS.map((content, i) => [
  { role: 'system', content: 'Answer briefly.' },
  { role: i % 2 ? 'user' : 'developer', name: i % 3 ? undefined : 'alice', content },
  { role: 'assistant', content: PARAGRAPHS[(i + 1) % PARAGRAPHS.length] },
]);

export const RANDOM_PER_MODEL = 5;

/** The random contents of each model, in the order the test draws them (one generator, model after model). */
export function randomContents() {
  const next = rng(0xc4a7);
  return new Map(CHAT_MODELS.map((model) => [model, Array.from({ length: RANDOM_PER_MODEL }, () => randomText(next, 12).replace(/<\|/g, '<'))]));
}

function calls(model, contents) {
  return [
    ...CHATS.map((chat) => ['encodeChat', chat]),
    ...contents.get(model).flatMap((content) => [['encode', content], ['encodeChat', [{ role: 'user', content }]]]),
  ];
}

export function call(theirs, how, input) {
  return outcome(() => (how === 'encode' ? theirs.encode(input) : theirs.encodeChat(input)));
}

/**
 * gpt-tokenizer for one model as the test uses it: `mismatch(how, input, ours)` is null when
 * `ours` is its answer (from the book, or from the model module, loaded on first need);
 * `agrees(how, input, ours)` says whether it is, from the book alone when the book has the case.
 */
export function chatReference(model) {
  const book = answerBook(BOOK, PACKAGE);
  let theirs;
  const live = (how, input) => call((theirs ??= original(model)), how, input);
  return {
    mismatch: (how, input, ours) => book.mismatch([model, how, input], ours, () => live(how, input)),
    agrees: (how, input, ours) => {
      const want = book.digest([model, how, input]);
      return want !== undefined ? want === answerDigest(ours) : answerDigest(live(how, input)) === answerDigest(ours);
    },
  };
}

/** The groups scripts/make-answer-digests.mjs --sample recomputes: the first model listed. */
export const SAMPLE_GROUPS = [0];

/** For scripts/make-answer-digests.mjs: each model as { build, cases() }. */
export function bookGroups() {
  const contents = randomContents();
  return CHAT_MODELS.map((model) => ({
    build: () => original(model),
    cases: () => calls(model, contents).map(([how, input]) => [[model, how, input], (theirs) => call(theirs, how, input)]),
  }));
}

export { caseKey };
