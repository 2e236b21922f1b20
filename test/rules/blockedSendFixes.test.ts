// blocked-send's second fix, the `select` on ctx.Done(), in the shapes golden files do not reach
// (they record fixes[0], usually the buffer): a one-line goroutine, code after the send, an
// errgroup literal, exclusive sends, and a receiver that must cancel its own ctx. Each result
// is checked against the expected text and, when Go is installed, against gofmt.
import { spawnSync } from 'node:child_process';
import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../server/src/core/analyze';
import { groupPackages, parseFacts } from '../../server/src/core/packages';
import { createGoParser } from '../../server/src/parse/grammar';
import { blockedSend } from '../../server/src/rules/blockedSend';

let parser: Parser;
beforeAll(async () => {
  parser = await createGoParser();
});

const hasGofmt = spawnSync('gofmt', ['-h']).error === undefined;

/** The file after applying, for each finding, the fix whose title starts with `title`. */
function applyFix(source: string, title: string): { text: string; titles: string[] } {
  const facts = parseFacts(parser, '/fixture/a.go', source);
  try {
    const { findings } = analyzeFile(facts, groupPackages([facts]).get(facts)!, { rules: [blockedSend] });
    const titles = findings.map((f) => f.fixes.map((x) => x.title).join(' | '));
    const edits = findings.flatMap((f) => f.fixes.find((x) => x.title.startsWith(title))?.edits ?? []);
    return { text: TextDocument.applyEdits(TextDocument.create('file:///a.go', 'go', 0, source), edits), titles };
  } finally {
    facts.tree.delete();
  }
}

function expectGofmtClean(text: string): void {
  if (!hasGofmt) return;
  const r = spawnSync('gofmt', ['-l'], { input: text, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const formatted = spawnSync('gofmt', [], { input: text, encoding: 'utf8' }).stdout;
  expect(formatted).toBe(text);
}

const HEADER = `package fx

import (
\t"context"
\t"time"
)

func work() error { return nil }
`;

const cases: { name: string; body: string; fixed: string; title: string }[] = [
  {
    name: 'a one-line goroutine opens up',
    title: 'Stop the send when ctx is done',
    body: `
func OneLine(ctx context.Context) error {
\terrc := make(chan error)
\tgo func() { errc <- work() }()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-ctx.Done():
\t\treturn ctx.Err()
\t}
}
`,
    fixed: `
func OneLine(ctx context.Context) error {
\terrc := make(chan error)
\tgo func() {
\t\tselect {
\t\tcase errc <- work():
\t\tcase <-ctx.Done():
\t\t}
\t}()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-ctx.Done():
\t\treturn ctx.Err()
\t}
}
`,
  },
  {
    name: 'code after the send returns in the ctx case',
    title: 'Stop the send when ctx is done',
    body: `
func MoreCode(ctx context.Context, log func(string)) error {
\terrc := make(chan error)
\tgo func() {
\t\terrc <- work()
\t\tlog("sent")
\t}()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-ctx.Done():
\t\treturn ctx.Err()
\t}
}
`,
    fixed: `
func MoreCode(ctx context.Context, log func(string)) error {
\terrc := make(chan error)
\tgo func() {
\t\tselect {
\t\tcase errc <- work():
\t\tcase <-ctx.Done():
\t\t\treturn
\t\t}
\t\tlog("sent")
\t}()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-ctx.Done():
\t\treturn ctx.Err()
\t}
}
`,
  },
  {
    name: 'a receiver that times out cancels its own ctx; exclusive sends need no return',
    title: 'Stop the send when ctx is done, and cancel ctx when Timeout returns',
    body: `
func Timeout(ctx context.Context) error {
\terrc := make(chan error)
\tgo func() {
\t\tif err := work(); err != nil {
\t\t\terrc <- err
\t\t\treturn
\t\t}
\t\terrc <- nil
\t}()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-time.After(time.Second):
\t\treturn context.DeadlineExceeded
\t}
}
`,
    fixed: `
func Timeout(ctx context.Context) error {
\tctx, cancel := context.WithCancel(ctx)
\tdefer cancel()
\terrc := make(chan error)
\tgo func() {
\t\tif err := work(); err != nil {
\t\t\tselect {
\t\t\tcase errc <- err:
\t\t\tcase <-ctx.Done():
\t\t\t}
\t\t\treturn
\t\t}
\t\tselect {
\t\tcase errc <- nil:
\t\tcase <-ctx.Done():
\t\t}
\t}()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-time.After(time.Second):
\t\treturn context.DeadlineExceeded
\t}
}
`,
  },
  {
    name: 'a sender in a func() error literal returns ctx.Err() when more code follows',
    title: 'Stop the send when ctx is done, and cancel ctx when Produce returns',
    body: `
func Produce(ctx context.Context, n int) (int, error) {
\tsum := make(chan int)
\tgo func() error {
\t\tfor i := range n {
\t\t\tsum <- i
\t\t}
\t\treturn nil
\t}()
\tselect {
\tcase v := <-sum:
\t\treturn v, nil
\tcase <-ctx.Done():
\t\treturn 0, ctx.Err()
\t}
}
`,
    fixed: `
func Produce(ctx context.Context, n int) (int, error) {
\tctx, cancel := context.WithCancel(ctx)
\tdefer cancel()
\tsum := make(chan int)
\tgo func() error {
\t\tfor i := range n {
\t\t\tselect {
\t\t\tcase sum <- i:
\t\t\tcase <-ctx.Done():
\t\t\t\treturn ctx.Err()
\t\t\t}
\t\t}
\t\treturn nil
\t}()
\tselect {
\tcase v := <-sum:
\t\treturn v, nil
\tcase <-ctx.Done():
\t\treturn 0, ctx.Err()
\t}
}
`,
  },
];

describe('blocked-send select fix', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { text, titles } = applyFix(HEADER + c.body, c.title);
      expect(titles.length, 'one finding').toBe(1);
      expect(titles[0]).toContain(c.title);
      expect(text).toBe(HEADER + c.fixed);
      expectGofmtClean(text);
    });
  }

  it('is not offered when the receiver gives up on a timer and ctx is not a plain name', () => {
    const source = `${HEADER}
type S struct{ ctx context.Context }

func (s *S) Wait() error {
\terrc := make(chan error)
\tgo func() { errc <- work() }()
\tselect {
\tcase err := <-errc:
\t\treturn err
\tcase <-time.After(time.Second):
\t\treturn nil
\t}
}
`;
    const { titles } = applyFix(source, 'Stop');
    expect(titles).toEqual(['Make errc buffered (capacity 1) so the send cannot block | Ignore blocked-send for this line']);
  });
});
