import { defineConfig } from 'vitest/config';

// The whole suite runs twice: once on the native addon and once on the same core compiled to
// WebAssembly (TURBOTOKEN_BACKEND forces the backend, so neither run can silently fall back).
// Child processes that tests spawn inherit the variable. backend-selection sets its own.
// The projects run one after the other (groupOrder), so each sees the load the suite saw before
// it ran twice: the growth test compares timings and flakes when more runs beside it.
// Tests that pick backends in their own child processes (backend-selection, package-install), and
// the browser test (a browser always runs WebAssembly), the native binding's buffer memory
// (WebAssembly memory never shrinks) and its direct calls (the WebAssembly handle is plain
// JavaScript), run in the native project only.
const include = ['test/**/*.test.{mjs,ts}'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'native', include, env: { TURBOTOKEN_BACKEND: 'native' }, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'wasm',
          include,
          exclude: ['test/backend-selection.test.mjs', 'test/package-install.test.mjs', 'test/browser.test.mjs', 'test/scratch-memory.test.mjs', 'test/direct-calls.test.mjs', '**/node_modules/**'],
          env: { TURBOTOKEN_BACKEND: 'wasm' },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
