#!/usr/bin/env node
// `npm run escape-table`: regenerates server/src/data/stdlib-escapes.json, the table of which
// parameters of standard-library functions leak, as the Go compiler's escape analysis tags them.
//
// Why the compiler: when code passes &x to json.Unmarshal, whether x moves to the heap depends
// only on the escape tag the compiler stored for Unmarshal's parameter. goleash cannot run the
// compiler, so this script runs it once per Go release and records the tags it reports.
//
// How:
//  1. `go build -gcflags=<pkg>=-m=2` over the public standard library (no internal/, vendor/,
//     cmd/). The summary lines -m prints for each parameter ("leaking param: v", "leaking param
//     content: v", "leaking param: v to result ~r0 level=0", "v does not escape") are the tag
//     exactly (after the compiler's own simplification); -m=2 adds "parameter v leaks to {heap}
//     for F with derefs=N" lines, from which we take how deep a content leak starts.
//     Inlining stays on (no -l): the tags exported to callers come from that analysis (with
//     -l, 27 parameters come out differently on go1.26, e.g. sha256.Sum256's data leaks).
//     -m=2 also says which functions can be inlined ("can inline F with cost N"): a caller
//     that inlines F analyses F's body instead of using the tag, and may keep on the stack what
//     the tag says leaks (bytes.NewBuffer(buf[:]) in a function that only reads the buffer).
//     `go build` caches compiler output: a cold run takes about two minutes, a second one seconds.
//  2. scripts/escapetable/main.go (go/ast) lists every exported function with the position of
//     each parameter; diagnostics are matched to parameters by position and name.
//  3. The table is written one function per line, sorted, so regenerations diff cleanly.
//
// Usage: node scripts/escape-table.mjs [--packages encoding/json,sort] [--out FILE]
// Needs Go on PATH (or GO=/path/to/go). The product never needs Go; only this script does.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(REPO, 'server', 'src', 'data', 'stdlib-escapes.json');
const DECL_HELPER = join(REPO, 'scripts', 'escapetable', 'main.go');
const GO = process.env.GO || 'go';
// User settings such as -trimpath or a go.work would change paths or the build; keep them out.
const GO_ENV = { ...process.env, GOFLAGS: '', GOWORK: 'off' };

// ---------------------------------------------------------------------------------------------
// Running Go

