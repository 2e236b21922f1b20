// Unused suppression comments in the core (settings.reportUnusedIgnores): which comments count
// as used, and the cases where nothing can be said (a rule that threw, a rule that is off).
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/core/analyzer';
import { parseDirective } from '../../server/src/facts/suppressions';
import { RULES } from '../../server/src/rules';
import type { Rule } from '../../server/src/rules/types';

const SOURCE = `package p

func run(ch chan int) {
	//nolint:for-select-no-done
	for {
		select {
		case <-ch:
		}
	}
}

//goleash:ignore
func idle() {}
`;

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

const unusedLines = (rules: readonly Rule[], extra: Record<string, 'off'> = {}) =>
  analyzer
    .analyzeText('p.go', SOURCE, { rules, settings: { rules: extra, reportUnusedIgnores: true } })
    .findings.filter((f) => f.rule === 'unused-ignore')
    .map((f) => f.range.start.line + 1);

describe('reportUnusedIgnores', () => {
  it('a comment that silenced a finding is used; one that silenced nothing is reported', () => {
    expect(unusedLines(RULES)).toEqual([12]);
  });

  it('is off unless asked', () => {
    expect(analyzer.analyzeText('p.go', SOURCE).findings).toEqual([]);
  });

  it('a rule that threw: its names and rule-wide comments are not judged', () => {
    const thrower: Rule = {
      id: 'unbounded-goroutine',
      title: 't',
      docs: 'd',
      defaultSeverity: 'warning',
      check: () => {
        throw new Error('bug');
      },
    };
    const rules = [...RULES.filter((r) => r.id !== 'unbounded-goroutine'), thrower];
    expect(unusedLines(rules)).toEqual([]);
  });

  it('a named rule that is off is not judged', () => {
    const noLoopRule = RULES.filter((r) => r.id !== 'for-select-no-done');
    expect(unusedLines(RULES, { 'for-select-no-done': 'off' })).toEqual([12]);
    // Without the loop rule among the rules run at all, the //nolint comment is not reported either.
    expect(unusedLines(noLoopRule)).toEqual([12]);
  });
});

describe('parseDirective', () => {
  it('gives the syntax, the names and where they are in the comment', () => {
    const text = '//nolint:errcheck,for-select-no-done // why';
    const d = parseDirective(text)!;
    expect(d).toMatchObject({ syntax: 'nolint', names: ['errcheck', 'for-select-no-done'] });
    expect(text.slice(d.namesStart, d.namesEnd)).toBe('errcheck,for-select-no-done');
    const g = parseDirective('// goleash:ignore a,b reason')!;
    expect(g).toMatchObject({ syntax: 'goleash:ignore', names: ['a', 'b'] });
    expect(parseDirective('//goleash:ignore')).toMatchObject({ names: [] });
    expect(parseDirective('// nolint:x')).toBeUndefined();
  });
});
