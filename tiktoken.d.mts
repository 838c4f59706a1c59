export * from './dist/cjs/compat/tiktoken.js';
