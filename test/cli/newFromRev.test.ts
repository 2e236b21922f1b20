// `--new-from-rev REV` on temp git repositories: only findings on lines changed since REV
// (committed, staged or not) are reported, untracked files count as all new, unchanged files
// report nothing, and git's own message comes out when it cannot answer (exit 2).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../server/src/cli/changedLines';
import { LEAKY_GO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A repository with one commit holding `files`. */
function repo(files: Record<string, string>): string {
  const dir = tempTree(files);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'goleash test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

/** LEAKY_GO's loop again, under another name: one more finding. */
const NEW_LEAK = `
func (w *W) drain(ctx context.Context) {
	for {
		select {
		case ev := <-w.events:
			_ = ev
		}
	}
}

func startDrain(w *W) { go w.drain(nil) }
`;

const lint = (dir: string, ...args: string[]) => runJson<JsonReport>(['lint', '--no-cache', '--format', 'json', ...args], dir);
const where = (r: { doc: JsonReport }) => r.doc.findings.map((f) => `${f.file}:${f.line}`).sort();

describe('--new-from-rev', () => {
  it('reports only findings on changed lines, in untracked files, and none in unchanged files', () => {
    const dir = repo({ 'a/p.go': LEAKY_GO, 'b/p.go': LEAKY_GO });
    expect(where(lint(dir, './...'))).toEqual(['a/p.go:8', 'b/p.go:8']);
    expect(lint(dir, '--new-from-rev', 'HEAD', './...')).toMatchObject({ code: 0, doc: { findings: [] } });

    writeFileSync(join(dir, 'a', 'p.go'), LEAKY_GO + NEW_LEAK); // changed, not staged
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'p.go'), LEAKY_GO); // untracked: every line is new
    const r = lint(dir, '--new-from-rev', 'HEAD', './...');
    expect(r.code).toBe(1);
    expect(where(r)).toEqual(['a/p.go:19', 'c/p.go:8']);
    expect(r.doc.findings.every((f) => f.rule === RULE)).toBe(true);
  });

  it('counts staged and committed changes since REV, and follows a rename', () => {
    const dir = repo({ 'a/p.go': LEAKY_GO, 'b/p.go': LEAKY_GO });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    writeFileSync(join(dir, 'a', 'p.go'), LEAKY_GO + NEW_LEAK);
    git(dir, 'add', 'a/p.go');
    expect(where(lint(dir, '--new-from-rev', 'HEAD', './...'))).toEqual(['a/p.go:19']);
    git(dir, 'commit', '-q', '-m', 'drain');
    expect(lint(dir, '--new-from-rev', 'HEAD', './...').doc.findings).toEqual([]);
    expect(where(lint(dir, '--new-from-rev', base, './...'))).toEqual(['a/p.go:19']);
    expect(where(lint(dir, '--new-from-rev', 'HEAD~1', './...'))).toEqual(['a/p.go:19']);
    git(dir, 'mv', 'b/p.go', 'b/renamed.go');
    expect(where(lint(dir, '--new-from-rev', base, './...'))).toEqual(['a/p.go:19']);
  });

  it('works when linting a subdirectory, from the repository or from inside it', () => {
    const dir = repo({ 'svc/p.go': LEAKY_GO, 'other/p.go': LEAKY_GO });
    writeFileSync(join(dir, 'svc', 'p.go'), LEAKY_GO + NEW_LEAK);
    writeFileSync(join(dir, 'other', 'p.go'), LEAKY_GO + NEW_LEAK);
    expect(where(lint(dir, '--new-from-rev', 'HEAD', './svc/...'))).toEqual(['svc/p.go:19']);
    expect(where(lint(join(dir, 'svc'), '--new-from-rev', 'HEAD', '.'))).toEqual(['p.go:19']);
  });

  it('with --fix, fixes only the new finding', () => {
    const dir = repo({ 'p.go': LEAKY_GO });
    writeFileSync(join(dir, 'p.go'), LEAKY_GO + NEW_LEAK);
    const r = run(['lint', '--no-cache', '--new-from-rev', 'HEAD', '--fix'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'goleash: fixed 1 finding in 1 file\n' });
    const fixed = readFileSync(join(dir, 'p.go'), 'utf8');
    expect(fixed.startsWith(LEAKY_GO)).toBe(true); // the old loop is left as it was
    expect(fixed.slice(LEAKY_GO.length)).toContain('\t\tcase <-ctx.Done():\n\t\t\treturn\n');
  });

  it('after --fix, reports the new findings left where the fix moved them (fixed lines map back to what git diffed)', () => {
    const counter = (name: string) => `func ${name}() *int { n := 0; return &n }\n`;
    const base = `package p\n\nimport "context"\n\ntype W struct{ events chan int }\n\n${counter('counter')}`;
    const dir = repo({ 'p.go': base });
    // The new code ends with a heap escape on its last line; the fix above it adds two lines.
    writeFileSync(join(dir, 'p.go'), `${base}${NEW_LEAK}${counter('counter2')}`);
    expect(where(lint(dir, '--new-from-rev', 'HEAD'))).toEqual(['p.go:10', 'p.go:19']);
    const r = lint(dir, '--new-from-rev', 'HEAD', '--fix');
    expect(r.doc.findings.map((f) => [f.line, f.rule])).toEqual([[21, 'heap-escape']]);
    expect(readFileSync(join(dir, 'p.go'), 'utf8').split('\n')[20]).toBe(counter('counter2').trim());
  });

  describe('exit 2 with git’s message when git cannot answer', () => {
    it('an unknown revision', () => {
      const dir = repo({ 'p.go': LEAKY_GO });
      const r = run(['lint', '--no-cache', '--new-from-rev', 'no-such-branch'], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^goleash: --new-from-rev no-such-branch: fatal: bad revision 'no-such-branch'\n$/);
    });

    it('a directory that is not in a repository', () => {
      const dir = tempTree({ 'p.go': LEAKY_GO });
      const r = run(['lint', '--no-cache', '--new-from-rev', 'HEAD'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--new-from-rev: .*not a git repository/);
    });

    it('a revision that looks like an option is refused before git sees it', () => {
      const dir = repo({ 'p.go': LEAKY_GO });
      const r = run(['lint', '--no-cache', '--new-from-rev=--output=x.txt'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('a revision cannot start with "-"');
    });
  });
});

describe('reading git diff --unified=0', () => {
  it('takes the new side of each hunk, by file, and nothing from content lines that look like headers', () => {
    const diff = [
      'diff --git a/x.go b/x.go',
      'index 1111111..2222222 100644',
      '--- a/x.go',
      '+++ b/x.go',
      '@@ -3 +3 @@ func a() {',
      '-\told()',
      '+\tnew()',
      '@@ -10,0 +11,3 @@',
      '+++ this added line starts with two pluses',
      '+--- and this one with dashes',
      '+',
      '@@ -20,2 +23,0 @@',
      '-gone',
      '-gone too',
      'diff --git a/gone.go b/gone.go',
      'deleted file mode 100644',
      '--- a/gone.go',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-package gone',
      'diff --git "a/sp ace\\tand \\303\\251.go" "b/sp ace\\tand \\303\\251.go"',
      '--- "a/sp ace\\tand \\303\\251.go"',
      '+++ "b/sp ace\\tand \\303\\251.go"',
      '@@ -1 +1,2 @@',
      '',
    ].join('\n');
    const files = parseUnifiedDiff(diff);
    expect([...files.keys()]).toEqual(['x.go', 'sp ace\tand é.go']);
    expect([...files.get('x.go')!]).toEqual([3, 11, 12, 13]);
    expect([...files.get('sp ace\tand é.go')!]).toEqual([1, 2]);
  });
});
