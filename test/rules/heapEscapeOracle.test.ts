// The heap-escape fixtures say what the Go compiler says. test/fixtures/heap-escape/gc-output.json
// records the compiler's `-gcflags='-m -l'` messages for every fixture file (written by
// `npm run oracle -- --update-fixtures`), so the first checks need no Go toolchain:
//   - every `moved to heap` and every escaping allocation site (`&T{...}`, new, make, slice and
//     map literals, func literals, append) has a `// want "heap-escape: REGEXP"` on its line whose
//     regexp matches the compiler's text, and every want matches such a message: one to one, per
//     line. In `iface_*.go` files the interface kind (`x escapes to heap`, ...) counts too;
//     elsewhere it is ignored (the rule reports it only with the interface switch on).
//   - with Go ($GO, else `go` on PATH), gc-output.json is what it prints today. A different Go
//     release may analyse differently, so that check skips (and says why) rather than fail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../scripts/lib/gcOutput.mjs';
import { compileFile, goRelease, goVersion, TARGET_FLAGS } from '../../scripts/lib/goToolchain.mjs';
import { parseWants, type Want } from '../harness/wants';

const RULE = 'heap-escape';
const DIR = join(__dirname, '..', 'fixtures', RULE);
const GC_OUTPUT = join(DIR, 'gc-output.json');
const UPDATE = 'npm run oracle -- --update-fixtures';

interface Recorded {
  line: number;
  column: number;
  message: string;
}
interface GcOutput {
  goVersion: string;
  flags: string;
  files: Record<string, Recorded[]>;
}

const fixtures = existsSync(DIR) ? readdirSync(DIR).filter((n) => n.endsWith('.go')).sort() : [];
const gcOutput: GcOutput | undefined = existsSync(GC_OUTPUT) ? JSON.parse(readFileSync(GC_OUTPUT, 'utf8')) : undefined;
if (fixtures.length === 0) console.warn(`skipping heap-escape oracle checks: no fixture files in test/fixtures/${RULE}/`);

/** The messages a fixture's wants must cover: escapes of the kinds the file is about. */
function wantedMessages(name: string, messages: Recorded[]): Recorded[] {
  const withInterfaces = name.startsWith('iface_');
  return messages.filter((m) => {
    const { kind, escapes } = classify(m.message);
    return escapes && (kind === 'moved' || kind === 'alloc' || (kind === 'iface' && withInterfaces));
  });
}

/** How many messages can be paired with distinct wants whose regexp matches them (augmenting paths). */
function maxPairs(messages: Recorded[], wants: Want[]): number {
  const wantOf = new Map<number, number>(); // want index -> message index
  const tryPair = (m: number, seen: Set<number>): boolean => {
    for (let w = 0; w < wants.length; w++) {
      if (seen.has(w) || !wants[w].message.test(messages[m].message)) continue;
      seen.add(w);
      const holder = wantOf.get(w);
      if (holder === undefined || tryPair(holder, seen)) {
        wantOf.set(w, m);
        return true;
      }
    }
    return false;
  };
  return messages.filter((_, m) => tryPair(m, new Set())).length;
}

function groupByLine<T>(items: T[], lineOf: (item: T) => number): Map<number, T[]> {
  const lines = new Map<number, T[]>();
  for (const item of items) lines.set(lineOf(item), [...(lines.get(lineOf(item)) ?? []), item]);
  return lines;
}

/** Lines where the compiler's escaping messages and the wants do not pair up one to one. */
function disagreements(name: string, recorded: Recorded[]): string[] {
  const messages = groupByLine(wantedMessages(name, recorded), (m) => m.line);
  const wants = groupByLine(
    parseWants(readFileSync(join(DIR, name), 'utf8')).filter((w) => w.rule === RULE),
    (w) => w.line + 1,
  );
  const problems: string[] = [];
  for (const line of [...new Set([...messages.keys(), ...wants.keys()])].sort((a, b) => a - b)) {
    const said = messages.get(line) ?? [];
    const wanted = wants.get(line) ?? [];
    if (said.length === wanted.length && maxPairs(said, wanted) === said.length) continue;
    const compiler = said.map((m) => m.message).join(' | ') || '(nothing)';
    problems.push(`${name}:${line}: compiler says ${compiler}; wants ${wanted.map((w) => `"${w.source}"`).join(' ') || '(nothing)'}`);
  }
  return problems;
}

