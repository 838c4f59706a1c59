// Chat templates of Hugging Face models: the Jinja template a tokenizer_config.json ships, rendered
// as transformers' apply_chat_template renders it (trim_blocks, lstrip_blocks, its tojson and
// raise_exception, the special tokens as variables) with @huggingface/jinja, the renderer
// transformers.js uses. @huggingface/jinja is loaded on the first render only: loading a
// tokenizer, or encoding, never pays for it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { asArgumentError, checkFlag, checkIterable, checkString, quote, readArgument, readOptions, shorten, type ReadOptions } from './args';
import { TurbotokenError, typeError } from './errors';
import { isObject, jsonText, parseJsonObject, type Json, type JsonFileKind } from './tokenizer-json-read';

/** A tokenizer_config.json: a path, its text (starting with "{"), its bytes, or the parsed object. */
export type TokenizerConfigInput = string | Uint8Array | Record<string, unknown>;

/** What a chat template renders from a tokenizer_config.json. */
export interface ChatTemplateConfig {
  /** Template name -> Jinja source; a config with one template has it under 'default'. */
  readonly templates: ReadonlyMap<string, string>;
  /** The special tokens as transformers' special_tokens_map gives them to the template. */
  readonly specialTokens: Readonly<Record<string, string | string[]>>;
}

export interface ChatTemplateOptions {
  /** Ends the prompt with the header of the assistant's reply (transformers' add_generation_prompt). Default: false. */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions as JSON schemas, given to the template as `tools`. Default: none (null). */
  tools?: readonly unknown[];
  /** Documents for retrieval-augmented templates, given as `documents`. Default: none (null). */
  documents?: readonly unknown[];
  /** The name of one of the config's templates (e.g. 'tool_use'), or a Jinja template of your own. Default: as transformers picks. */
  chatTemplate?: string;
  /** More template variables (transformers' **kwargs), e.g. { enable_thinking: false }. */
  variables?: Readonly<Record<string, unknown>>;
}

type TemplateOptions = ReadOptions<'chatTemplate'>;

// transformers' SPECIAL_TOKENS_ATTRIBUTES, in its order.
const SPECIAL_ATTRIBUTES = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token', 'additional_special_tokens'];
const MAX_DEPTH = 100;

function invalid(source: string, key: string, what: string): TurbotokenError {
  return new TurbotokenError(`${source}: ${key}: ${what}`, 'ERR_INVALID_TOKENIZER_CONFIG');
}


// A token in tokenizer_config.json is its text or an AddedToken object ({"content": ...}).
function tokenText(v: unknown, source: string, key: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.content === 'string') return v.content;
  throw invalid(source, key, `expected a string or {"content": string}; got ${quote(v)}`);
}

const CONFIG_JSON: JsonFileKind = { bytes: '<config buffer>', text: '<config text>', code: 'ERR_INVALID_TOKENIZER_CONFIG' };

function readConfigInput(input: TokenizerConfigInput): { json: Json; source: string } {
  if (isObject(input)) return { json: toPlain(input, 'config', invalidArg) as Json, source: '<config>' };
  const file = jsonText(input, CONFIG_JSON);
  if (!file) throw typeError('The "config" option must be a path, the JSON text of a tokenizer_config.json, its bytes or the parsed object');
  return { json: parseJsonObject(file.text, file.source, CONFIG_JSON.code), source: file.source };
}

/** The chat templates and special tokens of a tokenizer_config.json. */
export function readTokenizerConfig(input: TokenizerConfigInput): ChatTemplateConfig {
  // A revoked Proxy or a detached view fails inside the engine's own checks: a coded TypeError.
  const { json, source } = readArgument(() => readConfigInput(input));
  const templates = new Map<string, string>();
  const given = json.chat_template;
  if (typeof given === 'string') {
    templates.set('default', given);
  } else if (Array.isArray(given)) {
    given.forEach((entry, k) => {
      if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.template !== 'string') throw invalid(source, `chat_template[${k}]`, 'expected {"name": string, "template": string}');
      templates.set(entry.name, entry.template);
    });
  } else if (given !== undefined && given !== null) {
    throw invalid(source, 'chat_template', 'expected a string or a list of {"name", "template"}');
  }
  const specialTokens: Record<string, string | string[]> = Object.create(null);
  const extra = isObject(json.extra_special_tokens) ? Object.keys(json.extra_special_tokens) : [];
  for (const name of [...SPECIAL_ATTRIBUTES, ...extra]) {
    const value = json[name] ?? (isObject(json.extra_special_tokens) ? json.extra_special_tokens[name] : undefined);
    if (name === 'additional_special_tokens') {
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) throw invalid(source, name, 'expected a list');
      specialTokens[name] = value.map((v, k) => tokenText(v, source, `${name}[${k}]`) ?? '');
    } else {
      const text = tokenText(value, source, name);
      if (text !== undefined) specialTokens[name] = text;
    }
  }
  return { templates, specialTokens };
}

