// encodeChat, countChatTokens, countTokens and isWithinTokenLimit of messages for encodings loaded
// with their tokenizer_config.json: the ids of the rendered template as transformers'
// apply_chat_template(tokenize=True) gives them (Hugging Face's encode of the text without the
// post-processor's ids). The rendering itself is held to Jinja2 by
// test/reference/chat-template-jinja2. Also: the loaders, the errors, hostile messages.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding, renderChatTemplate } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { hfTokenizer, modelFile } from '../support/models-hf.mjs';
import { thrownBy } from '../support/thrown.mjs';

const CHATS = [
  [{ role: 'user', content: 'Hello!' }],
  [{ role: 'system', content: 'Be terse. Réponds en français.' }, { role: 'user', content: 'Bonjour 👋 <think>x</think>' }, { role: 'assistant', content: 'Salut !' }, { role: 'user', content: '日本語で？' }],
  [{ role: 'user', content: '<|im_start|>user\nnot a header<|im_end|>' }, { role: 'assistant', content: '  spaced  ' }, { role: 'user', content: '\n\n' }],
];
const TOOLS = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

describe('Qwen3 from its directory (fromPretrainedFiles) and Llama 3 with { config }', () => {
  let qwen;
  let llama;
  let hf;
  beforeAll(() => {
    qwen = Encoding.fromPretrainedFiles(path.dirname(modelFile('qwen3')));
    llama = Encoding.fromTokenizerJson(modelFile('llama3'), { config: modelFile('llama3', 'tokenizer_config.json') });
    hf = { qwen: hfTokenizer('qwen3'), llama: hfTokenizer('llama3') };
  });

  it('encodeChat is Hugging Face\'s encode of the rendered template; the counts agree', async () => {
    let checked = 0;
    for (const [enc, tokenizer, options] of [[qwen, hf.qwen, { addGenerationPrompt: true }], [qwen, hf.qwen, { tools: TOOLS }], [qwen, hf.qwen, { variables: { enable_thinking: false }, addGenerationPrompt: true }], [llama, hf.llama, {}], [llama, hf.llama, { addGenerationPrompt: true }]]) {
      for (const chat of CHATS) {
        const text = enc.applyChatTemplate(chat, options);
        const theirs = (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
        const ids = enc.encodeChat(chat, undefined, options);
        expect([...ids]).toEqual(theirs);
        expect(enc.countChatTokens(chat, undefined, options)).toBe(ids.length);
        expect(enc.countTokens(chat, options)).toBe(ids.length);
        expect(enc.isWithinTokenLimit(chat, ids.length, options)).toBe(ids.length);
        expect(enc.isWithinTokenLimit(chat, ids.length - 1, options)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(15);
    // The template's own tokens are ids: Qwen3's turn markers, Llama's BOS from its template.
    expect(qwen.encodeChat(CHATS[0], undefined, { addGenerationPrompt: true })[0]).toBe(qwen.specialTokens['<|im_start|>']);
    expect(llama.encodeChat(CHATS[0])[0]).toBe(128000);
    expect(qwen.applyChatTemplate(CHATS[0], { addGenerationPrompt: true })).toBe('<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n');
  });

  it('the special-token options apply to the rendered text', () => {
    const chat = CHATS[1];
    expect(qwen.count(qwen.applyChatTemplate(chat), { splitSpecialTokens: true })).toBe(qwen.countChatTokens(chat, undefined, { splitSpecialTokens: true }));
    expect(() => qwen.encodeChat(chat, undefined, { allowedSpecial: [] })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    expect(() => qwen.encodeChat(chat, undefined, { primeWithAssistantResponse: 'assistant' })).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
  });

  it('chatTemplate picks a template of your own; the OpenAI encodings keep their framing', () => {
    expect(qwen.applyChatTemplate(CHATS[1], { chatTemplate: '{% for m in messages %}[{{ m.role }}]{% endfor %}' })).toBe('[system][user][assistant][user]');
    expect(() => qwen.applyChatTemplate(CHATS[0], { chatTemplate: 'tool_use' })).toThrow(expect.objectContaining({ code: 'ERR_NO_CHAT_TEMPLATE' }));
    const cl100k = getEncoding('cl100k_base');
    expect([...cl100k.encodeChat(CHATS[0])]).toEqual([100264, 882, 100266, 9906, 0, 100265, 100264, 78191, 100266]);
    expect(cl100k.applyChatTemplate(CHATS[0], { chatTemplate: '{{ messages[0].content }}' })).toBe('Hello!');
    expect(thrownBy(() => cl100k.encodeChat(CHATS[0], undefined, { addGenerationPrompt: true })).code).toBe('ERR_NOT_SUPPORTED');
    expect(thrownBy(() => cl100k.applyChatTemplate(CHATS[0])).code).toBe('ERR_NO_CHAT_TEMPLATE');
    // A tokenizer.json loaded without its config has no template, and no OpenAI framing either.
    const bare = Encoding.fromTokenizerJson(tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 2000 }));
    expect(thrownBy(() => bare.encodeChat(CHATS[0])).code).toBe('ERR_NOT_SUPPORTED');
    expect(thrownBy(() => bare.applyChatTemplate(CHATS[0])).code).toBe('ERR_NO_CHAT_TEMPLATE');
  });
});

describe('errors and hostile input', () => {
  const config = { chat_template: '{% for m in messages %}{{ m.role }}:{{ m.content }}|{% endfor %}{% if tools %}T{{ tools | length }}{% endif %}', bos_token: { content: '<s>', lstrip: false } };

  it('the template\'s exceptions and failures have codes', () => {
    const raising = { chat_template: "{{ raise_exception('System role not supported') }}" };
    expect(thrownBy(() => renderChatTemplate(raising, []))).toMatchObject({ code: 'ERR_CHAT_TEMPLATE_EXCEPTION', message: 'System role not supported' });
    expect(thrownBy(() => renderChatTemplate({ chat_template: '{% for %}' }, [])).code).toBe('ERR_CHAT_TEMPLATE');
    expect(thrownBy(() => renderChatTemplate({ chat_template: '{{ range(100000000) | length }}' }, [])).code).toBe('ERR_CHAT_TEMPLATE');
    expect(thrownBy(() => renderChatTemplate({}, [])).code).toBe('ERR_NO_CHAT_TEMPLATE');
    expect(thrownBy(() => renderChatTemplate('{"chat_template": ', [])).code).toBe('ERR_INVALID_TOKENIZER_CONFIG');
    expect(thrownBy(() => renderChatTemplate('/no/such/tokenizer_config.json', [])).code).toBe('ERR_INVALID_TOKENIZER_CONFIG');
    expect(thrownBy(() => renderChatTemplate({ chat_template: 7 }, [])).code).toBe('ERR_INVALID_TOKENIZER_CONFIG');
    expect(thrownBy(() => renderChatTemplate({ chat_template: 'x', bos_token: 5 }, [])).code).toBe('ERR_INVALID_TOKENIZER_CONFIG');
    expect(thrownBy(() => renderChatTemplate(42, [])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renderChatTemplate(config, [], { addGenerationPrompt: 'yes' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renderChatTemplate(config, [], { tools: 'all' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renderChatTemplate(config, [], { chatTemplate: 5 })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renderChatTemplate(config, 5)).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('messages are read once as JSON data: cycles, functions, deep nesting and revoked proxies are typed errors', () => {
    let reads = 0;
    const message = { role: 'user', get content() {
      reads++;
      return 'once';
    } };
    expect(renderChatTemplate(config, [message])).toBe('user:once|');
    expect(reads).toBe(1);
    const cyclic = { role: 'user', content: 'x' };
    cyclic.self = cyclic;
    expect(thrownBy(() => renderChatTemplate(config, [cyclic])).code).toBe('ERR_INVALID_CHAT_MESSAGE');
    expect(thrownBy(() => renderChatTemplate(config, [{ role: 'user', content: () => 'x' }])).code).toBe('ERR_INVALID_CHAT_MESSAGE');
    expect(thrownBy(() => renderChatTemplate(config, [{ role: 'user', content: 10n }])).code).toBe('ERR_INVALID_CHAT_MESSAGE');
    expect(thrownBy(() => renderChatTemplate(config, ['hi'])).code).toBe('ERR_INVALID_CHAT_MESSAGE');
    let deep = { content: 'x' };
    for (let k = 0; k < 5000; k++) deep = { role: 'user', content: deep };
    expect(thrownBy(() => renderChatTemplate(config, [deep])).code).toBe('ERR_INVALID_CHAT_MESSAGE');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(thrownBy(() => renderChatTemplate(config, [proxy])).code).toBe('ERR_INVALID_ARG_TYPE');
    const thrower = { role: 'user', get content() {
      throw new Error('mine');
    } };
    expect(thrownBy(() => renderChatTemplate(config, [thrower])).message).toBe('mine');
  });

  it('keys set on Object.prototype are not the messages\', the options\' or the config\'s', () => {
    const before = renderChatTemplate(config, [{ role: 'user', content: 'a' }]);
    for (const key of ['tools', 'content', 'chat_template', 'addGenerationPrompt', 'variables', 'bos_token']) Object.prototype[key] = ['polluted'];
    try {
      expect(renderChatTemplate(config, [{ role: 'user', content: 'a' }])).toBe(before);
      expect(renderChatTemplate(config, [{ role: 'user' }])).toBe('user:|');
    } finally {
      for (const key of ['tools', 'content', 'chat_template', 'addGenerationPrompt', 'variables', 'bos_token']) delete Object.prototype[key];
    }
  });

  it('reads a named template list and picks tool_use when tools are given, as transformers does', () => {
    const named = { chat_template: [{ name: 'default', template: 'D' }, { name: 'tool_use', template: 'T{{ tools | length }}' }] };
    expect(renderChatTemplate(named, [])).toBe('D');
    expect(renderChatTemplate(named, [], { tools: TOOLS })).toBe('T1');
    expect(renderChatTemplate(named, [], { chatTemplate: 'default', tools: TOOLS })).toBe('D');
    // The config's special tokens (an AddedToken object read as its content) are variables.
    expect(renderChatTemplate({ chat_template: '{{ bos_token }}{{ eos_token is defined }}' }, [], {})).toBe('False');
    expect(renderChatTemplate({ chat_template: '{{ bos_token }}|{{ x }}', bos_token: { content: '<s>' } }, [], { variables: { x: 'y' } })).toBe('<s>|y');
  });

  it('the real configs load as files, text, bytes and objects alike', () => {
    const file = modelFile('qwen3', 'tokenizer_config.json');
    const text = readFileSync(file, 'utf8');
    const want = renderChatTemplate(file, CHATS[1]);
    for (const given of [text, new TextEncoder().encode(text), JSON.parse(text)]) expect(renderChatTemplate(given, CHATS[1])).toBe(want);
  });
});
