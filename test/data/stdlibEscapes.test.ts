// The standard-library escape table. The facts asserted here were checked on go1.26.8 both in the
// compiler's -m=2 output for the standard library and from a caller: a program passing &x to the
// function, built with -gcflags=-m, reports `moved to heap: x` exactly for the heap cases. A
// table regenerated with another Go release may legitimately change them; re-check before
// editing. With Go on PATH, the last block regenerates a sample and checks the caller's view.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import table from '../../server/src/data/stdlib-escapes.json';
import {
  argumentLeak,
  isStdlibPackage,
  paramLeak,
  STDLIB_ESCAPES_GO_VERSION,
  STDLIB_ESCAPES_PLATFORM,
  stdlibFunction,
} from '../../server/src/data/stdlibEscapes';

const REPO = join(__dirname, '..', '..');

describe('stdlib escape table: header', () => {
  it('names the Go release, platform and command that produced it', () => {
    expect(STDLIB_ESCAPES_GO_VERSION).toMatch(/^go1\.\d+/);
    expect(STDLIB_ESCAPES_PLATFORM).toMatch(/^\w+\/\w+$/);
    expect(table.command).toContain('-m=2');
    // The module reads these from the text without parsing it; they must agree with the parse.
    expect(STDLIB_ESCAPES_GO_VERSION).toBe(table.goVersion);
    expect(STDLIB_ESCAPES_PLATFORM).toBe(`${table.goos}/${table.goarch}`);
  });

  it('stays small', () => {
    expect(readFileSync(join(REPO, 'server/src/data/stdlib-escapes.json')).length).toBeLessThan(1_000_000);
  });
});

describe('stdlib escape table: facts checked against the compiler', () => {
  it('json.Unmarshal leaks v to the heap; so does json.Marshal (heap, not just content)', () => {
    expect(paramLeak('encoding/json', 'Unmarshal', 1)).toBe('heap');
    expect(paramLeak('encoding/json', 'Marshal', 0)).toBe('heap');
  });

  it('(*json.Decoder).Decode leaks its receiver and v', () => {
    const decode = stdlibFunction('encoding/json', '(*Decoder).Decode');
    expect(decode?.receiver?.leak).toBe('heap');
    expect(decode?.pointerReceiver).toBe(true);
    expect(paramLeak('encoding/json', '(*Decoder).Decode', 0)).toBe('heap');
  });

  it('fmt.Println is variadic and leaks the content of its slice, so each argument leaks', () => {
    const println = stdlibFunction('fmt', 'Println');
    expect(println?.variadic).toBe(true);
    expect(println?.params).toHaveLength(1);
    expect(paramLeak('fmt', 'Println', 0)).toBe('content');
    expect(paramLeak('fmt', 'Println', 5)).toBe('content');
    expect(argumentLeak('fmt', 'Println', 5)).toBe('heap');
    expect(argumentLeak('fmt', 'Println', 0, true)).toBe('content');
  });

  it('fmt.Sprintf: the format does not escape, the arguments do', () => {
    expect(paramLeak('fmt', 'Sprintf', 0)).toBe('none');
    expect(argumentLeak('fmt', 'Sprintf', 1)).toBe('heap');
    expect(argumentLeak('fmt', 'Sprintf', 3)).toBe('heap');
  });

  it('sort.Slice: the less func does not escape, the slice (boxed in any) does', () => {
    expect(paramLeak('sort', 'Slice', 1)).toBe('none');
    expect(paramLeak('sort', 'Slice', 0)).toBe('heap');
  });

  it('time.AfterFunc leaks f; its Duration is pointer-free and unreported', () => {
    expect(paramLeak('time', 'AfterFunc', 1)).toBe('heap');
    expect(paramLeak('time', 'AfterFunc', 0)).toBeUndefined();
    expect(stdlibFunction('time', 'AfterFunc')?.params[0]).toBeNull();
  });

  it('sync: Map.Range f does not escape but the Map does; Mutex.Lock and Once.Do leak the receiver', () => {
    const range = stdlibFunction('sync', '(*Map).Range');
    expect(range?.receiver?.leak).toBe('heap');
    expect(paramLeak('sync', '(*Map).Range', 0)).toBe('none');
    expect(stdlibFunction('sync', '(*Mutex).Lock')?.receiver?.leak).toBe('heap');
    expect(stdlibFunction('sync', '(*Once).Do')?.receiver?.leak).toBe('heap');
    expect(paramLeak('sync', '(*Once).Do', 0)).toBe('none');
  });

  it('sync/atomic.Int64 methods do not leak their receiver', () => {
    expect(stdlibFunction('sync/atomic', '(*Int64).Add')?.receiver?.leak).toBe('none');
  });

  it('strings.Builder: writes leak only the content, String returns it', () => {
    expect(stdlibFunction('strings', '(*Builder).WriteString')?.receiver).toMatchObject({ leak: 'content', heapDerefs: 1 });
    expect(paramLeak('strings', '(*Builder).WriteString', 0)).toBe('none');
    expect(stdlibFunction('strings', '(*Builder).String')?.receiver).toEqual({
      leak: 'result',
      heapDerefs: undefined,
      results: [{ index: 0, level: 1 }],
    });
  });

  it('bytes.Buffer: WriteString does not escape; Bytes returns what the receiver points to', () => {
    expect(stdlibFunction('bytes', '(*Buffer).WriteString')?.receiver?.leak).toBe('none');
    expect(stdlibFunction('bytes', '(*Buffer).Bytes')?.receiver?.results).toEqual([{ index: 0, level: 1 }]);
  });

  it('bytes.NewBuffer is tagged heap but inlinable, so callers may keep the buffer on the stack', () => {
    const newBuffer = stdlibFunction('bytes', 'NewBuffer');
    expect(newBuffer?.params[0]?.leak).toBe('heap');
    expect(newBuffer?.inlineCost).toBeLessThanOrEqual(80);
  });

  it('bytes.Cut flows s to two results; io.ReadFull leaks buf; errors.As leaks target', () => {
    expect(stdlibFunction('bytes', 'Cut')?.params[0]?.results).toEqual([
      { index: 0, level: 0 },
      { index: 1, level: 0 },
    ]);
    expect(paramLeak('io', 'ReadFull', 1)).toBe('heap');
    expect(paramLeak('errors', 'As', 1)).toBe('heap');
  });

  it('strconv.AppendInt only returns dst; (*os.File).Read does not keep b', () => {
    expect(paramLeak('strconv', 'AppendInt', 0)).toBe('result');
    expect(paramLeak('os', '(*File).Read', 0)).toBe('none');
  });
});

