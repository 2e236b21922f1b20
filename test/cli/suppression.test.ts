// Suppression comments from the command line, and `--report-unused-ignores`: a comment that
// silenced nothing is an `unused-ignore` finding (warning) with a fix that removes it, except
// where goleash cannot know it is unused (rules that are off, other linters' names, bare //nolint).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEdits, REPO, removeTempTrees, RULE, run, runJson, tempTree, type JsonReport } from './helpers';

afterAll(removeTempTrees);

const SOURCE = `package p

import "context"

type W struct{ events chan int }

func (w *W) loop(ctx context.Context) error {
	//goleash:ignore for-select-no-done the loop is stopped by closing events
	for {
		select {
		case ev := <-w.events:
			_ = ev
		}
	}
}

func start(w *W) { go w.loop(nil) } //nolint:goleash

//goleash:ignore unclosed-channel,blocked-send nothing here
func f() {}

func g() {} //nolint:errcheck,for-select-no-done

//nolint
func h() {}

func i() {} //nolint:errcheck

//goleash:ignore for-selct-no-done,heap-escape typo
func k() {}
`;

/** [line, message] of each unused-ignore finding. */
function unused(args: string[], source = SOURCE): { code: number | null; found: [number, string][]; doc: JsonReport } {
  const r = runJson<JsonReport>(['lint', '-f', 'json', ...args, 'a.go'], tempTree({ 'a.go': source }));
  const found = r.doc.findings.filter((f) => f.rule === 'unused-ignore').map((f) => [f.line, f.message] as [number, string]);
  return { code: r.code, found, doc: r.doc };
}

describe('suppression comments', () => {
  it('silence the finding they cover, and nothing is said of them by default', () => {
    const r = unused([]);
    expect(r.doc.findings).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('--report-unused-ignores', () => {
  it('reports each comment that silenced nothing, naming the unused rules; exit 1 (warning)', () => {
    const r = unused(['--report-unused-ignores']);
    expect(r.found).toEqual([
      [17, 'Unused suppression: `//nolint:goleash` silences nothing.'],
      [19, 'Unused suppression: `//goleash:ignore unclosed-channel,blocked-send nothing here` silences nothing for unclosed-channel, blocked-send.'],
      [22, 'Unused suppression: `//nolint:errcheck,for-select-no-done` silences nothing for for-select-no-done.'],
      [29, 'Unused suppression: `//goleash:ignore for-selct-no-done,heap-escape typo` silences nothing for heap-escape; for-selct-no-done: no such goleash rule.'],
    ]);
    expect(r.doc.findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('does not count a rule that is off: the comment may matter when it is on', () => {
    const r = unused(['--report-unused-ignores', '--rule', 'unclosed-channel=off', '--rule', `${RULE}=off`]);
    expect(r.found.map(([line, message]) => [line, message.replace(/^.*silences nothing/, '')])).toEqual([
      [17, '.'],
      [19, ' for blocked-send.'],
      [29, ' for heap-escape; for-selct-no-done: no such goleash rule.'],
    ]);
  });

  it('fixes: removing the unused comments (or the unused names) leaves no unused-ignore, and silences the same', () => {
    const before = unused(['--report-unused-ignores']);
    const edits = before.doc.findings.filter((f) => f.rule === 'unused-ignore').flatMap((f) => f.fixes.filter((x) => x.isPreferred).flatMap((x) => x.edits));
    const fixed = applyEdits(SOURCE, edits);
    expect(fixed).toContain('func g() {} //nolint:errcheck\n');
    expect(fixed).toContain('func start(w *W) { go w.loop(nil) }\n');
    expect(fixed).not.toContain('unclosed-channel,blocked-send');
    expect(fixed).not.toContain('for-selct');
    expect(fixed).toContain('//goleash:ignore for-select-no-done the loop');
    const after = unused(['--report-unused-ignores'], fixed);
    expect(after.doc.findings).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('puts the unused-ignore rule among the SARIF rules, and the log stays valid', () => {
    const r = runJson(['lint', '-f', 'sarif', '--report-unused-ignores', 'a.go'], tempTree({ 'a.go': SOURCE }));
    const run0 = r.doc.runs[0];
    const ids = run0.tool.driver.rules.map((x: any) => x.id);
    expect(ids[ids.length - 1]).toBe('unused-ignore');
    for (const result of run0.results) expect(run0.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    const schema = JSON.parse(readFileSync(join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(r.doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('says nothing of a file whose suppressions all silence something', () => {
    const r = run(['lint', '--report-unused-ignores', 'a.go'], tempTree({ 'a.go': SOURCE.slice(0, SOURCE.indexOf('func start')) }));
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
