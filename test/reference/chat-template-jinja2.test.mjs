// Chat templates rendered by turbotoken (@huggingface/jinja) against Python's Jinja2 rendering the
// same templates as transformers' apply_chat_template does (test/support/jinja2-render.py): the
// Qwen3, DeepSeek-V3, Gemma 3 and Llama 3 templates of the model packages, on varied
// conversations (system prompts, tool calls, multi-turn, non-ASCII), with and without the
// generation prompt; the templates' own exceptions with the same message and a code.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderChatTemplate } from '../../index.mjs';
import { modelFile } from '../support/models-hf.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const RENDER = fileURLToPath(new URL('../support/jinja2-render.py', import.meta.url));
const MODELS = ['qwen3', 'deepseek_v3', 'gemma3', 'llama3'];

/** What transformers' special_tokens_map gives a template, read from the config independently. */
function specialTokensMap(config) {
  const text = (v) => (v && typeof v === 'object' ? v.content : v);
  const out = {};
  const extra = config.extra_special_tokens && typeof config.extra_special_tokens === 'object' ? config.extra_special_tokens : {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token', 'additional_special_tokens', ...Object.keys(extra)]) {
    const v = config[key] ?? extra[key];
    if (v === null || v === undefined) continue;
    out[key] = Array.isArray(v) ? v.map(text) : text(v);
  }
  return out;
}

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city — °C or °F',
      parameters: { type: 'object', properties: { city: { type: 'string', description: 'e.g. Zürich, 東京' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
    },
  },
  { type: 'function', function: { name: 'search', description: 'Search "the web"\nwith quotes', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer', minimum: 1, maximum: 10 } } } } },
];

/** Seeded content: mixed scripts, whitespace runs, emoji, template-like text (data, not template). */
function contentOf(next) {
  const extras = ['', '{{ messages }}', '{% if x %}', '  leading', 'trailing  ', '\n\nline\n', '<think>\nhmm\n</think>\n\nanswer', 'Grüße, 世界! 😀', '"quoted" \\ back'];
  let text = randomText(next, 1 + Math.floor(next() * 12));
  if (next() < 0.4) text += extras[Math.floor(next() * extras.length)];
  return text.isWellFormed() ? text : text.replace(/[\uD800-\uDFFF]/g, '?');
}

/** Conversations every template accepts: user/assistant alternating, an optional system prompt first. */
function plainConversations(count, seed) {
  const next = rng(seed);
  const out = [
    [{ role: 'user', content: 'Hello!' }],
    [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Hi' }],
    [{ role: 'system', content: 'Réponds en français. 日本語も可。' }, { role: 'user', content: 'Bonjour 👋' }, { role: 'assistant', content: 'Salut !' }, { role: 'user', content: '¿Y ahora?' }],
  ];
  for (let k = 0; k < count; k++) {
    const messages = [];
    if (next() < 0.5) messages.push({ role: 'system', content: contentOf(next) });
    const turns = 1 + Math.floor(next() * 5);
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: contentOf(next) });
      if (t < turns - 1 || next() < 0.3) messages.push({ role: 'assistant', content: contentOf(next) });
    }
    out.push(messages);
  }
  return out;
}

/** Tool-calling conversations in the OpenAI form transformers documents. */
function toolConversations(argumentsAsString) {
  const call = (name, args) => ({ type: 'function', function: { name, arguments: argumentsAsString ? JSON.stringify(args) : args } });
  return [
    [
      { role: 'system', content: 'Use the tools.' },
      { role: 'user', content: 'Weather in Zürich and 東京?' },
      { role: 'assistant', content: '', tool_calls: [call('get_weather', { city: 'Zürich' }), call('get_weather', { city: '東京', unit: 'c' })] },
      { role: 'tool', content: '{"temp": 21.5}' },
      { role: 'tool', content: '晴れ, 18°C' },
      { role: 'assistant', content: 'Zürich 21.5°C; 東京 18°C.' },
      { role: 'user', content: 'Thanks!' },
    ],
    [
      { role: 'user', content: 'Search for "jinja"' },
      { role: 'assistant', content: 'Searching…', tool_calls: [call('search', { q: 'jinja', n: 3, exact: true, tags: ['a', 'b'], nested: { x: null } })] },
      { role: 'tool', content: 'three results' },
    ],
  ];
}

