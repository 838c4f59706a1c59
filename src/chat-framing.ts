// Chat framing as gpt-tokenizer (4.0.0) lays it out, so that counts agree with it token for
// token: ChatML (<|im_start|>name<|im_sep|>content<|im_end|>) for cl100k_base and o200k_base,
// OpenAI's harmony format for o200k_harmony, and a reply primed with the assistant's header.
import { checkString, quote, readObject, type ReadOptions } from './args';
import { encodingNameForModel } from './models';
import { TurbotokenError, typeError } from './errors';

export interface ChatMessage {
  role?: 'system' | 'user' | 'assistant' | 'developer' | (string & {});
  /** Replaces the role in the header when given (as gpt-tokenizer does). */
  name?: string;
  content: string;
  /** Harmony only: channel, e.g. 'analysis', 'commentary' or 'final'. */
  channel?: string;
  /** Harmony only: recipient, e.g. 'functions.get_weather'. */
  recipient?: string;
  /** Harmony only: where the recipient goes in the header; default 'channel'. */
  recipientPlacement?: 'role' | 'channel';
  /** Harmony only: constraint, e.g. 'json'. */
  constraint?: string;
  /** Harmony only: the closing token; default '<|end|>'. */
  terminator?: '<|end|>' | '<|return|>' | '<|call|>';
}

/** A step of a framed chat: fixed ids, or text to encode (with the caller's options or the defaults). */
// Every part has both fields as own properties, so that nothing set on Object.prototype (an
// `ids`, an `options`) can answer for a missing one.
export type ChatPart = { ids: number[]; text: undefined; options: undefined } | { ids: undefined; text: string; options: ChatOptions | undefined };

const idsPart = (ids: number[]): ChatPart => ({ ids, text: undefined, options: undefined });
const textPart = (text: string, options?: ChatOptions): ChatPart => ({ ids: undefined, text, options });

/** EncodeChatOptions as read by readOptions(options, 'chat'): own properties only. */
export type ChatOptions = ReadOptions<'chat'>;

// gpt-tokenizer's ids for the ChatML tokens; tiktoken's vocabularies leave these ids unassigned.
// No prototype: an encoding named "constructor" (or one set on Object.prototype) has no framing.
const CHATML: Record<string, { start: number; end: number; sep: number } | undefined> = Object.assign(Object.create(null), {
  cl100k_base: { start: 100264, end: 100265, sep: 100266 },
  o200k_base: { start: 200003, end: 200004, sep: 200005 },
});

interface Framing {
  encodingName: string;
  specialTokens: Readonly<Record<string, number>>;
}

/** The parts of `messages` framed for `model` (which picks gpt-3.5's newline separators). */
export function* chatParts(encoding: Framing, messages: Iterable<ChatMessage>, model: string | undefined, options: ChatOptions): Generator<ChatPart> {
  if (model !== undefined) checkModel(encoding.encodingName, checkString(model, 'model'));
  if (encoding.encodingName === 'o200k_harmony') {
    yield* harmonyParts(encoding.specialTokens, messages, options);
    return;
  }
  const ids = CHATML[encoding.encodingName];
  if (!ids) {
    throw new TurbotokenError(`Chat framing needs cl100k_base, o200k_base or o200k_harmony; ${encoding.encodingName} has no chat tokens`, 'ERR_NOT_SUPPORTED');
  }
  yield* chatmlParts(ids, messages, model?.startsWith('gpt-3.5') ?? false, options);
}

// A model tiktoken's map knows must use this encoding: another would frame and count wrongly.
function checkModel(encodingName: string, model: string): void {
  let expected: string;
  try {
    expected = encodingNameForModel(model);
  } catch {
    return;
  }
  if (expected !== encodingName) {
    throw new TurbotokenError(`Model ${quote(model)} uses ${expected}, not ${encodingName}; use encodingForModel(model)`, 'ERR_MODEL_MISMATCH');
  }
}

function* chatmlParts(ids: { start: number; end: number; sep: number }, messages: Iterable<ChatMessage>, newlines: boolean, options: ChatOptions): Generator<ChatPart> {
  const roleSeparator: ChatPart = newlines ? textPart('\n') : idsPart([ids.sep]);
  for (const message of messages) {
    const { role = 'system', name = role, content } = checkMessage(message);
    yield idsPart([ids.start]);
    yield textPart(checkString(name, 'name'));
    yield roleSeparator;
    yield textPart(content, options);
    yield idsPart([ids.end]);
    if (newlines) yield textPart('\n');
  }
  const prime = primeOf(options);
  if (prime.length > 0) {
    yield idsPart([ids.start]);
    yield textPart(prime, options);
  }
  yield roleSeparator;
}

function* harmonyParts(specials: Readonly<Record<string, number>>, messages: Iterable<ChatMessage>, options: ChatOptions): Generator<ChatPart> {
  const id = (name: string): ChatPart => idsPart([specials[name]]);
  const header = (text: string): ChatPart => textPart(text);
  for (const message of messages) {
    const checked = checkMessage(message);
    const { name, role, content, recipient, channel, constraint, recipientPlacement, terminator } = checked;
    const inRole = Boolean(recipient) && (recipientPlacement === 'role' || !channel);
    yield id('<|start|>');
    yield header(checkString(name ?? role ?? 'user', 'role'));
    if (inRole) yield header(` to=${recipient}`);
    if (channel) {
      yield id('<|channel|>');
      yield header(channel);
      if (recipient && !inRole) yield header(` to=${recipient}`);
    }
    if (constraint) {
      yield id('<|constrain|>');
      yield header(constraint);
    }
    yield id('<|message|>');
    yield textPart(content, options);
    yield id(terminator === '<|return|>' || terminator === '<|call|>' ? terminator : '<|end|>');
  }
  const prime = primeOf(options);
  if (prime.length > 0) {
    yield id('<|start|>');
    yield header(prime);
  }
}

// A message is read once, own properties only, like options: a field set on Object.prototype
// (a `name`, a `channel`) must not change the framing.
function checkMessage(value: unknown): ChatMessage {
  if (value === null || typeof value !== 'object') throw typeError(`A chat message must be an object; received ${value === null ? 'null' : typeof value}`);
  const message = readObject(value, 'chatMessage', 'message') as ChatMessage;
  if (message.content === undefined) throw new TurbotokenError('Content must be defined for all messages', 'ERR_INVALID_CHAT_MESSAGE');
  checkString(message.content, 'content');
  return message;
}

function primeOf(options: ChatOptions): string {
  const prime = options.primeWithAssistantResponse;
  return prime === undefined ? 'assistant' : checkString(prime, 'primeWithAssistantResponse');
}
