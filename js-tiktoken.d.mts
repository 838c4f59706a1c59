export * from './dist/cjs/compat/js-tiktoken.js';
