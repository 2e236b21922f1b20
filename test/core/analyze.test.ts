// The analysis core: settings, suppression comments, and isolation of a failing rule.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer, checkSource } from '../../server/src/core/analyzer';
import { parseRuleSettings } from '../../server/src/core/settings';
import { parseSuppression } from '../../server/src/facts/suppressions';
import { RULES } from '../../server/src/rules';
import type { Rule } from '../../server/src/rules/types';

const LEAK = `package p

func run(ch chan int) {
	for {
		select {
		case <-ch:
		}
	}
}
`;

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

describe('settings', () => {
  it('accepts severities, off and booleans, and describes every problem', () => {
    const { settings, problems } = parseRuleSettings({ 'for-select-no-done': 'error', 'heap-escape': false, 'blocked-send': true, nope: 'error', 'unclosed-channel': 'loud' });
    expect(settings.rules).toEqual({ 'for-select-no-done': 'error', 'heap-escape': 'off' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/rules\.nope: unknown rule/);
    expect(problems[1]).toMatch(/rules\.unclosed-channel: expected one of error, warning, information, hint, off/);
    expect(parseRuleSettings([]).problems[0]).toMatch(/expected an object/);
  });

  it('applies a severity and turns a rule off', () => {
    const error = analyzer.analyzeText('p.go', LEAK, { settings: { rules: { 'for-select-no-done': 'error' } } });
    expect(error.findings.map((f) => f.severity)).toEqual(['error']);
    const off = analyzer.analyzeText('p.go', LEAK, { settings: { rules: { 'for-select-no-done': 'off' } } });
    expect(off.findings).toEqual([]);
  });
});

describe('suppression comments', () => {
  it('parses goleash:ignore and nolint forms', () => {
    expect(parseSuppression('//goleash:ignore for-select-no-done because')).toEqual(new Set(['for-select-no-done']));
    expect(parseSuppression('// goleash:ignore a,b')).toEqual(new Set(['a', 'b']));
    expect(parseSuppression('//nolint:goleash')).toEqual(new Set(['*']));
    expect(parseSuppression('//nolint:for-select-no-done,errcheck // why')).toEqual(new Set(['for-select-no-done', 'errcheck']));
    expect(parseSuppression('//nolint')).toEqual(new Set(['*']));
    expect(parseSuppression('// nolint: not golangci syntax')).toBeUndefined();
    expect(parseSuppression('// just a comment')).toBeUndefined();
  });

  const variants: [string, string][] = [
    ['the line above', LEAK.replace('\tfor {', '\t//goleash:ignore for-select-no-done lives with the process\n\tfor {')],
    ['the same line', LEAK.replace('\tfor {', '\tfor { //nolint:for-select-no-done')],
    ['above the function', LEAK.replace('func run', '//nolint:goleash\nfunc run')],
  ];
  it.each(variants)('silences a finding from %s', (_where, text) => {
    expect(analyzer.analyzeText('p.go', text).findings).toEqual([]);
  });

  it('does not silence other rules or other lines', () => {
    const otherRule = LEAK.replace('\tfor {', '\t//goleash:ignore heap-escape\n\tfor {');
    expect(analyzer.analyzeText('p.go', otherRule).findings).toHaveLength(1);
    const twoAbove = LEAK.replace('\tfor {', '\t//goleash:ignore for-select-no-done\n\n\tfor {');
    expect(analyzer.analyzeText('p.go', twoAbove).findings).toHaveLength(1);
  });
});

describe('robustness', () => {
  it('a rule that throws is reported and the other rules still run', () => {
    const broken: Rule = { id: 'broken', title: 't', docs: 'd', defaultSeverity: 'warning', check: () => { throw new Error('boom'); } };
    const { findings, failures } = analyzer.analyzeText('p.go', LEAK, { rules: [broken, ...RULES] });
    expect(failures).toEqual([expect.objectContaining({ rule: 'broken', path: 'p.go' })]);
    expect(findings.map((f) => f.rule)).toEqual(['for-select-no-done']);
  });

  it('analyses broken syntax as far as the tree allows', () => {
    const broken = `${LEAK}\nfunc bad( {\n\tx := \n}\n`;
    expect(analyzer.analyzeText('p.go', broken).findings.map((f) => f.range.start.line)).toEqual([3]);
  });

  it('skips binary and oversized input with a reason', () => {
    expect(checkSource(new Uint8Array([0x70, 0, 0x61]))).toEqual({ ok: false, reason: expect.stringMatching(/binary/) });
    expect(checkSource(new Uint8Array(11), 10)).toEqual({ ok: false, reason: expect.stringMatching(/larger than 10 bytes/) });
    expect(checkSource(new TextEncoder().encode('package p\n'))).toEqual({ ok: true, text: 'package p\n' });
  });

  it('survives deeply nested input', () => {
    const deep = `package p\nfunc f() {\n${'{'.repeat(5000)}${'}'.repeat(5000)}\n}\n`;
    expect(analyzer.analyzeText('p.go', deep).failures).toEqual([]);
  });
});
