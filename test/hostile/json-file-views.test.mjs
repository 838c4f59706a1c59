// A tokenizer.json or tokenizer_config.json is given as a path, its text, its bytes (a Uint8Array)
// or the parsed object. Other views of memory are none of these: they get the argument's TypeError,
// not a reading of their indices as the file's keys.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Encoding, renderChatTemplate } from '../../dist/cjs/index.js';

const VIEWS = [new Int16Array(4), new Float64Array(2), new DataView(new ArrayBuffer(8)), new BigInt64Array(1)];
const CONFIG = JSON.stringify({ chat_template: '{% for m in messages %}[{{ m.content }}]{% endfor %}' });

describe('typed arrays other than Uint8Array', () => {
  it('fromTokenizerJson: a TypeError naming the forms it takes', () => {
    for (const view of VIEWS) {
      expect(() => Encoding.fromTokenizerJson(view)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });

  it('renderChatTemplate: a TypeError naming the forms it takes', () => {
    for (const view of VIEWS) {
      expect(() => renderChatTemplate(view, [])).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });
});

describe('a Uint8Array of another realm is the file\'s bytes', () => {
  it('renderChatTemplate reads it as tokenizer.json readers do', () => {
    const bytes = runInNewContext('new Uint8Array(n)', { n: Buffer.byteLength(CONFIG) });
    bytes.set(Buffer.from(CONFIG));
    expect(renderChatTemplate(bytes, [{ role: 'user', content: 'hi' }])).toBe('[hi]');
  });
});
