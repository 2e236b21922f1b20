// Exit 3: goleash itself failed. A rule that throws does not stop the run — the other rules'
// findings are still reported, in every output — but the run is not clean: exit 3, with the rule
// and the file named on stderr. Run in-process (main()) with a registry that has one rule which
// throws on files named boom.go; `--jobs 1` keeps the analysis in this process, where the mock is.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Rule } from '../../server/src/rules/types';
import { LEAKY_GO, removeTempTrees, RULE, tempTree } from './helpers';

vi.mock('../../server/src/rules', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/src/rules')>();
  const faulty: Rule = {
    id: 'faulty',
    title: 'throws on boom.go',
    docs: 'A rule with a bug, for this test.',
    defaultSeverity: 'warning',
    check: (file) => {
      if (file.path.endsWith('boom.go')) throw new TypeError('cannot read properties of undefined');
      return [];
    },
  };
  return { ...original, RULES: [...original.RULES, faulty] };
});

const { main } = await import('../../server/src/cli/main');

afterAll(removeTempTrees);
afterEach(() => vi.restoreAllMocks());

/** Runs main() in-process, capturing what it writes. */
async function lint(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const code = await main(['node', 'goleash', 'lint', '--jobs', '1', '--no-cache', '--no-progress', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('a rule that throws', () => {
  it('exit 3, naming the rule and the file; the other findings are still reported', async () => {
    const dir = tempTree({ 'boom.go': LEAKY_GO, 'fine.go': LEAKY_GO.replace('package p', 'package p\n') });
    const r = await lint(['-f', 'json', join(dir, 'boom.go'), join(dir, 'fine.go')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`goleash: internal error: rule faulty failed on ${join(dir, 'boom.go')}: cannot read properties of undefined\n`);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { file: string; rule: string }) => [f.file, f.rule])).toEqual([
      [join(dir, 'boom.go'), RULE],
      [join(dir, 'fine.go'), RULE],
    ]);
    expect(doc.failures).toEqual([{ path: join(dir, 'boom.go'), rule: 'faulty', message: 'cannot read properties of undefined' }]);
  });

  it('exit 3 even when no finding would fail the run', async () => {
    const dir = tempTree({ 'boom.go': 'package p\n' });
    const r = await lint(['--fail-on', 'none', join(dir, 'boom.go')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('no failure, no exit 3: the same rule on other files is harmless', async () => {
    const dir = tempTree({ 'fine.go': 'package p\n' });
    expect(await lint([join(dir, 'fine.go')])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
