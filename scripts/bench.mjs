#!/usr/bin/env node
// `npm run bench`: how fast goleash is on this machine, beside the two things it is measured
// against — tree-sitter parsing alone (the floor: goleash cannot be faster than reading and
// parsing every file) and `go vet` on the same packages.
//
// For each corpus it prints the size (packages, files, lines, MB) and, for each run, the wall
// time, lines per second, peak memory (the process's maximum resident set, worker threads
// included) and the ratios to the parse floor and to go vet:
//   parse only            scripts/lib/parseFloor.mjs: read + parse + free every file, one thread
//   goleash cold / warm   `goleash lint` with an empty result cache, then again with the cache it
//                         filled, with 1 job and with one job per core
//   go vet                with an empty build cache, with a build cache that `go build` of the
//                         same packages filled first, and again (vet's results cached)
// and then the targets: analysis within 1.5x of the parse floor, 10x faster than go vet, a warm
// re-run under 10% of the cold run, peak memory under 500 MB for the standard library.
//
// Corpora (the same packages for every run: those `go list` lists without errors):
//   stdlib   the standard library of the local Go (`go list std` in GOROOT/src); without Go,
//            the source of Debian's golang-1.19-src (/usr/lib/go-1.19/src), walked, no go vet
//   debian   a fixed subset of the Debian Go libraries in /usr/share/gocode/src (DEBIAN below;
//            the whole tree takes a quarter of an hour per run), built in GOPATH mode
// --quick measures a few packages of each, as a smoke test; --corpus NAME=DIR measures DIR/...
// instead (repeatable).
//
// Usage: node scripts/bench.mjs [--quick] [--corpus NAME=DIR]... [--jobs N] [--keep]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, ensureBuilt, REPO } from './lib/build.mjs';
import { goEnv } from './lib/goToolchain.mjs';

const GO = process.env.GO || 'go';
const GOCODE = '/usr/share/gocode';
const DEBIAN_GOROOTS = ['/usr/lib/go-1.19', '/usr/share/go-1.19'];
const FLOOR = join(REPO, 'scripts', 'lib', 'parseFloor.mjs');
const MAX_RSS = join(REPO, 'scripts', 'lib', 'maxRss.cjs');
const TIME = '/usr/bin/time';

// Concurrency-heavy libraries of the leak-rules corpus (test/corpus/README.md), about 200
// packages and 570,000 lines: RPC, HTTP/2, consensus and gossip, messaging, databases, logging.
const DEBIAN = [
  'google.golang.org/grpc/...',
  'golang.org/x/net/...',
  'github.com/hashicorp/raft',
  'github.com/hashicorp/memberlist',
  'github.com/hashicorp/serf/...',
  'github.com/hashicorp/yamux',
  'github.com/nats-io/nats.go/...',
  'github.com/gorilla/websocket',
  'github.com/prometheus/client_golang/...',
  'github.com/Shopify/sarama',
  'github.com/segmentio/kafka-go/...',
  'github.com/go-sql-driver/mysql',
  'github.com/lib/pq',
  'github.com/syndtr/goleveldb/...',
  'go.etcd.io/bbolt',
  'go.uber.org/zap/...',
  'github.com/miekg/dns',
  'github.com/valyala/fasthttp/...',
];
const QUICK = {
  stdlib: ['context', 'sync', 'container/list', 'net/url', 'bufio'],
  debian: ['github.com/hashicorp/yamux', 'github.com/gorilla/websocket'],
};

const TARGETS = { floorRatio: 1.5, vetSpeedup: 10, warmShare: 0.1, stdlibMemoryMB: 500 };

const USAGE = `usage: node scripts/bench.mjs [options]
  --quick            a few packages of each corpus (a smoke test of the benchmark itself)
  --corpus NAME=DIR  measure DIR/... instead of the default corpora (repeatable)
  --jobs N           the "all cores" runs use N jobs (default: ${availableParallelism()}, this machine's cores)
  --keep             keep the temp dir (reports, caches, file lists)
  --help             this text`;