function go(args, options = {}) {
  const r = spawnSync(GO, args, { encoding: 'utf8', env: GO_ENV, maxBuffer: 256 << 20, cwd: REPO, ...options });
  if (r.error) throw new Error(`cannot run ${GO}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${GO} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

function goEnvironment() {
  const [goVersion, goos, goarch, cgo, goroot] = go(['env', 'GOVERSION', 'GOOS', 'GOARCH', 'CGO_ENABLED', 'GOROOT'])
    .trim()
    .split('\n');
  return { goVersion, goos, goarch, cgo: cgo === '1', goroot };
}

/** Import paths a program outside the standard library may import. */
function publicStdPackages() {
  return go(['list', 'std'])
    .trim()
    .split('\n')
    .filter((path) => !/(^|\/)(internal|vendor)(\/|$)/.test(path));
}

/** Exported functions of each package with their parameters' positions (scripts/escapetable). */
function declarations(packages) {
  return JSON.parse(go(['run', DECL_HELPER, ...packages]));
}

// ---------------------------------------------------------------------------------------------
// Reading the compiler's diagnostics

const LOCATED = /^(.+?):(\d+):(\d+): (.*)$/;
const SUMMARIES = [
  // Order matters: "leaking param: v to result r level=N" also starts like a plain heap leak.
  [/^leaking param: (\S+) to result (\S+) level=(\d+)$/, (f, m) => f.results.push({ name: m[2], level: Number(m[3]) })],
  [/^leaking param: (\S+)$/, (f) => (f.heap = 0)],
  [/^leaking param content: (\S+)$/, (f) => (f.heap ??= 1)],
  [/^(\S+) does not escape$/, (f) => (f.noEscape = true)],
  // A parameter whose own address escapes is copied to the heap on entry; the compiler then
  // reports that instead of a leak, and callers see the parameter as leaking.
  [/^moved to heap: (\S+)$/, (f) => (f.moved = true)],
];
const DETAIL = /^parameter (\S+) leaks to \{heap\} for (.+) with derefs=(\d+):$/;
const CAN_INLINE = /^can inline (.+?) with cost (\d+) as:/;

/**
 * Facts the compiler printed, keyed by package, then "file:line:col" (file relative to
 * $GOROOT/src), then parameter name. `heapDerefs` collects the -m=2 detail per function name.
 * `inlineCosts` maps package, then function name, to the inlining cost the compiler reported.
 */
class Diagnostics {
  constructor(goroot) {
    this.srcPrefix = `${resolve(goroot, 'src')}/`;
    this.byPackage = new Map();
    this.inlineCosts = new Map();
  }

  inlineCost(pkg, name) {
    return this.inlineCosts.get(pkg)?.get(name);
  }

  facts(pkg, pos, name) {
    let positions = this.byPackage.get(pkg);
    if (!positions) this.byPackage.set(pkg, (positions = new Map()));
    const key = `${pos}|${name}`;
    let f = positions.get(key);
    if (!f) positions.set(key, (f = { results: [], heapDerefs: new Map() }));
    return f;
  }

  /** Facts with a summary line, or undefined: detail lines alone may belong to a wrapper. */
  lookup(pkg, pos, name) {
    const f = this.byPackage.get(pkg)?.get(`${pos}|${name}`);
    const summarised = f && (f.heap !== undefined || f.results.length > 0 || f.noEscape || f.moved);
    return summarised ? f : undefined;
  }

  /** One line of `go build` output; `pkg` is the package named by the last "# pkg" header. */
  add(pkg, line) {
    const m = LOCATED.exec(line);
    if (!m) return;
    const file = m[1].startsWith(this.srcPrefix) ? m[1].slice(this.srcPrefix.length) : m[1];
    const pos = `${file}:${m[2]}:${m[3]}`;
    const message = m[4];
    const inline = CAN_INLINE.exec(message);
    if (inline) {
      if (!this.inlineCosts.has(pkg)) this.inlineCosts.set(pkg, new Map());
      this.inlineCosts.get(pkg).set(inline[1], Number(inline[2]));
      return;
    }
    const detail = DETAIL.exec(message);
    if (detail) {
      const f = this.facts(pkg, pos, detail[1]);
      const derefs = Number(detail[3]);
      f.heapDerefs.set(detail[2], Math.min(derefs, f.heapDerefs.get(detail[2]) ?? derefs));
      return;
    }
    for (const [pattern, record] of SUMMARIES) {
      const s = pattern.exec(message);
      if (s) return record(this.facts(pkg, pos, s[1]), s);
    }
  }
}

/** Builds the packages with -m=2 and collects the diagnostics that can concern parameters. */
function compile(packages, goroot) {
  const gcflags = packages.map((p) => `-gcflags=${p}=-m=2`);
  const diagnostics = new Diagnostics(goroot);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(GO, ['build', ...gcflags, ...packages], { env: GO_ENV, cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let pkg = '';
    const tail = [];
    const lines = createInterface({ input: child.stderr, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.startsWith('# ')) pkg = line.slice(2).trim();
      // Flow explanations ("pos:   flow: ...", "pos:     from ...") are indented; skip them fast.
      else if (!line.includes(':   ')) diagnostics.add(pkg, line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(diagnostics);
      else reject(new Error(`go build failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding the table
//
// One code per parameter (receiver first for methods):
//   none            does not escape
//   heap            the value itself leaks to the heap (passing &x moves x)
//   content[:N]     only what the value points to leaks, N derefs down (1 when omitted)
//   resultI[:L]     flows to result I, L derefs down (0 when omitted)
//   a+b             several of the above, e.g. content+result0
//   -               the compiler printed nothing: the type holds no pointers (or is uintptr)
//   ...code         the variadic parameter, a slice of the extra arguments

/** The name -m=2 gives a function ("F", "T.M", "(*T).M") is its table key; generics, whose
 * names carry type arguments, are not in the table. */
const compilerName = (fn) => fn.key;

function encodeParam(facts, param, fn) {
  if (!facts) {
    // The compiler never reports on blank or unnamed parameters of a function with a body and
    // tags them as not escaping (escape.(*batch).paramTag): they are unused.
    return param.blank && fn.hasBody ? 'none' : '-';
  }
  if (facts.moved) return 'heap';
  const parts = [];
  if (facts.heap === 0) parts.push('heap');
  else if (facts.heap !== undefined) {
    const derefs = facts.heapDerefs.get(compilerName(fn)) ?? 1;
    parts.push(derefs > 1 ? `content:${derefs}` : 'content');
  }
  for (const { name, level } of facts.results) {
    const index = fn.results.indexOf(name);
    if (index < 0) throw new Error(`${fn.key}: unknown result ${name} of ${param.name}`);
    parts.push(level > 0 ? `result${index}:${level}` : `result${index}`);
  }
  return parts.length > 0 ? parts.join('+') : 'none';
}

/**
 * Codes for one function, or undefined when the compiler said nothing about any parameter.
 * `unmatched` collects parameters that visibly hold pointers yet got no report, which means
 * the position matching failed (or the compiler's wording changed).
 */
function encodeFunction(fn, pkg, diagnostics, unmatched) {
  const params = fn.receiver ? [fn.receiver, ...fn.params] : fn.params;
  const facts = params.map((p) => diagnostics.lookup(pkg, p.pos, p.name));
  const codes = params.map((p, i) => encodeParam(facts[i], p, fn));
  params.forEach((p, i) => {
    if (codes[i] === '-' && p.pointers && !p.blank) unmatched.push(`${pkg} ${fn.key} ${p.name} (${p.pos})`);
  });
  if (!facts.some(Boolean)) return undefined;
  if (fn.variadic) codes[codes.length - 1] = `...${codes[codes.length - 1]}`;
  return codes;
}

/** { packages: {pkg: {fn: codes}}, inlineCost: {pkg: {fn: cost}} } for the functions reported on. */
function buildTable(decls, diagnostics, unmatched) {
  const packages = {};
  const inlineCost = {};
  for (const { importPath, funcs } of [...decls].sort((a, b) => compare(a.importPath, b.importPath))) {
    const entries = {};
    const costs = {};
    for (const fn of [...funcs].sort((a, b) => compare(a.key, b.key))) {
      const codes = encodeFunction(fn, importPath, diagnostics, unmatched);
      if (!codes) continue;
      entries[fn.key] = codes;
      const cost = diagnostics.inlineCost(importPath, compilerName(fn));
      if (cost !== undefined) costs[fn.key] = cost;
    }
    if (Object.keys(entries).length > 0) packages[importPath] = entries;
    if (Object.keys(costs).length > 0) inlineCost[importPath] = costs;
  }
  return { packages, inlineCost };
}

const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * JSON with one function per line: small, and a regeneration diffs function by function.
 * `sections` are two-level objects (package, then function) written after the header fields.
 */
function formatTable(header, sections) {
  const fields = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  for (const [name, byPackage] of Object.entries(sections)) {
    const pkgs = Object.entries(byPackage).map(([pkg, fns]) => {
      const lines = Object.entries(fns).map(([fn, value]) => `      ${JSON.stringify(fn)}: ${JSON.stringify(value)}`);
      return `    ${JSON.stringify(pkg)}: {\n${lines.join(',\n')}\n    }`;
    });
    fields.push(`  ${JSON.stringify(name)}: {\n${pkgs.join(',\n')}\n  }`);
  }
  return `{\n${fields.join(',\n')}\n}\n`;
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { out: DEFAULT_OUT, packages: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--packages') args.packages = argv[++i].split(',').filter(Boolean);
    else throw new Error(`unknown argument ${argv[i]}\nusage: node scripts/escape-table.mjs [--packages a,b] [--out FILE]`);
  }
  return args;
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const env = goEnvironment();
  const packages = args.packages ?? publicStdPackages();
  // unsafe's functions are compiler builtins with no code to analyse; it stays in stdPackages.
  const compiled = packages.filter((p) => p !== 'unsafe');
  const decls = declarations(compiled);
  const diagnostics = await compile(compiled, env.goroot);
  const unmatched = [];
  const { packages: table, inlineCost } = buildTable(decls, diagnostics, unmatched);
  if (unmatched.length > 0) {
    console.warn(`${unmatched.length} pointer parameters without a compiler report, e.g.:\n  ${unmatched.slice(0, 10).join('\n  ')}`);
  }
  const header = {
    description: 'Escape tags of exported standard-library functions, from the Go compiler. Regenerate: npm run escape-table',
    goVersion: env.goVersion,
    goos: env.goos,
    goarch: env.goarch,
    cgo: env.cgo,
    command: `GOFLAGS= go build -gcflags=<pkg>=-m=2 ... <pkg>... (${compiled.length} public std packages: go list std without internal/, vendor/, unsafe)`,
    codes: {
      none: 'does not escape',
      heap: 'the value itself leaks to the heap: passing &x moves x to the heap',
      'content[:N]': 'only what the value points to leaks (N derefs down, 1 if omitted): passing &x does not move x',
      'resultI[:L]': 'flows to result I (L derefs down, 0 if omitted): passing &x moves x only if that result escapes',
      'a+b': 'several flows, e.g. content+result0',
      '-': 'the compiler printed nothing: the parameter holds no pointers',
      '...': 'prefix of the variadic parameter (a slice of the extra arguments)',
      receiver: 'methods, keyed (*T).M or T.M, list the receiver first',
    },
    inlineCostNote:
      'functions the compiler can inline, with their cost: a caller that inlines one analyses its body instead of the tag, so a leak through a fresh allocation may stay on the stack (callers inline up to cost 80, or 20 inside very large functions)',
    absent:
      'a function absent from its package is unknown: generic (only instantiations are analysed, unreported), pointer-free parameters only, or unexported',
    // Every package scanned, including those with no entry, so lookups can tell "standard
    // library, not reported" from "not the standard library".
    stdPackages: [...packages].sort(compare),
  };
  writeFileSync(args.out, formatTable(header, { packages: table, inlineCost }));
  const fnCount = Object.values(table).reduce((n, fns) => n + Object.keys(fns).length, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${args.out}: ${Object.keys(table).length} packages, ${fnCount} functions, ${env.goVersion} ${env.goos}/${env.goarch}, ${seconds}s`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
