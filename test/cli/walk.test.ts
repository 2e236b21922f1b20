// Which files `goleash lint [paths…]` reads: a file, a directory (its own .go files), `dir/...`
// (recursive, skipping vendor/, testdata/, .hidden/ and _skipped/ dirs, not following symlinks),
// `.` by default, each file once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_GO, LEAKY_GO, removeTempTrees, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

let root: string;
beforeAll(() => {
  // Every .go file leaks, so the findings name exactly the files that were read.
  root = tempTree({
    'top.go': LEAKY_GO,
    'a/a.go': LEAKY_GO,
    'a/b/c/deep.go': LEAKY_GO,
    'a/vendor/v.go': LEAKY_GO,
    'a/_ignored.go': LEAKY_GO,
    'a/.ignored.go': LEAKY_GO,
    'a/notes.txt': 'not go',
    'a/loop': { symlink: '..' },
    'vendor/m/v.go': LEAKY_GO,
    'testdata/t.go': LEAKY_GO,
    '.hidden/h.go': LEAKY_GO,
    '_skip/s.go': LEAKY_GO,
    'z/clean.go': CLEAN_GO,
  });
});

/** Lints with the JSON format in `cwd` and returns the files with a finding, in report order. */
function filesFound(args: string[], cwd = root): { files: string[]; analyzed: number } {
  const r = runJson<JsonReport>(['lint', '-f', 'json', '--fail-on', 'none', ...args], cwd);
  expect(r.code, r.stderr).toBe(0);
  expect(r.signal).toBeNull();
  return { files: r.doc.findings.map((f) => f.file), analyzed: r.doc.filesAnalyzed };
}

describe('path arguments', () => {
  it('dir/... finds nested packages and skips vendor, testdata, .hidden, _skip and symlinks', () => {
    const { files, analyzed } = filesFound(['./...']);
    expect(files).toEqual(['top.go', 'a/a.go', 'a/b/c/deep.go']);
    expect(analyzed).toBe(4); // and z/clean.go
  });

  it('`...` alone is the same as ./...', () => {
    expect(filesFound(['...']).files).toEqual(['top.go', 'a/a.go', 'a/b/c/deep.go']);
  });

  it('a sub-tree pattern keeps the given prefix and skips nested vendor/', () => {
    expect(filesFound(['a/...']).files).toEqual(['a/a.go', 'a/b/c/deep.go']);
  });

  it('a directory without /... is not recursive (and skips _ and . files)', () => {
    expect(filesFound(['a']).files).toEqual(['a/a.go']);
  });

  it('a file path lints that file', () => {
    expect(filesFound(['a/b/c/deep.go'])).toEqual({ files: ['a/b/c/deep.go'], analyzed: 1 });
  });

  it('a directory the walk would skip is still linted when named', () => {
    expect(filesFound(['_skip']).files).toEqual(['_skip/s.go']);
  });

  it('no path means `.` in the working directory, not recursive', () => {
    expect(filesFound([])).toEqual({ files: ['top.go'], analyzed: 1 });
    expect(filesFound([], `${root}/a/b/c`)).toEqual({ files: ['deep.go'], analyzed: 1 });
  });

  it('a file named by several arguments is reported once', () => {
    const { files } = filesFound(['a', 'a/...', 'a/a.go', './a', 'a/']);
    expect(files).toEqual(['a/a.go', 'a/b/c/deep.go']);
  });

  it('the same file spelled `top.go` and `./top.go` is reported once', () => {
    expect(filesFound(['.', './top.go']).files).toEqual(['top.go']);
  });

  it('the same file given relative and absolute is reported once', () => {
    expect(filesFound(['top.go', `${root}/top.go`]).files).toHaveLength(1);
  });
});

describe('symbolic links', () => {
  it('a directory symlink loop does not hang the walk', () => {
    const loopy = tempTree({
      'a/x.go': LEAKY_GO,
      'a/loop': { symlink: '..' },
      'a/self': { symlink: '.' },
      'b/back': { symlink: '../a' },
    });
    const r = run(['lint', '--format', 'json', './...'], loopy, 10_000);
    expect(r.signal, 'killed by the timeout: the walk loops').toBeNull();
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.findings.map((f) => f.file)).toEqual(['a/x.go']);
  });
});
