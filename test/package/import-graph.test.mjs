// src/ has no import circles: each module can be read, and loaded, after the ones it imports.
// Type-only imports count (madge's default), as they do for a reader.
import { join } from 'node:path';
import madge from 'madge';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

it('src/ has no import circles', async () => {
  const graph = await madge(join(root, 'src'), { fileExtensions: ['ts'], tsConfig: join(root, 'tsconfig.json') });
  expect(Object.keys(graph.obj()).length).toBeGreaterThan(40); // the graph was read
  expect(graph.circular()).toEqual([]);
});