function parseArgs(argv) {
  const opts = { quick: false, corpora: [], jobs: availableParallelism(), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--corpus' || a.startsWith('--corpus=')) {
      const spec = a === '--corpus' ? argv[++i] : a.slice('--corpus='.length);
      const eq = spec?.indexOf('=') ?? -1;
      if (eq <= 0) usage(`--corpus ${spec ?? ''}: expected NAME=DIR`);
      opts.corpora.push({ name: spec.slice(0, eq), dir: resolve(spec.slice(eq + 1)) });
    } else if (a === '--jobs' || a.startsWith('--jobs=')) {
      opts.jobs = Number(a === '--jobs' ? argv[++i] : a.slice('--jobs='.length));
      if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs: expected a whole number of at least 1');
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usage(`unknown argument ${a}`);
  }
  return opts;
}

function usage(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Running and timing

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  return { status: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/**
 * Runs a command to completion and measures its wall time and peak memory: node processes report
 * their own (maxRss.cjs), others are measured by /usr/bin/time when the machine has it.
 */
function timed(label, cmd, args, { env = process.env, cwd = process.cwd(), stdout = 'ignore', node = false } = {}) {
  const rssFile = join(work, `rss-${++timedRuns}`);
  let argv = [cmd, ...args];
  let childEnv = env;
  if (node) childEnv = { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${MAX_RSS}`.trim(), GOLEASH_BENCH_RSS_FILE: rssFile };
  else if (existsSync(TIME)) argv = [TIME, '-f', '%M', '-o', rssFile, cmd, ...args];
  const out = stdout === 'ignore' ? 'ignore' : openSync(stdout, 'w');
  process.stderr.write(`bench: ${label}...\n`);
  const start = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { env: childEnv, cwd, stdio: ['ignore', out, 'pipe'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (typeof out === 'number') closeSync(out);
  const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { seconds, status: r.error ? 127 : r.status, stderr: r.stderr ?? String(r.error ?? ''), rssMB: rssKiB ? rssKiB / 1024 : undefined };
}
let timedRuns = 0;


// ---------------------------------------------------------------------------------------------
// Corpora: which packages, which files

/** `go version` output, or undefined without a usable go. */
function goVersion() {
  const r = run(GO, ['env', 'GOVERSION', 'GOROOT'], { env: goEnv() });
  if (r.status !== 0) return undefined;
  const [version, goroot] = r.stdout.trim().split('\n');
  return { version, goroot };
}

/** The corpora to measure: each `{ name, description, list }`, where list() gives its packages. */
function corporaFor(opts, go) {
  if (opts.corpora.length > 0) {
    return opts.corpora.map(({ name, dir }) => ({
      name,
      description: dir,
      vet: go ? { cwd: dir, env: goEnv(join(work, 'gopath')), patterns: ['./...'] } : undefined,
      roots: [dir],
    }));
  }
  const corpora = [];
  if (go) {
    corpora.push({
      name: 'stdlib',
      description: `Go standard library, ${join(go.goroot, 'src')} (${go.version})`,
      vet: { cwd: join(go.goroot, 'src'), env: goEnv(join(work, 'gopath')), patterns: opts.quick ? QUICK.stdlib : ['std'] },
    });
  } else {
    const debianGoroot = DEBIAN_GOROOTS.find((d) => existsSync(join(d, 'src')));
    if (debianGoroot) corpora.push({ name: 'stdlib', description: `Go standard library, ${debianGoroot}/src (Debian golang-1.19-src; no go to vet it)`, roots: [join(debianGoroot, 'src')] });
    else console.log('stdlib: no Go toolchain and no Debian golang-1.19-src: not measured');
  }
  if (existsSync(join(GOCODE, 'src'))) {
    const patterns = opts.quick ? QUICK.debian : DEBIAN;
    corpora.push({
      name: 'debian',
      description: `Debian Go libraries, ${patterns.length} import paths under ${GOCODE}/src (scripts/bench.mjs DEBIAN)`,
      vet: go ? { cwd: tmpdir(), env: goEnv(GOCODE), patterns } : undefined,
      roots: go ? undefined : patterns.map((p) => join(GOCODE, 'src', p.replace(/\/\.\.\.$/, ''))),
      recursive: patterns.map((p) => p.endsWith('/...')),
    });
  } else console.log(`debian: ${GOCODE}/src is absent (install golang-*-dev packages, see npm run corpus): not measured`);
  return corpora;
}

/** The corpus's packages: from `go list` (errors left out) when it is vetted, else a walk. */
function packagesOf(corpus) {
  if (corpus.vet) {
    const { cwd, env, patterns } = corpus.vet;
    const format = '{{.ImportPath}}\t{{.Dir}}\t{{if or .Error .DepsErrors}}error{{end}}\t{{len .GoFiles}}';
    const r = run(GO, ['list', '-e', '-f', format, ...patterns], { cwd, env });
    const rows = r.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
    const testErrors = packagesWithTestErrors(corpus.vet);
    const ok = rows.filter(([path, dir, error]) => dir && !error && !testErrors.has(path));
    // Packages of test files only (embed/internal/embedtest) are vetted but cannot be built.
    const buildable = ok.map(([, , , goFiles]) => Number(goFiles) > 0);
    return { importPaths: ok.map(([p]) => p), dirs: ok.map(([, dir]) => dir), buildable, leftOut: rows.length - ok.length };
  }
  const dirs = corpus.roots.flatMap((root, i) => (corpus.recursive && !corpus.recursive[i] ? [root] : walkDirs(root)));
  return { importPaths: undefined, dirs: dirs.filter((d) => goFilesOf(d).length > 0), leftOut: 0 };
}

/**
 * Packages whose tests do not type-check here (a test importing a package Debian does not ship):
 * go vet checks test files too and would stop on them, so they are left out of every run.
 */
function packagesWithTestErrors({ cwd, env, patterns }) {
  const r = run(GO, ['list', '-e', '-test', '-f', '{{.ImportPath}}\t{{if or .Error .DepsErrors}}error{{end}}', ...patterns], { cwd, env });
  const broken = new Set();
  for (const [path, error] of r.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'))) {
    // Test variants are listed as `p [p.test]` and `p_test [p.test]`: both belong to p.
    const owner = /\[(.+)\.test\]$/.exec(path)?.[1];
    if (error && owner) broken.add(owner);
  }
  return broken;
}

/** Directories under root the way goleash walks `root/...` (no vendor/, testdata/, ., _; no links). */
function walkDirs(root) {
  const out = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    out.push(dir);
    let entries = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory() && !['vendor', 'testdata', 'node_modules'].includes(e.name) && !/^[._]/.test(e.name)) stack.push(join(dir, e.name));
    }
  }
  return out.sort();
}

/** A directory's .go files as goleash reads them (names starting with . or _ left out). */
function goFilesOf(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.go') && !/^[._]/.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

function sizeOf(files) {
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    bytes += buf.length;
    let n = 0;
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
    lines += n + (buf.length > 0 && buf[buf.length - 1] !== 10 ? 1 : 0);
  }
  return { files: files.length, lines, bytes };
}

// ---------------------------------------------------------------------------------------------
// Measuring one corpus

function measure(corpus, opts, lintFlags) {
  const pkgs = packagesOf(corpus);
  if (pkgs.dirs.length === 0) {
    console.log(`\n${corpus.name}: no packages found; skipped`);
    return undefined;
  }
  const files = pkgs.dirs.flatMap(goFilesOf);
  const size = sizeOf(files);
  const dir = join(work, corpus.name);
  mkdirSync(dir, { recursive: true });
  const list = join(dir, 'files.txt');
  writeFileSync(list, `${files.join('\n')}\n`);

  const rows = [];
  const notes = [];
  const floor = timed(`${corpus.name}: parse only`, process.execPath, [FLOOR, list], { node: true });
  check(floor, 'parse floor');
  rows.push({ label: 'parse only (the floor)', ...floor });

  const jobCounts = [...new Set([1, opts.jobs])];
  const reports = [];
  for (const jobs of jobCounts) {
    const cache = join(dir, `cache-${jobs}`);
    for (const temperature of ['cold', 'warm']) {
      const out = join(dir, `report-${jobs}-${temperature}.json`);
      const args = [CLI, 'lint', '--format', 'json', '--fail-on', 'none', '--no-progress', '--jobs', String(jobs), '--cache', cache, ...lintFlags, ...pkgs.dirs];
      const r = timed(`${corpus.name}: goleash ${temperature}, ${plural(jobs, 'job')}`, process.execPath, args, { node: true, stdout: out });
      check(r, 'goleash lint');
      rows.push({ label: `goleash ${temperature}, ${plural(jobs, 'job')}`, temperature, jobs, ...r });
      reports.push(readFileSync(out, 'utf8'));
    }
  }
  const identical = reports.every((r) => r === reports[0]);

  if (corpus.vet) rows.push(...vetRuns(corpus, pkgs, dir, notes));
  const result = { corpus, pkgs, size, rows, identical, notes };
  print(result, opts);
  return result;
}

/**
 * go vet three ways: with an empty build cache (a CI job without a cache); with a build cache
 * that `go build` of the same packages filled first (a CI job that builds, then vets: the one the
 * "10x faster" target is checked against first); and again (vet's own results cached).
 */
function vetRuns(corpus, pkgs, dir, notes) {
  const args = vetArguments(pkgs, corpus.vet.cwd);
  const vet = (label, temperature, gocache) => {
    const env = { ...corpus.vet.env, GOCACHE: gocache };
    const r = timed(`${corpus.name}: ${label}`, GO, ['vet', ...args], { env, cwd: corpus.vet.cwd });
    // go vet exits 1 when it reports something (a finished run), and also when a package does
    // not type-check or build (a measurement to doubt): only that is worth a note.
    const broken = r.status !== 0 && (r.status !== 1 || /cannot find package|could not import|no Go files|build constraints exclude/.test(r.stderr));
    if (broken) notes.push(`${label}: exit ${r.status}; stderr begins: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
    return { label, temperature, vet: true, ...r };
  };
  const empty = vet('go vet, empty build cache', 'empty', join(dir, 'gocache-empty'));
  const built = join(dir, 'gocache-built');
  process.stderr.write(`bench: ${corpus.name}: go build (not timed: fills the build cache for the next go vet)...\n`);
  const build = run(GO, ['build', ...args.filter((_, i) => pkgs.buildable[i])], { env: { ...corpus.vet.env, GOCACHE: built }, cwd: corpus.vet.cwd });
  if (build.status !== 0) notes.push(`go build exited ${build.status}: ${build.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
  return [empty, vet('go vet, dependencies built', 'cold', built), vet('go vet, warm (results cached)', 'warm', built)];
}

/** Import paths, except GOPATH mode's `_/abs/dir` for a directory outside GOPATH: `./dir` works there. */
function vetArguments(pkgs, cwd) {
  return pkgs.importPaths.map((p, i) => (p.startsWith('_/') ? `./${relative(cwd, pkgs.dirs[i])}` : p));
}

function check(r, what) {
  if (r.status !== 0) {
    console.error(`bench: ${what} failed (exit ${r.status}):\n${r.stderr.trim()}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const pad = (s, n) => String(s).padStart(n);

function print({ corpus, pkgs, size, rows, identical, notes }) {
  const floor = rows[0];
  const vet = (temperature) => rows.find((r) => r.vet && r.temperature === temperature);
  console.log(`\n${corpus.name}: ${corpus.description}`);
  console.log(`  ${plural(pkgs.dirs.length, 'package')}${pkgs.leftOut ? ` (${pkgs.leftOut} that go list reports errors for left out)` : ''}, ${fmt(size.files)} files, ${fmt(size.lines)} lines, ${fmt(size.bytes / 1e6, 1)} MB`);
  console.log(`  ${'run'.padEnd(30)}${pad('time', 10)}${pad('lines/s', 12)}${pad('peak memory', 13)}${pad('vs parse', 10)}${pad('go vet / this', 15)}`);
  for (const r of rows) {
    const vetRow = !r.vet && r.temperature ? vet(r.temperature) : undefined;
    const cells = [
      r.label.padEnd(30),
      pad(`${fmt(r.seconds, 2)} s`, 10),
      pad(fmt(size.lines / r.seconds), 12),
      pad(r.rssMB === undefined ? 'n/a' : `${fmt(r.rssMB)} MB`, 13),
      pad(`${fmt(r.seconds / floor.seconds, 2)}x`, 10),
      pad(vetRow ? `${fmt(vetRow.seconds / r.seconds, 2)}x` : '', 15),
    ];
    console.log(`  ${cells.join('')}`);
  }
  if (!vet('cold')) console.log('  go vet: not run (no Go toolchain for this corpus)');
  for (const note of notes) console.log(`  note: ${note}`);
  console.log(`  reports of the goleash runs: ${identical ? 'identical' : 'DIFFERENT (a bug: jobs and the cache must not change the report)'}`);
  printTargets(corpus, rows);
}

function printTargets(corpus, rows) {
  const floor = rows[0];
  const lint = (temperature, jobs) => rows.find((r) => r.temperature === temperature && r.jobs === jobs && !r.vet);
  const maxJobs = Math.max(...rows.filter((r) => r.jobs).map((r) => r.jobs));
  const cold1 = lint('cold', 1);
  const coldN = lint('cold', maxJobs);
  const warmN = lint('warm', maxJobs);
  const vetCold = rows.find((r) => r.vet && r.temperature === 'cold');
  const vetEmpty = rows.find((r) => r.vet && r.temperature === 'empty');
  const line = (what, value, met) => console.log(`  target: ${what.padEnd(72)} ${value.padStart(9)}  ${met === undefined ? 'n/a' : met ? 'met' : 'NOT met'}`);
  const floorRatio = cold1.seconds / floor.seconds;
  line(`full analysis within ${TARGETS.floorRatio}x of the parse floor (cold, 1 job)`, `${fmt(floorRatio, 2)}x`, floorRatio <= TARGETS.floorRatio);
  for (const [vetRow, how] of [[vetCold, 'dependencies built'], [vetEmpty, 'empty build cache']]) {
    const speedup = vetRow ? vetRow.seconds / coldN.seconds : undefined;
    line(`>= ${TARGETS.vetSpeedup}x faster than go vet (cold, ${plural(maxJobs, 'job')}; vet: ${how})`, speedup === undefined ? 'no go vet' : `${fmt(speedup, 2)}x`, speedup === undefined ? undefined : speedup >= TARGETS.vetSpeedup);
  }
  const share = warmN.seconds / coldN.seconds;
  line(`warm re-run under ${TARGETS.warmShare * 100}% of the cold run (${plural(maxJobs, 'job')})`, `${fmt(share * 100, 1)}%`, share < TARGETS.warmShare);
  const peak = Math.max(...rows.filter((r) => r.jobs).map((r) => r.rssMB ?? 0));
  const applies = corpus.name === 'stdlib' ? '' : ' (set for the standard library)';
  line(`peak memory under ${TARGETS.stdlibMemoryMB} MB, any goleash run${applies}`, `${fmt(peak)} MB`, peak < TARGETS.stdlibMemoryMB);
}

function machine(go) {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return [
    `machine: ${cpu}, ${plural(availableParallelism(), 'core')}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM; node ${process.version}; ${go ? go.version : 'no go'}`,
    `goleash: ${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version} (${CLI})`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

const opts = parseArgs(process.argv.slice(2));
if (!ensureBuilt()) {
  console.error('bench: npm run build failed');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'goleash-bench-'));
try {
  const go = goVersion();
  console.log(machine(go));
  // Measure exactly the files the floor parses: generated files too, when this goleash skips them by default.
  const help = run(process.execPath, [CLI, 'lint', '--help']).stdout;
  const lintFlags = help.includes('--include-generated') ? ['--include-generated'] : [];
  const results = corporaFor(opts, go).map((c) => measure(c, opts, lintFlags)).filter(Boolean);
  if (results.some((r) => !r.identical)) process.exitCode = 1;
  if (results.length === 0) process.exitCode = 1;
} finally {
  if (opts.keep) console.log(`\nkept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