/**
 * A model directory's files: its tokenizer.json (a path), and its tokenizer_config.json with the
 * template of chat_template.jinja in place of the config's own when that file is there (as
 * transformers reads a directory), or undefined when the directory has neither.
 */
export function pretrainedFiles(dir: string): { tokenizer: string; config: Record<string, unknown> | undefined } {
  const file = (name: string) => path.join(dir, name);
  // The text of a file of the directory, or undefined when it is not there.
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(file(name), 'utf8');
    } catch (cause) {
      if ((cause as { code?: unknown })?.code === 'ENOENT') return undefined;
      throw new TurbotokenError(`Cannot read ${quote(file(name), 200)}: ${shorten(String((cause as Error)?.message))}`, 'ERR_INVALID_TOKENIZER_CONFIG');
    }
  };
  const configText = read('tokenizer_config.json');
  let config: Json | undefined = configText === undefined ? undefined : parseJsonObject(configText, file('tokenizer_config.json'), CONFIG_JSON.code);
  const template = read('chat_template.jinja');
  if (template !== undefined) config = Object.assign(Object.create(null) as Json, config, { chat_template: template });
  return { tokenizer: file('tokenizer.json'), config };
}

function invalidArg(message: string): Error {
  return typeError(message);
}

/**
 * A caller's value as plain data for the template: own enumerable properties, each read once;
 * strings, finite numbers, booleans, null, arrays and objects only, no cycles, at most MAX_DEPTH
 * deep. A getter or Proxy of the caller runs here, once, and never while the template runs.
 */