describe('stdlib escape table: lookups', () => {
  it('finds a method under either receiver spelling and reports which one it is', () => {
    expect(stdlibFunction('encoding/json', 'Decoder.Decode')?.name).toBe('(*Decoder).Decode');
    expect(stdlibFunction('time', '(*Time).Add')?.name).toBe('Time.Add');
    expect(stdlibFunction('time', 'Time.Add')?.pointerReceiver).toBe(false);
  });

  it('returns undefined for what it does not know', () => {
    expect(stdlibFunction('encoding/json', 'NoSuchFunction')).toBeUndefined();
    expect(stdlibFunction('github.com/x/y', 'Unmarshal')).toBeUndefined();
    expect(paramLeak('encoding/json', 'Unmarshal', 2)).toBeUndefined();
    expect(paramLeak('encoding/json', 'Unmarshal', -1)).toBeUndefined();
    // Generic functions are analysed only as instantiations, which the compiler does not report.
    expect(stdlibFunction('slices', 'Sort')).toBeUndefined();
  });

  it('knows the standard-library packages it scanned, with or without entries', () => {
    expect(isStdlibPackage('encoding/json')).toBe(true);
    expect(isStdlibPackage('slices')).toBe(true);
    expect(isStdlibPackage('unsafe')).toBe(true);
    expect(isStdlibPackage('internal/abi')).toBe(false);
    expect(isStdlibPackage('github.com/x/y')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// With Go: the table is what the generator produces, and it predicts what callers see.

const goEnv = spawnSync('go', ['env', 'GOVERSION', 'GOOS', 'GOARCH'], { encoding: 'utf8' });
const [goVersion, goos, goarch] = goEnv.status === 0 ? goEnv.stdout.trim().split('\n') : [];
const sameGo = goVersion === STDLIB_ESCAPES_GO_VERSION && `${goos}/${goarch}` === STDLIB_ESCAPES_PLATFORM;
const skipReason =
  goEnv.status !== 0
    ? '`go` is not on PATH'
    : `the table is from ${STDLIB_ESCAPES_GO_VERSION} ${STDLIB_ESCAPES_PLATFORM}, this is ${goVersion} ${goos}/${goarch}`;
if (!sameGo) console.warn(`skipping escape table regeneration checks: ${skipReason}`);

type Section = Record<string, Record<string, unknown>>;

describe.skipIf(!sameGo)(`stdlib escape table matches the compiler (${sameGo ? goVersion : skipReason})`, () => {
  it('regenerating encoding/json and sort gives the committed entries', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'goleash-escapes-')), 'sample.json');
    const run = spawnSync('node', ['scripts/escape-table.mjs', '--packages', 'encoding/json,sort', '--out', out], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const sample = JSON.parse(readFileSync(out, 'utf8'));
    for (const pkg of ['encoding/json', 'sort']) {
      expect(sample.packages[pkg]).toEqual((table.packages as Section)[pkg]);
      expect(sample.inlineCost[pkg]).toEqual((table.inlineCost as Section)[pkg]);
    }
  }, 300_000);

  it('a caller passing &x sees x moved to the heap exactly where the table says heap', () => {
    // Each case passes &vN (or vN's slice) to one function; the table's answer for that
    // argument must be heap exactly when the compiler moves vN. None of these is inlined
    // into something that changes the answer (bytes.NewBuffer, an inlinable exception, is not here).
    const cases: { code: string; pkg: string; fn: string; arg: number }[] = [
      { code: 'var v0 T; _ = json.Unmarshal(data, &v0)', pkg: 'encoding/json', fn: 'Unmarshal', arg: 1 },
      { code: 'var v1 T; _, _ = json.Marshal(&v1)', pkg: 'encoding/json', fn: 'Marshal', arg: 0 },
      { code: 'var v2 int; fmt.Println(&v2)', pkg: 'fmt', fn: 'Println', arg: 0 },
      { code: 'var v3 int; sort.Slice(xs, func(i, j int) bool { v3++; return i < j })', pkg: 'sort', fn: 'Slice', arg: 1 },
      { code: 'var v4 int; time.AfterFunc(time.Second, func() { v4++ })', pkg: 'time', fn: 'AfterFunc', arg: 1 },
      { code: 'var v5 int; m.Range(func(k, v any) bool { v5++; return true })', pkg: 'sync', fn: '(*Map).Range', arg: 0 },
      { code: 'var v6 [8]byte; _, _ = io.ReadFull(r, v6[:])', pkg: 'io', fn: 'ReadFull', arg: 1 },
      { code: 'var v7 [8]byte; _, _ = f.Read(v7[:])', pkg: 'os', fn: '(*File).Read', arg: 0 },
      { code: 'var v8 *myErr; _ = errors.As(err, &v8)', pkg: 'errors', fn: 'As', arg: 1 },
      { code: 'var v9 [20]byte; _ = len(strconv.AppendInt(v9[:0], 1, 10))', pkg: 'strconv', fn: 'AppendInt', arg: 0 },
    ];
    const source = [
      'package main',
      'import ("encoding/json"; "errors"; "fmt"; "io"; "os"; "sort"; "strconv"; "sync"; "time")',
      'type T struct{ P *int }',
      'type myErr struct{}',
      'func (*myErr) Error() string { return "" }',
      ...cases.map((c, i) => `func case${i}(data []byte, xs []int, m *sync.Map, r io.Reader, f *os.File, err error) { ${c.code} }`),
      'func main() {}',
      '',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'goleash-escapes-'));
    writeFileSync(join(dir, 'main.go'), source);
    const env = { ...process.env, GO111MODULE: 'off', GOPATH: tmpdir(), GOFLAGS: '' };
    const build = spawnSync('go', ['build', '-gcflags=-m', '-o', join(dir, 'a.out'), 'main.go'], { cwd: dir, encoding: 'utf8', env });
    expect(build.status, build.stderr).toBe(0);
    const moved = new Set([...build.stderr.matchAll(/moved to heap: (v\d+)/g)].map((m) => m[1]));
    const predicted = cases.map((c, i) => `v${i} ${argumentLeak(c.pkg, c.fn, c.arg) === 'heap' ? 'moves' : 'stays'}`);
    const actual = cases.map((_, i) => `v${i} ${moved.has(`v${i}`) ? 'moves' : 'stays'}`);
    expect(predicted).toEqual(actual);
  }, 300_000);
});
