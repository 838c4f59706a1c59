// Runs once in vitest's main process before any test file (vitest.config.mjs, globalSetup).
import { buildCorpus } from './reference-cases.mjs';

export function setup() {
  // The corpus files are rewritten in place: built here, while no test file can be reading them.
  buildCorpus();
}
