// Each rule's bad/good example (shown in the editor's hover) is true: the rule flags the bad one
// and is silent on the good one.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/core/analyzer';
import { RULES } from '../../server/src/rules';

// The examples are function-level snippets; this is the file around them.
const PRELUDE = `package example

import (
	"context"
	"sync"
)

var _ = context.Background
var _ sync.Mutex

type Watcher struct{ events chan string }
type Config struct{ Addr string }
type Page struct{}
type Job struct{}
type result struct {
	page *Page
	err  error
}

func (w *Watcher) Start(ctx context.Context) { go w.loop(ctx) }

`;

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

describe('rule examples', () => {
  it('every rule has one', () => {
    expect(RULES.filter((r) => !r.example).map((r) => r.id)).toEqual([]);
  });

  for (const rule of RULES) {
    it(`${rule.id}: the bad example is flagged, the good one is not`, () => {
      const only = { settings: { rules: Object.fromEntries(RULES.map((r) => [r.id, r.id === rule.id ? 'warning' : 'off'] as const)) } };
      const bad = analyzer.analyzeText('bad.go', PRELUDE + rule.example!.bad + '\n', only);
      const good = analyzer.analyzeText('good.go', PRELUDE + rule.example!.good + '\n', only);
      expect(bad.findings.map((f) => f.rule), 'bad').toContain(rule.id);
      expect(good.findings.map((f) => `${f.rule}: ${f.message}`), 'good').toEqual([]);
    });
  }
});