function toPlain(value: unknown, path: string, fail: (message: string) => Error, depth = 0, seen = new Set<object>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fail(`${path} must be JSON data; received ${value}`);
    return value;
  }
  if (value === undefined) return undefined;
  if (typeof value !== 'object') throw fail(`${path} must be JSON data; received ${quote(value)}`);
  if (depth >= MAX_DEPTH) throw fail(`${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (seen.has(value)) throw fail(`${path} refers to itself (a cycle)`);
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) throw fail(`${path} must be JSON data; received ${quote(value)}`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const length = value.length;
      const out: unknown[] = new Array(length);
      for (let i = 0; i < length; i++) out[i] = toPlain(value[i], `${path}[${i}]`, fail, depth + 1, seen);
      return out;
    }
    // A null prototype: a key set on Object.prototype is not the message's.
    const out: Json = Object.create(null);
    for (const key of Object.keys(value)) {
      const v = toPlain((value as Json)[key], `${path}.${key}`, fail, depth + 1, seen);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function messageError(message: string): Error {
  return new TurbotokenError(message, 'ERR_INVALID_CHAT_MESSAGE');
}

/** Which template renders: a name of the config's, a template given as text, else transformers' choice. */
function pickTemplate(config: ChatTemplateConfig | undefined, chosen: string | undefined, tools: unknown): string {
  if (chosen !== undefined && config?.templates.has(chosen)) return config.templates.get(chosen)!;
  // Jinja source has a tag or an expression; a name has neither.
  if (chosen !== undefined && /\{[{%#]/.test(chosen)) return chosen;
  if (chosen !== undefined) throw new TurbotokenError(`chatTemplate: ${quote(chosen)} is not a template of this tokenizer (its templates: ${[...(config?.templates.keys() ?? [])].join(', ') || 'none'})`, 'ERR_NO_CHAT_TEMPLATE');
  if (!config || config.templates.size === 0) throw new TurbotokenError('This tokenizer has no chat template: load it with its tokenizer_config.json (Encoding.fromTokenizerJson(json, { config }) or Encoding.fromPretrainedFiles(dir)), or pass chatTemplate', 'ERR_NO_CHAT_TEMPLATE');
  if (tools !== null && config.templates.has('tool_use')) return config.templates.get('tool_use')!;
  const template = config.templates.get('default');
  if (template === undefined) throw new TurbotokenError(`This tokenizer has no default chat template; pass chatTemplate (its templates: ${[...config.templates.keys()].join(', ')})`, 'ERR_NO_CHAT_TEMPLATE');
  return template;
}

type Jinja = typeof import('@huggingface/jinja');
let jinja: Jinja | undefined;
function loadJinja(): Jinja {
  if (jinja) return jinja;
  let lib: Jinja;
  try {
    lib = require('@huggingface/jinja') as Jinja;
  } catch (cause) {
    throw new TurbotokenError(`Chat templates need the package @huggingface/jinja, which did not load: ${shorten(String((cause as Error)?.message))}`, 'ERR_MISSING_DEPENDENCY');
  }
  pythonStringMethods(lib);
  return (jinja = lib);
}

// Python's whitespace (str.isspace), which strip() without arguments removes.
const PY_SPACE = new Set([...'\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000']);

function pyStrip(text: string, chars: unknown, left: boolean, right: boolean): string {
  const set = typeof chars === 'string' ? new Set(chars) : PY_SPACE;
  const points = [...text];
  let start = 0;
  let end = points.length;
  if (left) while (start < end && set.has(points[start])) start++;
  if (right) while (end > start && set.has(points[end - 1])) end--;
  return points.slice(start, end).join('');
}

// @huggingface/jinja's str.strip, lstrip and rstrip ignore their argument and strip JavaScript's
// whitespace, as does its trim filter: the Qwen3 template's content.lstrip('\n') then drops a
// reply's leading spaces, which Jinja2 keeps, and Gemma's trim takes U+FEFF, which Python keeps.
// It also prints booleans as JavaScript does. While this module renders (synchronously, so no
// other user of the library can see it) these answer as Python's do.
let rendering = false;
function pythonStringMethods(lib: Jinja): void {
  const env = new lib.Environment();
  const StringProto = Object.getPrototypeOf(env.set('s', '')) as object;
  const FunctionValue = (env.set('f', () => null) as object).constructor as new (fn: (args: { value: unknown }[]) => unknown) => unknown;
  const StringValue = StringProto.constructor as new (value: string) => unknown;
  // The trim filter too (Jinja2's do_trim is Python's strip).
  const interpreter = lib.Interpreter.prototype as unknown as { applyFilter(operand: { value: unknown }, node: { type: string; value: unknown }, env: unknown): unknown };
  const applyFilter = interpreter.applyFilter;
  interpreter.applyFilter = function (this: unknown, operand, node, env) {
    if (rendering && node.type === 'Identifier' && node.value === 'trim' && operand instanceof StringValue) return new StringValue(pyStrip(operand.value as string, undefined, true, true));
    return applyFilter.call(this, operand, node, env);
  };
  // Python prints booleans as True and False.
  const BooleanProto = Object.getPrototypeOf(env.set('b', true)) as { toString(this: { value: boolean }): string };
  const booleanToString = BooleanProto.toString;
  BooleanProto.toString = function (this: { value: boolean }) {
    return rendering ? (this.value ? 'True' : 'False') : booleanToString.call(this);
  };
  const original = Object.getOwnPropertyDescriptor(StringProto, 'builtins');
  if (!original?.get) return;
  const ours = new WeakMap<object, Map<string, unknown>>();
  Object.defineProperty(StringProto, 'builtins', {
    configurable: true,
    get(this: { value: string }) {
      const base = original.get!.call(this) as Map<string, unknown>;
      if (!rendering) return base;
      let map = ours.get(this);
      if (!map) {
        map = new Map(base);
        for (const [name, left, right] of [['strip', true, true], ['lstrip', true, false], ['rstrip', false, true]] as const) {
          map.set(name, new FunctionValue((args) => new StringValue(pyStrip(this.value, args[0]?.value, left, right))));
        }
        ours.set(this, map);
      }
      return map;
    },
  });
}

// Parsed templates by source: a server renders the same template for every request.
const parsed = new Map<string, InstanceType<Jinja['Template']>>();
const MAX_PARSED = 16;

/** Thrown by the template's raise_exception, so that it can be told from the renderer's own errors. */
class TemplateRaised extends Error {}

// Template.render, with transformers' globals: as in Jinja2, the variables given shadow a global
// of the same name (Template.render refuses them), and the literals cannot be shadowed.
function render(lib: Jinja, template: InstanceType<Jinja['Template']>, variables: Json): unknown {
  const env = new lib.Environment();
  for (const [key, value] of Object.entries(variables)) env.set(key, value);
  const globals: Json = {
    raise_exception: (message: unknown) => {
      throw new TemplateRaised(String(message));
    },
    strftime_now: strftimeNow,
    range: pythonRange,
  };
  for (const [key, value] of Object.entries(globals)) if (!Object.prototype.hasOwnProperty.call(variables, key)) env.set(key, value);
  for (const [key, value] of [['true', true], ['false', false], ['none', null], ['True', true], ['False', false], ['None', null]] as const) {
    env.setVariable(key, new lib.Environment().set(key, value));
  }
  rendering = true;
  try {
    return new lib.Interpreter(env).run(template.parsed).value;
  } finally {
    rendering = false;
  }
}

// Python's range(stop) and range(start, stop[, step]), bounded: a template's loop must not run away.
function pythonRange(...args: unknown[]): number[] {
  if (args.length < 1 || args.length > 3 || !args.every((a) => typeof a === 'number' && Number.isInteger(a))) throw new Error('range expects 1 to 3 integer arguments');
  const [start, stop, step] = (args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1]) as number[];
  if (step === 0) throw new Error('range() arg 3 must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > 1e7) throw new Error(`range of ${length} items is too long`);
  return Array.from({ length }, (_, k) => start + k * step);
}

/** The variables a template renders with, as transformers gives them. */
export function templateVariables(config: ChatTemplateConfig | undefined, messages: unknown, options: TemplateOptions): Json {
  const list: unknown[] = [];
  let k = 0;
  for (const message of checkIterable<Iterable<unknown>>(messages, 'messages')) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) throw messageError(`messages[${k}] must be an object; received ${quote(message)}`);
    list.push(toPlain(message, `messages[${k}]`, messageError));
    k++;
  }
  const listOption = (value: unknown, name: string): unknown => {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) throw typeError(`The "${name}" option must be an array; received ${quote(value)}`);
    return toPlain(value, name, invalidArg);
  };
  const variables = options.variables === undefined ? {} : toPlain(options.variables, 'variables', invalidArg);
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) throw typeError(`The "variables" option must be an object; received ${quote(options.variables)}`);
  return Object.assign(Object.create(null) as Json, config?.specialTokens, variables, {
    messages: list,
    tools: listOption(options.tools, 'tools'),
    documents: listOption(options.documents, 'documents'),
    add_generation_prompt: checkFlag(options.addGenerationPrompt, 'addGenerationPrompt'),
  });
}

/** The prompt text the model's chat template makes of `messages` (transformers' apply_chat_template with tokenize=False). */
export function renderChatTemplate(config: ChatTemplateConfig | undefined, messages: unknown, options: unknown): string {
  const opts = readOptions(options, 'chatTemplate');
  const chosen = opts.chatTemplate === undefined ? undefined : checkString(opts.chatTemplate, 'chatTemplate');
  let variables: Json;
  try {
    variables = templateVariables(config, messages, opts);
  } catch (error) {
    throw asArgumentError(error);
  }
  const source = pickTemplate(config, chosen, variables.tools);
  const { Template } = loadJinja();
  let template = parsed.get(source);
  try {
    if (!template) {
      template = new Template(source);
      if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value!);
      parsed.set(source, template);
    }
    const text = render(loadJinja(), template, variables);
    if (typeof text !== 'string') throw new Error('the template did not render to a string');
    return text;
  } catch (error) {
    if (error instanceof TemplateRaised) throw new TurbotokenError(error.message, 'ERR_CHAT_TEMPLATE_EXCEPTION');
    if (error instanceof TurbotokenError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new TurbotokenError(`The chat template failed: ${shorten(message)}`, 'ERR_CHAT_TEMPLATE'), { cause: error });
  }
}

// Python's strftime for the directives chat templates use (Llama 3.1: "%d %b %Y").
function strftimeNow(format: unknown): string {
  const now = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  return String(format).replace(/%([a-zA-Z%])/g, (all, d: string) => {
    switch (d) {
      case 'Y': return String(now.getFullYear());
      case 'y': return pad(now.getFullYear() % 100);
      case 'm': return pad(now.getMonth() + 1);
      case 'd': return pad(now.getDate());
      case 'B': return months[now.getMonth()];
      case 'b': return months[now.getMonth()].slice(0, 3);
      case 'A': return days[now.getDay()];
      case 'a': return days[now.getDay()].slice(0, 3);
      case 'H': return pad(now.getHours());
      case 'M': return pad(now.getMinutes());
      case 'S': return pad(now.getSeconds());
      case '%': return '%';
      default: return all;
    }
  });
}

/**
 * renderChatTemplate(config, messages, options): the prompt text of a tokenizer_config.json's
 * chat template without loading the tokenizer (Encoding#applyChatTemplate with the config given).
 */
export function renderChatTemplateOf(config: TokenizerConfigInput, messages: Iterable<Record<string, unknown>>, options?: ChatTemplateOptions): string {
  return renderChatTemplate(readTokenizerConfig(config), messages, options);
}
