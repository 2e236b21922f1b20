// `--jobs N`: packages analysed on worker threads give the report `--jobs 1` gives, byte for
// byte and in the same order; a failure while analysing (an exception, or a worker thread that
// dies) ends the run with exit 3, names the file, and never hangs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAKY_GO, REPO, removeTempTrees, run, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

// The rule fixtures: 11 directories, nearly a hundred files, findings of every rule.
const FIXTURES = ['lint', '--no-cache', '--fail-on', 'none', 'test/fixtures/...'];

describe('--jobs gives the same report as --jobs 1', () => {
  let one: { json: string; text: string; sarif: string };
  beforeAll(() => {
    one = {
      json: run([...FIXTURES, '--jobs', '1', '--format', 'json'], REPO, 60_000).stdout,
      text: run([...FIXTURES, '--jobs', '1'], REPO, 60_000).stdout,
      sarif: run([...FIXTURES, '--jobs', '1', '--format', 'sarif'], REPO, 60_000).stdout,
    };
  });

  it('the fixtures give findings of every rule with one job (so the comparisons below mean something)', () => {
    const doc = JSON.parse(one.json) as JsonReport;
    expect(doc.filesAnalyzed).toBeGreaterThan(50);
    expect(new Set(doc.findings.map((f) => f.rule)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(doc.findings.map((f) => f.file.split('/').slice(0, 3).join('/'))).size).toBeGreaterThan(4);
  });

  it.each([2, 3])('--jobs %i: json, text and sarif identical to --jobs 1', (jobs) => {
    for (const format of ['json', 'text', 'sarif'] as const) {
      const r = run([...FIXTURES, '--jobs', String(jobs), '--format', format], REPO, 60_000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(one[format]);
    }
  });

  it('the default (one job per core) is the same report', () => {
    expect(run([...FIXTURES, '--format', 'json'], REPO, 60_000).stdout).toBe(one.json);
  });
});

describe('failures while analysing', () => {
  let dir: string;
  beforeAll(() => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`p${i}/main${i}.go`] = LEAKY_GO;
    files['p3/helper.go'] = 'package p\n\nfunc helper() {}\n';
    dir = tempTree(files);
  });

  it.each(['1', '2'])('an exception (--jobs %s): exit 3, the file named, no report', (jobs) => {
    const r = run(['lint', '--no-cache', '--jobs', jobs, './...'], dir, 30_000, { GOLEASH_TEST_FAULT: 'throw:main2.go' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^goleash: internal error while analysing p2\/main2\.go: Error: injected fault/);
    expect(r.stdout).toBe('');
  });

  it('a worker thread that dies: exit 3 naming the file, the run ends', () => {
    const started = Date.now();
    const r = run(['lint', '--no-cache', '--jobs', '2', './...'], dir, 30_000, { GOLEASH_TEST_FAULT: 'crash:main4.go' });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('goleash: internal error while analysing p4/main4.go: worker exited with code 70\n');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a crash on a file read only as context (a sibling not asked for) names that file', () => {
    const r = run(['lint', '--no-cache', '--jobs', '2', 'p3/main3.go', 'p1/main1.go'], dir, 30_000, { GOLEASH_TEST_FAULT: 'crash:helper.go' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('goleash: internal error while analysing p3/helper.go: worker exited with code 70\n');
  });

  it('without a fault the same tree lints cleanly on workers', () => {
    const r = run(['lint', '--no-cache', '--jobs', '2', '--format', 'json', './...'], dir);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as JsonReport).findings.map((f) => f.file)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `p${i}/main${i}.go`));
  });
});

describe('--jobs values', () => {
  it.each(['0', '-1', 'two', '1.5'])('--jobs %s is a usage error (exit 2)', (value) => {
    const r = run(['lint', '--jobs', value, '.'], REPO);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jobs');
    expect(r.stdout).toBe('');
  });
});
