// Runs every rule fixture: wants must match findings exactly, golden files must match the
// fixed text, and fixed text must still parse.
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/core/analyzer';
import { createGoParser } from '../../server/src/parse/grammar';
import { analyzeFixture, applyFirstFixes, compareWants, fixtureCases, parseWants } from '../harness/fixtures';

const cases = fixtureCases();
/** GOLEASH_UPDATE_GOLDEN=1 rewrites golden files from the current fixes (review the diff!). */
const UPDATE = process.env.GOLEASH_UPDATE_GOLDEN === '1';
let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await Analyzer.create();
});

async function parsesCleanly(text: string): Promise<boolean> {
  const parser = await createGoParser();
  const tree = parser.parse(text)!;
  const ok = !tree.rootNode.hasError;
  tree.delete();
  parser.delete();
  return ok;
}

describe.each([...new Set(cases.map((c) => c.rule))])('%s fixtures', (rule) => {
  for (const c of cases.filter((x) => x.rule === rule)) {
    it(`${c.file}: findings match the want comments`, async () => {
      const text = readFileSync(c.path, 'utf8');
      const result = compareWants(await analyzeFixture(analyzer, c, text), parseWants(text));
      expect(result).toEqual({ unexpected: [], missing: [] });
    });
    if (c.golden) {
      it(`${c.file}: first fixes give ${c.file}.golden, which parses`, async () => {
        const text = readFileSync(c.path, 'utf8');
        const fixed = applyFirstFixes(text, await analyzeFixture(analyzer, c, text));
        if (UPDATE) writeFileSync(c.golden!, fixed);
        expect(fixed).toBe(readFileSync(c.golden!, 'utf8'));
        expect(await parsesCleanly(fixed)).toBe(true);
      });
    }
  }
});

describe('fixture inventory', () => {
  it('every rule with fixtures has at least 15 positive and 15 negative cases and golden files', () => {
    for (const rule of new Set(cases.map((c) => c.rule))) {
      const files = cases.filter((c) => c.rule === rule);
      const positives = files.reduce((n, c) => n + parseWants(readFileSync(c.path, 'utf8')).length, 0);
      const negativeFuncs = files
        .filter((c) => c.file.startsWith('neg_'))
        .reduce((n, c) => n + (readFileSync(c.path, 'utf8').match(/^func /gm)?.length ?? 0), 0);
      expect(positives, `${rule}: positive cases`).toBeGreaterThanOrEqual(15);
      expect(negativeFuncs, `${rule}: negative cases`).toBeGreaterThanOrEqual(15);
      expect(files.some((c) => c.golden), `${rule}: golden files`).toBe(true);
    }
  });
});
