// Fuzz: mutated real Go files (byte flips, truncation, deleted and duplicated lines, random
// tokens, deep nesting, NUL bytes, invalid UTF-8, 10 MB files) through the analysis core the way
// the front ends feed it (checkSource, then parse and analyse) and a few through the CLI. Every
// input must produce output — findings, or a recorded skip or rule failure — without an exception
// escaping and within the time budget. Inputs are seeded: a failure names the seed that rebuilds
// it. CI runs a few hundred; `npm run fuzz -- --count 100000 --seed S` runs the long one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTree } from '../../server/src/core/analyze';
import { checkSource } from '../../server/src/core/analyzer';
import { checkBudget } from '../../server/src/facts/budget';
import { createGoParser } from '../../server/src/parse/grammar';
import { RULES } from '../../server/src/rules';
import type { Rule } from '../../server/src/rules/types';
import { removeTempTrees, run } from '../cli/helpers';
import { huge, inputFor, loadCorpus, MUTATIONS, type FuzzInput } from './mutate';

afterAll(removeTempTrees); // the CLI runs' cache directory (see helpers.cacheHome)

const COUNT = Number(process.env.FUZZ_COUNT ?? 250);
/** A long run may be given a wall-clock limit: it stops there and says how many inputs it ran. */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? Infinity);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
/** Per rule and file; the front ends default to 2000 ms (facts/budget.ts), CI uses less to stay quick. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 500);

let parser: Parser;
const corpus = loadCorpus();
beforeAll(async () => {
  parser = await createGoParser();
});

type Outcome = { kind: 'skipped'; reason: string } | { kind: 'analysed'; findings: number; failures: string[] };

/** The core as a front end drives it: size and binary check, parse, analyse, free. */
function analyseBytes(path: string, bytes: Uint8Array, rules?: readonly Rule[]): Outcome {
  const source = checkSource(bytes);
  if (!source.ok) return { kind: 'skipped', reason: source.reason };
  const tree = parser.parse(source.text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const { findings, failures } = analyzeTree(path, source.text, tree, { budgetMs: BUDGET_MS, rules });
    return { kind: 'analysed', findings: findings.length, failures: failures.map((f) => `${f.rule}: ${f.error.message}`) };
  } finally {
    tree.delete();
  }
}

const describeInput = (i: FuzzInput) => `seed ${i.seed} (${i.source.replace(/.*fixtures\//, '')}, ${i.mutations.join('+')}, ${i.bytes.length} bytes)`;

