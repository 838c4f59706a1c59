// Chat framing as gpt-tokenizer (4.0.0) lays it out, so that counts agree with it token for
// token: ChatML (<|im_start|>name<|im_sep|>content<|im_end|>) for cl100k_base and o200k_base,
// OpenAI's harmony format for o200k_harmony, and a reply primed with the assistant's header.
import { checkString } from '../args';
import type { EncodeOptions } from '../encoding';
import { encodingNameForModel } from '../models';
import { TurbotokenError, typeError } from '../errors';

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

export interface EncodeChatOptions extends EncodeOptions {
  /** The header the reply is primed with; default 'assistant'; '' primes nothing. */
  primeWithAssistantResponse?: string;
}

/** A step of a framed chat: fixed ids, or text to encode (with the caller's options or the defaults). */
export type ChatPart = { ids: number[] } | { text: string; options?: EncodeOptions };

// gpt-tokenizer's ids for the ChatML tokens; tiktoken's vocabularies leave these ids unassigned.
const CHATML: Record<string, { start: number; end: number; sep: number }> = {
  cl100k_base: { start: 100264, end: 100265, sep: 100266 },
  o200k_base: { start: 200003, end: 200004, sep: 200005 },
};

interface Framing {
  encodingName: string;
  specialTokens: Readonly<Record<string, number>>;
}

/** The parts of `messages` framed for `model` (which picks gpt-3.5's newline separators). */
export function* chatParts(encoding: Framing, messages: Iterable<ChatMessage>, model: string | undefined, options: EncodeChatOptions | undefined): Generator<ChatPart> {
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
    throw new TurbotokenError(`Model ${JSON.stringify(model)} uses ${expected}, not ${encodingName}; use encodingForModel(model)`, 'ERR_MODEL_MISMATCH');
  }
}

function* chatmlParts(ids: { start: number; end: number; sep: number }, messages: Iterable<ChatMessage>, newlines: boolean, options: EncodeChatOptions | undefined): Generator<ChatPart> {
  const roleSeparator: ChatPart = newlines ? { text: '\n' } : { ids: [ids.sep] };
  for (const message of messages) {
    const { role = 'system', name = role, content } = checkMessage(message);
    yield { ids: [ids.start] };
    yield { text: checkString(name, 'name') };
    yield roleSeparator;
    yield { text: content, options };
    yield { ids: [ids.end] };
    if (newlines) yield { text: '\n' };
  }
  const prime = primeOf(options);
  if (prime.length > 0) {
    yield { ids: [ids.start] };
    yield { text: prime, options };
  }
  yield roleSeparator;
}

function* harmonyParts(specials: Readonly<Record<string, number>>, messages: Iterable<ChatMessage>, options: EncodeChatOptions | undefined): Generator<ChatPart> {
  const id = (name: string): ChatPart => ({ ids: [specials[name]] });
  const header = (text: string): ChatPart => ({ text });
  for (const message of messages) {
    const { name, role, content, recipient, channel, constraint } = checkMessage(message);
    const inRole = Boolean(recipient) && (message.recipientPlacement === 'role' || !channel);
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
    yield { text: content, options };
    yield id(message.terminator === '<|return|>' || message.terminator === '<|call|>' ? message.terminator : '<|end|>');
  }
  const prime = primeOf(options);
  if (prime.length > 0) {
    yield id('<|start|>');
    yield header(prime);
  }
}

function checkMessage(message: ChatMessage): ChatMessage {
  if (message === null || typeof message !== 'object') throw typeError(`A chat message must be an object; received ${message === null ? 'null' : typeof message}`);
  if (message.content === undefined) throw new TurbotokenError('Content must be defined for all messages', 'ERR_INVALID_CHAT_MESSAGE');
  checkString(message.content, 'content');
  return message;
}

function primeOf(options: EncodeChatOptions | undefined): string {
  const prime = options?.primeWithAssistantResponse;
  return prime === undefined ? 'assistant' : checkString(prime, 'primeWithAssistantResponse');
}
