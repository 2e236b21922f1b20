// The language server's workspace walk skips what the command line's `./...` skips.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandPaths } from '../../server/src/cli/walk';
import { packageDirsUnder } from '../../server/src/core/sourceDirs';

const root = mkdtempSync(join(tmpdir(), 'goleash-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), 'package p\n');
}

describe('packageDirsUnder', () => {
  it('finds the directories with Go files, skipping what ./... skips', () => {
    for (const rel of ['top.go', 'a/a.go', 'a/b/b.go', 'c/readme.md', 'c/d/d.go', 'vendor/v/v.go', 'testdata/t.go', '.git/g.go', '_old/o.go', 'node_modules/m/m.go', 'e/.hidden.go', 'e/_skip.go'])
      write(rel);
    symlinkSync(join(root, 'a'), join(root, 'link'));
    const dirs = [...packageDirsUnder(root)];
    expect(dirs).toEqual([root, join(root, 'a'), join(root, 'a/b'), join(root, 'c/d')]);
    const cliDirs = [...new Set(expandPaths([`${root}/...`]).map((f) => dirname(f)))];
    expect(dirs.sort()).toEqual(cliDirs.sort());
  });
});