describe('fuzz: the analysis core', () => {
  it(`survives ${COUNT} mutated files from seed ${SEED}`, () => {
    const problems: string[] = [];
    const stats = { inputs: 0, skipped: 0, analysed: 0, aborted: 0, slowest: 0 };
    const stopAt = Date.now() + SECONDS * 1000;
    for (let n = 0; n < COUNT && Date.now() < stopAt; n++) {
      stats.inputs++;
      if (process.env.FUZZ_VERBOSE && n % 500 === 0) process.stderr.write(`fuzz: at seed ${SEED + n}: ${JSON.stringify(stats)}\n`);
      const input = inputFor(SEED + n, corpus);
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = analyseBytes(`fuzz/${n}.go`, input.bytes);
      } catch (err) {
        problems.push(`${describeInput(input)}: exception escaped: ${err instanceof Error ? err.stack : String(err)}`);
        continue;
      }
      const ms = performance.now() - started;
      stats.slowest = Math.max(stats.slowest, ms);
      // Wall time is not asserted (tests never are, on a shared machine): the budget is, through
      // the failures it records; the slowest file is printed with FUZZ_VERBOSE.
      if (outcome.kind === 'skipped') stats.skipped++;
      else {
        stats.analysed++;
        // A rule may run out of time (that is the budget working); any other failure is a bug.
        const broken = outcome.failures.filter((f) => !/aborted after \d+ ms/.test(f));
        stats.aborted += outcome.failures.length - broken.length;
        if (broken.length) problems.push(`${describeInput(input)}: rule failed: ${broken.join('; ')}`);
      }
      if (problems.length >= 10) break;
    }
    if (process.env.FUZZ_VERBOSE) console.log(`fuzz: seeds ${SEED}..${SEED + stats.inputs - 1}: ${JSON.stringify(stats)}`);
    expect(problems, problems.join('\n\n')).toEqual([]);
    expect(stats.skipped + stats.analysed).toBe(stats.inputs);
    if (SECONDS === Infinity) expect(stats.inputs).toBe(COUNT);
  }, Math.max(60_000, COUNT * 100));

  // Found by the long run: unbounded-goroutine climbed parents per node (quadratic in depth) and
  // never finished on this file. A regression shows as this test's timeout.
  it('finishes seed 258 (deep nesting, duplicated lines) with every rule', () => {
    const input = inputFor(258, corpus);
    const outcome = analyseBytes('fuzz/258.go', input.bytes);
    expect(outcome.kind).toBe('analysed');
    if (outcome.kind === 'analysed') expect(outcome.failures.filter((f) => !/aborted after \d+ ms/.test(f))).toEqual([]);
  }, 60_000);

  it('exercises every mutation', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 300; n++) for (const m of inputFor(SEED + n, corpus).mutations) seen.add(m);
    expect([...seen].sort()).toEqual(Object.keys(MUTATIONS).sort());
  });

  it('skips a 10 MB file rather than analysing it', () => {
    const outcome = analyseBytes('huge.go', huge(corpus[0].bytes));
    expect(outcome).toEqual({ kind: 'skipped', reason: `larger than ${5 * 1024 * 1024} bytes` });
  });

  it('aborts a rule that outruns its budget, reports it, and keeps the other rules’ findings', () => {
    const spin: Rule = { ...RULES[0], id: 'spin', check: () => { for (;;) checkBudget(); } };
    const leak = new TextEncoder().encode('package p\n\nfunc run(ch chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-ch:\n\t\t}\n\t}\n}\n');
    const source = checkSource(leak);
    if (!source.ok) throw new Error(source.reason);
    const tree = parser.parse(source.text)!;
    try {
      const { findings, failures } = analyzeTree('spin.go', source.text, tree, { budgetMs: 100, rules: [spin, ...RULES] });
      expect(failures.map((f) => [f.rule, f.path, f.error.message])).toEqual([['spin', 'spin.go', 'aborted after 100 ms (the per-file time budget)']]);
      expect(findings.map((f) => f.rule)).toContain('for-select-no-done');
    } finally {
      tree.delete();
    }
  });
});

describe('fuzz: the command line', () => {
  it('lints a directory of mutated files: every file analysed or skipped, no failure but budget aborts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goleash-fuzz-'));
    try {
      const files = 12;
      for (let n = 0; n < files; n++) writeFileSync(join(dir, `f${n}.go`), inputFor(SEED + 1_000_000 + n, corpus).bytes);
      writeFileSync(join(dir, 'huge.go'), huge(corpus[1].bytes));
      writeFileSync(join(dir, 'nul.go'), MUTATIONS.nulBytes(new TextEncoder().encode('package p\n'), () => 0.5));
      const result = run(['lint', '.', '--format', 'json'], dir, 60_000);
      const doc = JSON.parse(result.stdout);
      // Exit 3 is how a rule's failure shows, a budget abort included; only those may appear.
      expect(doc.failures.length > 0 ? [3] : [0, 1], `exit ${result.code}: ${result.stderr}`).toContain(result.code);
      expect(doc.filesAnalyzed + doc.skipped.length, result.stdout).toBe(files + 2);
      expect(doc.skipped.map((s: { path: string }) => s.path)).toEqual(expect.arrayContaining(['huge.go', 'nul.go']));
      expect(doc.failures.filter((f: { message: string }) => !/aborted after/.test(f.message))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
