// `npm run bench --quick` on a tiny tree: the script runs every measurement and prints each
// figure (sizes, the runs with time, lines/s, memory and ratios, the targets). Times are not
// asserted: they depend on the machine.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeTempTrees, tempTree } from './helpers';

afterAll(removeTempTrees);

const hasGo = spawnSync('go', ['version']).status === 0;

// No imports, so go vet with an empty build cache has nothing to compile first.
const LEAK = 'package a\n\nfunc F() int {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n\treturn 0\n}\n';
const SMALL = 'package b\n\ntype T struct{ n int }\n\nfunc New() *T { return &T{} }\n';

let out: string;
let code: number | null;
beforeAll(() => {
  const tree = tempTree({ 'a/a.go': LEAK, 'b/b.go': SMALL, 'b/testdata/skipped.go': SMALL });
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'bench.mjs'), '--quick', '--corpus', `tiny=${tree}`, '--jobs', '2'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 110_000,
  });
  out = r.stdout;
  code = r.status;
}, 120_000);

const NUMBER = '[\\d,]+(\\.\\d+)?';
const row = (label: string) => new RegExp(`^  ${label.replace(/[()]/g, '\\$&')} +${NUMBER} s +${NUMBER} +${NUMBER} MB +${NUMBER}x`, 'm');

describe('npm run bench --quick on a tiny tree', () => {
  it('finishes with exit 0', () => {
    expect(code, out).toBe(0);
  });

  it('prints the machine and the corpus size the way goleash sees it (testdata/ left out)', () => {
    expect(out).toMatch(/^machine: .+, \d+ cores?, [\d.]+ GiB RAM; node v\d+/m);
    expect(out).toMatch(/^tiny: /m);
    expect(out).toContain('2 packages, 2 files, 12 lines, 0.0 MB');
  });

  it('prints time, lines/s, peak memory and the ratio to the floor for each run', () => {
    for (const label of ['parse only (the floor)', 'goleash cold, 1 job', 'goleash warm, 1 job', 'goleash cold, 2 jobs', 'goleash warm, 2 jobs']) {
      expect(out).toMatch(row(label));
    }
    expect(out).toContain('reports of the goleash runs: identical');
  });

  it.runIf(hasGo)('prints go vet beside them, and goleash runs as a multiple of it', () => {
    for (const label of ['go vet, empty build cache', 'go vet, dependencies built', 'go vet, warm (results cached)']) expect(out).toMatch(row(label));
    expect(out).toMatch(new RegExp(`^  goleash cold, 2 jobs .* ${NUMBER}x +${NUMBER}x$`, 'm'));
  });

  it.runIf(!hasGo)('says go vet was not run without Go', () => {
    expect(out).toContain('go vet: not run');
  });

  it('prints each target with its figure and whether it is met', () => {
    const targets = out.split('\n').filter((l) => l.startsWith('  target: '));
    expect(targets.map((l) => /target: (\S+ \S+)/.exec(l)?.[1])).toEqual(['full analysis', '>= 10x', '>= 10x', 'warm re-run', 'peak memory']);
    for (const t of targets) expect(t).toMatch(/(met|NOT met|n\/a)$/);
    expect(targets[0]).toMatch(new RegExp(`${NUMBER}x +(met|NOT met)$`));
    expect(targets[3]).toMatch(new RegExp(`${NUMBER}% +(met|NOT met)$`));
    expect(targets[4]).toMatch(new RegExp(`${NUMBER} MB +(met|NOT met)$`));
  });
});
