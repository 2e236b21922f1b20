// unbounded-goroutine: severities (warning, hint for accept loops, information in tests) and the
// fixes golden files do not reach (they record fixes[0]): the semaphore where SetLimit or the
// errgroup rewrite comes first, a labelled loop, the sync import the rewrite leaves unused, and
// the shapes where a fix must not be offered. Each fixed text is checked against gofmt when Go is
// installed.
import { spawnSync } from 'node:child_process';
import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../server/src/core/analyze';
import { groupPackages, parseFacts } from '../../server/src/core/packages';
import { createGoParser } from '../../server/src/parse/grammar';
import { unboundedGoroutine } from '../../server/src/rules/unboundedGoroutine';
import type { Finding } from '../../server/src/rules/types';

let parser: Parser;
beforeAll(async () => {
  parser = await createGoParser();
});

const hasGofmt = spawnSync('gofmt', ['-h']).error === undefined;

function findingsOf(source: string, path = '/fixture/a.go'): Finding[] {
  const facts = parseFacts(parser, path, source);
  try {
    return analyzeFile(facts, groupPackages([facts]).get(facts)!, { rules: [unboundedGoroutine] }).findings;
  } finally {
    facts.tree.delete();
  }
}

/** The file after applying, for each finding, the fix whose title starts with `title`. */
function applyFix(source: string, title: string): string {
  const edits = findingsOf(source).flatMap((f) => f.fixes.find((x) => x.title.startsWith(title))?.edits ?? []);
  return TextDocument.applyEdits(TextDocument.create('file:///a.go', 'go', 0, source), edits);
}

function titles(source: string): string[][] {
  return findingsOf(source).map((f) => f.fixes.map((x) => x.title));
}

function expectGofmtClean(text: string): void {
  if (!hasGofmt) return;
  const formatted = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  expect(formatted.status, formatted.stderr).toBe(0);
  expect(formatted.stdout).toBe(text);
}

const SEMAPHORE = 'Limit to 8 goroutines at a time with a semaphore channel';
const REWRITE = 'Use an errgroup.Group limited to 8 goroutines';
const IGNORE = 'Ignore unbounded-goroutine for this line';

describe('unbounded-goroutine severities', () => {
  const src = `package p

import "net"

func handle(c net.Conn) {}

func Serve(ln net.Listener, jobs <-chan net.Conn) {
\tfor {
\t\tc, err := ln.Accept()
\t\tif err != nil {
\t\t\treturn
\t\t}
\t\tgo handle(c)
\t}
}

func Work(jobs <-chan string, f func(string)) {
\tfor j := range jobs {
\t\tgo f(j)
\t}
}

func BenchmarkWork(jobs <-chan string, f func(string)) {
\tfor j := range jobs {
\t\tgo f(j)
\t}
}
`;
  it('warns on a loop fed from outside, hints at an accept loop, informs in tests', () => {
    expect(findingsOf(src).map((f) => [f.range.start.line + 1, f.severity])).toEqual([
      [13, 'hint'],
      [19, 'warning'],
      [25, 'information'],
    ]);
  });
  it('says nothing of an accept loop in a _test.go file', () => {
    expect(findingsOf(src, '/fixture/a_test.go').map((f) => f.severity)).toEqual(['information', 'information']);
  });
  it('points at the go keyword, with the loop header as related information', () => {
    const [, work] = findingsOf(src);
    expect(work.range).toEqual({ start: { line: 18, character: 2 }, end: { line: 18, character: 4 } });
    expect(work.related?.[0].range.start).toEqual({ line: 17, character: 16 });
  });
});