/** Each case: { model, template, messages, options, variables } with the variables Jinja2 gets. */
function buildCases() {
  const cases = [];
  for (const model of MODELS) {
    const config = JSON.parse(readFileSync(modelFile(model, 'tokenizer_config.json'), 'utf8'));
    const specials = specialTokensMap(config);
    const add = (messages, options = {}) => {
      const variables = { ...specials, ...(options.variables ?? {}), messages, tools: options.tools ?? null, documents: null, add_generation_prompt: options.addGenerationPrompt ?? false };
      cases.push({ model, template: config.chat_template, messages, options, variables });
    };
    for (const messages of plainConversations(40, 0xc4a7 + model.length)) {
      add(messages);
      add(messages, { addGenerationPrompt: true });
    }
    if (model === 'qwen3') {
      for (const messages of toolConversations(false)) {
        add(messages, { tools: TOOLS, addGenerationPrompt: true });
        add(messages, { tools: TOOLS });
      }
      add(toolConversations(true)[0], { tools: TOOLS, addGenerationPrompt: true });
      add([{ role: 'user', content: 'Think?' }], { addGenerationPrompt: true, variables: { enable_thinking: false } });
      add([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_content: 'I reasoned — 理由' }, { role: 'user', content: 'q2' }], { addGenerationPrompt: true });
    }
    if (model === 'deepseek_v3') {
      // Its template renders the calls of an assistant message whose content is null.
      for (const messages of toolConversations(true)) add(messages.map((m) => (m.tool_calls ? { ...m, content: null } : m)), { addGenerationPrompt: true });
    }
    if (model === 'gemma3') {
      // Content as a list of typed parts (the multimodal form); the template's own errors.
      add([{ role: 'user', content: [{ type: 'text', text: 'Describe ' }, { type: 'text', text: 'this 🖼️' }] }], { addGenerationPrompt: true });
      add([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]);
      add([{ role: 'assistant', content: 'first' }]);
      add([{ role: 'system', content: [{ type: 'text', text: 'sys' }] }, { role: 'user', content: 'u' }], { addGenerationPrompt: true });
    }
  }
  return cases;
}

function renderWithJinja2(cases) {
  const input = JSON.stringify(cases.map((c) => ({ template: c.template, variables: c.variables })));
  return JSON.parse(execFileSync('python3', [RENDER], { input, encoding: 'utf8', maxBuffer: 256 << 20 }));
}

function ours(c) {
  try {
    return { text: renderChatTemplate(modelFile(c.model, 'tokenizer_config.json'), c.messages, c.options) };
  } catch (error) {
    return { error: error.message, code: error.code };
  }
}

describe('chat templates against Python Jinja2 with transformers\' settings', () => {
  let cases;
  let reference;
  beforeAll(() => {
    cases = buildCases();
    reference = renderWithJinja2(cases);
  });

  it('renders every case as Jinja2 does: 0 differences', () => {
    let differences = 0;
    let first;
    const perModel = {};
    cases.forEach((c, k) => {
      const mine = ours(c);
      const theirs = reference[k];
      const same = theirs.error !== undefined ? mine.error === theirs.error && mine.code === 'ERR_CHAT_TEMPLATE_EXCEPTION' : mine.text === theirs.text;
      perModel[c.model] = (perModel[c.model] ?? 0) + 1;
      if (!same) {
        differences++;
        first ??= { model: c.model, options: c.options, messages: JSON.stringify(c.messages).slice(0, 300), ours: mine, theirs };
      }
    });
    expect(first).toBeUndefined();
    expect(differences).toBe(0);
    for (const model of MODELS) expect(perModel[model]).toBeGreaterThanOrEqual(80);
    // The cases reach what they are for: tool calls rendered, and the templates' own errors.
    expect(reference.filter((r) => r.text?.includes('<tool_call>')).length).toBeGreaterThan(2);
    expect(reference.filter((r) => r.text?.includes('<｜tool▁calls▁begin｜>')).length).toBe(2);
    expect(reference.filter((r) => r.error).length).toBe(2);
  });

  it('a template\'s raise_exception is a TurbotokenError with its message and a code', () => {
    const gemma = modelFile('gemma3', 'tokenizer_config.json');
    let error;
    try {
      renderChatTemplate(gemma, [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'TurbotokenError', code: 'ERR_CHAT_TEMPLATE_EXCEPTION', message: expect.stringContaining('Conversation roles must alternate user/assistant') });
  });
});
