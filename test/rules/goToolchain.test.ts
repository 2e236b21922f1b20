// The Go toolchain checks the fixtures themselves: every fixture and golden file is gofmt-clean,
// and every fixture that imports only the standard library passes `go vet`. Users' machines may
// lack Go, so without it these checks skip and say why.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allFixtureFiles, fixturePackages } from '../harness/fixtures';

const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
const hasGo = goVersion.status === 0;
if (!hasGo) console.warn('skipping Go toolchain checks of fixtures: `go` is not on PATH');

const cases = allFixtureFiles();

/** Imports of a Go file; standard-library paths have no dot in their first element. */
function importsOnlyStdlib(text: string): boolean {
  const paths = [...text.matchAll(/^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"]+)"\s*$/gm)].map((m) => m[1]);
  return paths.every((p) => !p.split('/')[0].includes('.'));
}

describe.skipIf(!hasGo)(`fixtures are valid Go (${hasGo ? goVersion.stdout.trim() : 'no go'})`, () => {
  it('gofmt -l finds nothing to reformat in fixtures and golden files', () => {
    const files = cases.flatMap((c) => (c.golden ? [c.path, c.golden] : [c.path]));
    const out = execFileSync('gofmt', ['-l', ...files], { encoding: 'utf8' });
    expect(out.trim()).toBe('');
  });

  it('go vet accepts every standard-library-only fixture package', () => {
    const env = { ...process.env, GO111MODULE: 'off', GOPATH: tmpdir(), GOFLAGS: '' };
    const failures: string[] = [];
    for (const pkg of fixturePackages()) {
      const paths = pkg.files.map((f) => f.path);
      if (!paths.every((p) => importsOnlyStdlib(readFileSync(p, 'utf8')))) continue;
      const r = spawnSync('go', ['vet', ...paths], { encoding: 'utf8', env });
      if (r.status !== 0) failures.push(`${pkg.rule}/${pkg.name}:\n${r.stderr}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