describe('unbounded-goroutine fixes', () => {
  it('offers SetLimit first on an unlimited errgroup, the semaphore second', () => {
    const src = `package p

import (
\t"context"

\t"golang.org/x/sync/errgroup"
)

func Run(ctx context.Context, in <-chan string, f func(context.Context, string) error) error {
\tg, ctx := errgroup.WithContext(ctx)
\tfor s := range in {
\t\tg.Go(func() error { return f(ctx, s) })
\t}
\treturn g.Wait()
}
`;
    expect(titles(src)).toEqual([['Limit the group to 8 goroutines at a time: g.SetLimit(8)', SEMAPHORE, IGNORE]]);
    const fixed = applyFix(src, SEMAPHORE);
    expect(fixed).toContain(`\tsem := make(chan struct{}, 8) // at most 8 goroutines at a time
\tfor s := range in {
\t\tsem <- struct{}{}
\t\tg.Go(func() error {
\t\t\tdefer func() { <-sem }()
\t\t\treturn f(ctx, s)
\t\t})
\t}`);
    expectGofmtClean(fixed);
  });

  it('a group kept in a field gets the semaphore (its declaration is elsewhere)', () => {
    const src = `package p

import "golang.org/x/sync/errgroup"

type S struct{ g errgroup.Group }

func (s *S) Run(in <-chan string, f func(string) error) {
\tfor v := range in {
\t\ts.g.Go(func() error {
\t\t\treturn f(v)
\t\t})
\t}
}
`;
    expect(titles(src)).toEqual([[SEMAPHORE, IGNORE]]);
  });

  it('puts the semaphore above a labelled loop and the comment introducing it', () => {
    const src = `package p

func Run(in <-chan int, f func(int), quit <-chan struct{}) {
\t// Serve until quit.
loop:
\tfor {
\t\tselect {
\t\tcase v := <-in:
\t\t\tgo f(v)
\t\tcase <-quit:
\t\t\tbreak loop
\t\t}
\t}
}
`;
    const fixed = applyFix(src, SEMAPHORE);
    expect(fixed).toBe(`package p

func Run(in <-chan int, f func(int), quit <-chan struct{}) {
\tsem := make(chan struct{}, 8) // at most 8 goroutines at a time
\t// Serve until quit.
loop:
\tfor {
\t\tselect {
\t\tcase v := <-in:
\t\t\tsem <- struct{}{}
\t\t\tgo func() {
\t\t\t\tdefer func() { <-sem }()
\t\t\t\tf(v)
\t\t\t}()
\t\tcase <-quit:
\t\t\tbreak loop
\t\t}
\t}
}
`);
    expectGofmtClean(fixed);
  });

  it('picks a free name when sem is taken', () => {
    const src = `package p

func Run(in <-chan int, f func(int)) {
\tsem := 0
\tfor v := range in {
\t\tgo f(v + sem)
\t}
}
`;
    expect(applyFix(src, SEMAPHORE)).toContain('limit := make(chan struct{}, 8)');
  });

  it('keeps argument evaluation: no wrapping when an argument calls or reads a variable the loop reassigns', () => {
    const src = `package p

func next() int { return 0 }

func Calls(in <-chan int, f func(int, int)) {
\tfor v := range in {
\t\tgo f(v, next())
\t}
}

func Shared(in <-chan int, f func(int)) {
\tvar last int
\tfor v := range in {
\t\tlast = v
\t\tgo f(last)
\t}
}

func Later(in <-chan int, f func(int)) {
\tfor v := range in {
\t\tw := v
\t\tgo f(w)
\t\tw++
\t\t_ = w
\t}
}
`;
    expect(titles(src)).toEqual([[IGNORE], [IGNORE], [IGNORE]]);
  });

  it('drops the sync import when the WaitGroup was its last use', () => {
    const src = `package p

import (
\t"context"
\t"sync"

\t"golang.org/x/sync/errgroup"
)

var _ errgroup.Group

func Fetch(ctx context.Context, urls <-chan string, get func(context.Context, string) error) {
\tvar wg sync.WaitGroup
\tfor u := range urls {
\t\twg.Add(1)
\t\tgo func() {
\t\t\tdefer wg.Done()
\t\t\t_ = get(ctx, u)
\t\t}()
\t}
\twg.Wait()
}
`;
    expect(titles(src)[0][0]).toMatch(/^Use an errgroup\.Group/);
    const fixed = applyFix(src, REWRITE);
    expect(fixed).toBe(`package p

import (
\t"context"

\t"golang.org/x/sync/errgroup"
)

var _ errgroup.Group

func Fetch(ctx context.Context, urls <-chan string, get func(context.Context, string) error) {
\tvar g errgroup.Group
\tg.SetLimit(8)
\tfor u := range urls {
\t\tg.Go(func() error {
\t\t\t_ = get(ctx, u)
\t\t\treturn nil
\t\t})
\t}
\t_ = g.Wait()
}
`);
    expectGofmtClean(fixed);
  });

  it('does not rewrite a WaitGroup used for anything else', () => {
    const src = `package p

import (
\t"sync"

\t"golang.org/x/sync/errgroup"
)

var _ errgroup.Group

func track(wg *sync.WaitGroup) {}

func Fetch(urls <-chan string, get func(string)) {
\tvar wg sync.WaitGroup
\ttrack(&wg)
\tfor u := range urls {
\t\twg.Add(1)
\t\tgo func() {
\t\t\tdefer wg.Done()
\t\t\tget(u)
\t\t}()
\t}
\twg.Wait()
}
`;
    expect(titles(src)).toEqual([[SEMAPHORE, IGNORE]]);
  });
});
