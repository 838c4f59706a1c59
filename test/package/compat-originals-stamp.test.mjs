// The compat suites were last run against the original packages (scripts/check-compat-originals.mjs)
// on these very files and versions: a suite edited, or an original upgraded, without that run
// fails here. The run itself is CI's (.ci/run), not npm test's: it builds the originals' encoders
// over and over and tests nothing of turbotoken.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { compatOriginalsRecord, RECORD } from '../support/compat-originals-record.mjs';

it('test/data/compat-originals.json is the current suite files\' and originals\' record', () => {
  const recorded = JSON.parse(readFileSync(new URL(`../../${RECORD}`, import.meta.url), 'utf8'));
  const current = compatOriginalsRecord();
  expect(Object.keys(current.files)).toContain('test/support/compat-tiktoken.mjs');
  expect(recorded, 'run node scripts/check-compat-originals.mjs --write').toEqual(current);
});
