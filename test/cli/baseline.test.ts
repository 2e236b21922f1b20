// `--write-baseline` / `--baseline`: a recorded finding stays recorded when lines move, a new
// finding (even of the same kind) is still reported, the file is stable and works from any
// working directory, and a missing or malformed baseline is a usage error.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEAKY_GO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

/** A second leaky loop, in a function of its own. */
const ANOTHER_LEAK = `
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

function writeBaseline(dir: string, file = 'goleash-baseline.json', cwd = dir, paths = ['./...']) {
  return run(['lint', '--no-cache', '--write-baseline', file, ...paths], cwd);
}

function lintJson(dir: string, args: string[]) {
  return runJson<JsonReport>(['lint', '--no-cache', '--format', 'json', ...args], dir);
}

describe('--write-baseline', () => {
  it('records every finding (sorted, relative paths, no line numbers), then reports against it: exit 0', () => {
    const dir = tempTree({ 'a/p.go': LEAKY_GO, 'b/p.go': LEAKY_GO.replace('package p', 'package b') });
    const r = writeBaseline(dir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'goleash: recorded 2 findings in goleash-baseline.json\n' });
    const doc = JSON.parse(readFileSync(join(dir, 'goleash-baseline.json'), 'utf8'));
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool).toBe('goleash');
    expect(doc.findings.map((f: { file: string; rule: string }) => [f.file, f.rule])).toEqual([
      ['a/p.go', RULE],
      ['b/p.go', RULE],
    ]);
    expect(doc.findings.every((f: { fingerprint: string }) => /^[0-9a-f]{32}$/.test(f.fingerprint))).toBe(true);
    expect(JSON.stringify(doc)).not.toMatch(/"line"/);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'goleash-baseline.json']);
  });

  it('gives the same bytes when written again', () => {
    const dir = tempTree({ 'a/p.go': LEAKY_GO, 'b/p.go': LEAKY_GO.replace('package p', 'package b') + ANOTHER_LEAK });
    writeBaseline(dir);
    const first = readFileSync(join(dir, 'goleash-baseline.json'), 'utf8');
    writeBaseline(dir);
    expect(readFileSync(join(dir, 'goleash-baseline.json'), 'utf8')).toBe(first);
  });

  it('cannot be combined with --fix', () => {
    const dir = tempTree({ 'p.go': LEAKY_GO });
    expect(run(['lint', '--fix', '--write-baseline', 'b.json'], dir).code).toBe(2);
  });
});

describe('--baseline', () => {
  it('drops recorded findings, also after lines are inserted above them', () => {
    const dir = tempTree({ 'p.go': LEAKY_GO });
    writeBaseline(dir);
    expect(lintJson(dir, ['--baseline', 'goleash-baseline.json'])).toMatchObject({ code: 0, doc: { findings: [] } });
    const moved = LEAKY_GO.replace('type W struct', '// Some new lines above the loop.\nconst Limit = 10\n\nvar names = []string{"a", "b"}\n\ntype W struct');
    writeFileSync(join(dir, 'p.go'), moved);
    const plain = lintJson(dir, []);
    expect(plain.doc.findings.map((f) => f.line)).toEqual([13]); // it did move (from line 8)
    expect(lintJson(dir, ['--baseline', 'goleash-baseline.json'])).toMatchObject({ code: 0, doc: { findings: [] } });
  });

  it('still reports a new finding of the same kind: in the same file, and the very same code in another file', () => {
    const dir = tempTree({ 'p.go': LEAKY_GO });
    writeBaseline(dir);
    writeFileSync(join(dir, 'p.go'), LEAKY_GO + ANOTHER_LEAK);
    mkdirSync(join(dir, 'copy'));
    writeFileSync(join(dir, 'copy', 'p.go'), LEAKY_GO);
    const r = lintJson(dir, ['--baseline', 'goleash-baseline.json', './...']);
    expect(r.code).toBe(1);
    expect(r.doc.findings.map((f) => [f.file, f.line, f.rule, f.message]).sort()).toEqual([
      ['copy/p.go', 8, RULE, 'goroutine loop in (*W).loop has no exit: it can never stop'],
      ['p.go', 19, RULE, 'goroutine loop in (*W).drain has no exit: it can never stop'],
    ]);
  });

  it('works from another working directory: paths are relative to the baseline file', () => {
    const dir = tempTree({ 'svc/p.go': LEAKY_GO, 'tools/keep.txt': '' });
    writeBaseline(dir, 'goleash-baseline.json', dir, ['./svc/...']);
    expect(lintJson(join(dir, 'svc'), ['--baseline', '../goleash-baseline.json', '.'])).toMatchObject({ code: 0, doc: { findings: [] } });
    expect(lintJson(join(dir, 'tools'), ['--baseline', join(dir, 'goleash-baseline.json'), '../svc/...'])).toMatchObject({ code: 0, doc: { findings: [] } });
  });

  it('is applied before --fail-on and the formats: even --fail-on hint passes when every finding is recorded', () => {
    const dir = tempTree({ 'p.go': LEAKY_GO });
    writeBaseline(dir);
    const r = run(['lint', '--no-cache', '--baseline', 'goleash-baseline.json', '--fail-on', 'hint'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  describe('a baseline that cannot be used is a usage error (exit 2) naming the file', () => {
    const dir = tempTree({ 'p.go': LEAKY_GO });
    mkdirSync(join(dir, 'conf'));
    const cases: [string, string, RegExp][] = [
      ['missing', '', /--baseline missing\.json: cannot read: ENOENT \(create it with --write-baseline missing\.json\)/],
      ['not JSON', '{"schemaVersion": 1,', /--baseline not JSON\.json: not valid JSON/],
      ['an array', '[]', /--baseline an array\.json: the document: expected an object/],
      ['another version', '{"schemaVersion": 2, "findings": []}', /--baseline another version\.json: schemaVersion: expected 1 \(found 2\)/],
      ['no findings', '{"schemaVersion": 1}', /--baseline no findings\.json: findings: expected an array/],
      ['bad entry', '{"schemaVersion": 1, "findings": [{"fingerprint": "ab"}, {"rule": "x"}]}', /--baseline bad entry\.json: findings\[1\]\.fingerprint: expected a string/],
    ];
    for (const [name, content, message] of cases) {
      it(name, () => {
        if (content) writeFileSync(join(dir, `${name}.json`), content);
        const r = run(['lint', '--no-cache', '--baseline', `${name}.json`], dir);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(message);
      });
    }
  });
});