describe('compiler and goleash messages are read alike (scripts/lib/gcOutput.mjs)', () => {
  it.each([
    ['moved to heap: x', 'moved', true],
    ['moved to heap: x (captured by a goroutine)', 'moved', true],
    ['&Node{...} escapes to heap (returned)', 'alloc', true],
    ['&[3]int{} does not escape', 'alloc', false],
    ['new(int) does not escape', 'alloc', false],
    ['make([]byte, n) escapes to heap (non-constant size)', 'alloc', true],
    ['[]int{...} escapes to heap', 'alloc', true],
    ['map[string]int{...} escapes to heap', 'alloc', true],
    ['func literal does not escape', 'alloc', false],
    ['append escapes to heap', 'alloc', true],
    ['x escapes to heap (converted to interface)', 'iface', true],
    ['"lit" escapes to heap', 'iface', true],
    ['... argument does not escape', 'iface', false],
    ['([]byte)(s) does not escape', 'iface', false],
    ['ErrCode(3) escapes to heap', 'iface', true],
    ['leaking param: p to result ~r0 level=0', 'param', false],
    ['leaking param content: p', 'param', false],
    ['p does not escape', 'param', false],
    ['can inline f', 'other', false],
  ] as const)('%s: %s, escapes %s', (message, kind, escapes) => {
    expect(classify(message)).toMatchObject({ kind, escapes });
  });
});

describe.skipIf(fixtures.length === 0)('heap-escape fixtures say what the Go compiler says (gc-output.json)', () => {
  it(`gc-output.json records -gcflags='${TARGET_FLAGS}' for exactly the fixture files`, () => {
    expect(gcOutput, `test/fixtures/${RULE}/gc-output.json is missing: run ${UPDATE}`).toBeDefined();
    expect(gcOutput!.flags).toBe(TARGET_FLAGS);
    expect(Object.keys(gcOutput!.files).sort(), `fixtures were added or removed: run ${UPDATE}`).toEqual(fixtures);
  });

  it.each(fixtures)('%s: its wants and the compiler escapes pair up one to one per line', (name) => {
    const recorded = gcOutput?.files[name];
    expect(recorded, `${name} is not in gc-output.json: run ${UPDATE}`).toBeDefined();
    expect(disagreements(name, recorded!)).toEqual([]);
  });
});

const version = fixtures.length > 0 ? goVersion() : undefined;
const sameRelease = version !== undefined && gcOutput !== undefined && goRelease(version) === goRelease(gcOutput.goVersion);
if (fixtures.length > 0 && !version) console.warn('skipping the gc-output.json freshness check: `go` is not on PATH');
else if (version && gcOutput && !sameRelease) {
  console.warn(`skipping the gc-output.json freshness check: it was written with ${gcOutput.goVersion}, this is ${version}`);
}

describe.skipIf(!sameRelease)(`gc-output.json is what ${version ?? 'go'} prints now`, () => {
  it(`every fixture compiled with -gcflags='${TARGET_FLAGS}' prints the recorded messages (else: ${UPDATE})`, () => {
    const stale: string[] = [];
    for (const name of fixtures) {
      const result = compileFile(join(DIR, name), TARGET_FLAGS);
      if (!result.ok) {
        stale.push(`${name} does not compile: ${result.error}`);
        continue;
      }
      const now = result.messages.map(({ line, column, message }) => ({ line, column, message }));
      if (JSON.stringify(now) !== JSON.stringify(gcOutput!.files[name])) stale.push(name);
    }
    expect(stale, `stale entries in gc-output.json: run ${UPDATE}`).toEqual([]);
  }, 180_000);
});
