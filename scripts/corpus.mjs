#!/usr/bin/env node
// `npm run corpus`: goleash on real Go code. Debian ships Go libraries as source (`golang-*-dev`
// packages install under /usr/share/gocode/src), so installing a few dozen concurrency-heavy ones
// brings in millions of lines of real, maintained library code with their dependencies. This
// script installs them (when it can), lints the whole tree with the built CLI, and prints the
// corpus size, the run time and the findings of each rule per million lines.
//
// The findings are reviewed by hand in test/corpus/review-<rule>.md (see test/corpus/README.md);
// `--rule ID` lists one rule's findings for that review.
//
// Usage: node scripts/corpus.mjs [--no-install] [--goroot] [--rule ID] [--reuse]
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt as buildIfStale } from './lib/build.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli.js');
const OUT = join(REPO, 'test', 'corpus', 'out');
const GOCODE = '/usr/share/gocode/src';

// Debian bookworm packages of Go libraries that start goroutines, run loops over channels and
// tickers, and shut them down (or forget to): RPC stacks, multiplexers, clustering and consensus,
// message brokers, database drivers, servers. Their dependencies come along and are measured too.
// Keep test/corpus/README.md's list in step with this one.
const PACKAGES = [
  // RPC, multiplexing, web sockets, QUIC/WebRTC
  'golang-google-grpc-dev',
  'golang-github-grpc-ecosystem-grpc-gateway-dev',
  'golang-github-containerd-ttrpc-dev',
  'golang-github-hashicorp-yamux-dev',
  'golang-github-hashicorp-go-plugin-dev',
  'golang-github-soheilhy-cmux-dev',
  'golang-github-sourcegraph-jsonrpc2-dev',
  'golang-github-gorilla-websocket-dev',
  'golang-nhooyr-websocket-dev',
  'golang-golang-x-net-dev',
  'golang-github-valyala-fasthttp-dev',
  'golang-github-lucas-clemente-quic-go-dev',
  'golang-github-pion-webrtc.v3-dev',
  'golang-github-miekg-dns-dev',
  'golang-github-caddyserver-certmagic-dev',
  // Clustering, consensus, coordination
  'golang-github-hashicorp-memberlist-dev',
  'golang-github-hashicorp-serf-dev',
  'golang-github-hashicorp-raft-dev',
  'golang-github-hashicorp-raft-boltdb-dev',
  'golang-github-hashicorp-go-memdb-dev',
  'golang-etcd-server-dev',
  'golang-github-samuel-go-zookeeper-dev',
  // Messaging
  'golang-github-nats-io-go-nats-dev',
  'golang-github-nats-io-nats-server-dev',
  'golang-github-shopify-sarama-dev',
  'golang-github-segmentio-kafka-go-dev',
  'golang-github-rabbitmq-amqp091-go-dev',
  'golang-github-eclipse-paho.mqtt.golang-dev',
  // Databases, drivers, caches
  'golang-github-gocql-gocql-dev',
  'golang-mongodb-mongo-driver-dev',
  'golang-github-jackc-pgx-v4-dev',
  'golang-github-jackc-puddle-dev',
  'golang-github-lib-pq-dev',
  'golang-github-go-sql-driver-mysql-dev',
  'golang-github-dgraph-io-badger-dev',
  'golang-github-dgraph-io-ristretto-dev',
  'golang-github-golang-groupcache-dev',
  'golang-github-influxdb-influxdb-dev',
  'golang-github-minio-minio-go-v7-dev',
  // Containers, sync, files
  'golang-github-docker-docker-dev',
  'golang-github-docker-distribution-dev',
  'golang-github-containerd-containerd-dev',
  'golang-github-syncthing-syncthing-dev',
  'golang-github-fsnotify-fsnotify-dev',
  'golang-github-klauspost-pgzip-dev',
  // Metrics and tracing (background flushers and reporters)
  'golang-github-prometheus-client-golang-dev',
  'golang-github-armon-go-metrics-dev',
  'golang-opentelemetry-otel-dev',
  'golang-go.opencensus-dev',
  'golang-github-go-kit-kit-dev',
];

const USAGE = `usage: node scripts/corpus.mjs [options]
  --no-install  do not apt-get install missing packages; measure what is in ${GOCODE}
  --goroot      also lint the standard library (GOROOT/src of the machine's go)
  --rule ID     after the table, list rule ID's findings as file:line: message (non-test first)
  --reuse       do not install or lint: report on the last run in test/corpus/out/
  --help        this text`;

function parseArgs(argv) {
  const opts = { install: true, goroot: false, rule: undefined, reuse: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-install') opts.install = false;
    else if (a === '--goroot') opts.goroot = true;
    else if (a === '--reuse') opts.reuse = true;
    else if (a === '--rule' && argv[i + 1]) opts.rule = argv[++i];
    else if (a.startsWith('--rule=')) opts.rule = a.slice('--rule='.length);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`corpus: unknown argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  return opts;
}

/** Runs a command to completion; never throws (a missing program is status 127). */
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  return { status: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function fail(message) {
  console.error(`corpus: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Debian packages

/** Which of the packages dpkg has installed. Unknown names are simply not installed. */
function installedPackages(names) {
  const r = run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names]);
  const installed = new Set();
  for (const line of r.stdout.split('\n')) {
    const [name, status] = line.split(' ');
    if (status === 'ii') installed.add(name);
  }
  return installed;
}

/** Does apt know a version of the package it could install? */
function hasCandidate(name) {
  const m = /Candidate:\s*(\S+)/.exec(run('apt-cache', ['policy', name]).stdout);
  return m !== null && m[1] !== '(none)';
}

/**
 * Installs the listed packages that are missing, when allowed and possible. Never fatal: a machine
 * without network or without root still measures what is already there.
 * Returns a status per package: installed | installed now | not available | not installed.
 */
function ensurePackages(opts) {
  const status = new Map();
  if (run('dpkg-query', ['--version']).status !== 0) {
    console.log('packages: dpkg-query not found (not Debian?); measuring what is in the corpus directory');
    for (const p of PACKAGES) status.set(p, 'unknown');
    return status;
  }
  const before = installedPackages(PACKAGES);
  const missing = PACKAGES.filter((p) => !before.has(p));
  for (const p of PACKAGES) status.set(p, before.has(p) ? 'installed' : 'not installed');
  if (missing.length === 0) console.log(`packages: all ${PACKAGES.length} listed packages are installed`);
  if (missing.length === 0 || !opts.install) {
    if (missing.length > 0) console.log(`packages: not installing; ${missing.length} listed packages are missing: ${missing.join(' ')}`);
    return status;
  }
  if (process.getuid?.() !== 0) {
    console.log(`packages: ${missing.length} missing and not root, so not installing. As root:\n  apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    return status;
  }
  mkdirSync(OUT, { recursive: true });
  const log = join(OUT, 'apt.log');
  let available = missing.filter(hasCandidate);
  if (available.length < missing.length) {
    // Package lists may be absent or stale (a fresh machine): refresh once, then ask again.
    console.log('packages: some are unknown to apt; running apt-get update');
    runLogged('apt-get', ['update'], log);
    available = missing.filter(hasCandidate);
  }
  const unavailable = missing.filter((p) => !available.includes(p));
  for (const p of unavailable) status.set(p, 'not available');
  if (unavailable.length > 0) console.log(`packages: not available from apt: ${unavailable.join(' ')}`);
  if (available.length === 0) return status;
  console.log(`packages: installing ${available.length} (log: ${log}):\n  ${available.join('\n  ')}`);
  const r = runLogged('apt-get', ['install', '-y', '--no-install-recommends', ...available], log);
  if (r.status !== 0) {
    const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-5).join('\n  ');
    console.log(`packages: apt-get install failed (exit ${r.status}); measuring what is installed. Last lines of ${log}:\n  ${tail}`);
  }
  const after = installedPackages(available);
  for (const p of available) status.set(p, after.has(p) ? 'installed now' : 'not installed');
  return status;
}

/** Runs an apt command non-interactively with its output appended to log. */
function runLogged(cmd, args, log) {
  const fd = openSync(log, 'a');
  try {
    return run(cmd, args, { stdio: ['ignore', fd, fd], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } finally {
    closeSync(fd);
  }
}

/** The files a package installed, as absolute paths. */
function packageFiles(name) {
  return run('dpkg-query', ['-L', name]).stdout.split('\n').filter((l) => l.endsWith('.go'));
}

// ---------------------------------------------------------------------------------------------
// goleash: build when stale, run, list rules

function ensureBuilt() {
  if (!buildIfStale()) fail('npm run build failed');
}

/**
 * Which source the run measured: the commit, and whether server/ had uncommitted changes (the
 * build is of the work tree), so a review can name what it reviewed.
 */
function sourceVersion() {
  const head = run('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']).stdout.trim() || 'no git';
  const dirty = run('git', ['-C', REPO, 'status', '--porcelain', '--', 'server']).stdout.trim() !== '';
  return `commit ${head}${dirty ? ' + uncommitted changes in server/' : ''}`;
}

/** Rule ids the CLI knows, so rules without findings still get a row. */
function ruleIds() {
  const r = run(process.execPath, [CLI, 'rules']);
  return r.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean);
}

/**
 * Lints `dir/...` with the JSON format into reportFile (stderr into a side file). The report holds
 * every file's text until the end, so the heap limit is raised above Node's default.
 */
function lint(dir, reportFile) {
  const stderrFile = reportFile.replace(/\.json$/, '.stderr.txt');
  const out = openSync(reportFile, 'w');
  const err = openSync(stderrFile, 'w');
  const started = process.hrtime.bigint();
  // --no-cache: the wall time is the analysis's, not a warm cache's.
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', CLI, 'lint', '--format', 'json', '--no-cache', `${dir}/...`], {
    cwd: REPO,
    stdio: ['ignore', out, err],
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(out);
  closeSync(err);
  // 0 = clean, 1 = findings: both are a completed run. 2 (usage/I-O) and 3 (internal) are not.
  if (r.status !== 0 && r.status !== 1) {
    const tail = readFileSync(stderrFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    fail(`goleash exited ${r.status ?? r.signal} on ${dir}/...; stderr (${stderrFile}):\n${tail}`);
  }
  return { wallSeconds, exitCode: r.status };
}

// ---------------------------------------------------------------------------------------------
// Census: the same files goleash's walker lints (see server/src/cli/walk.ts): .go files not
// starting with . or _, in directories other than vendor/, testdata/, node_modules/ and those
// starting with . or _, without following symbolic links.

const SKIPPED_DIRS = new Set(['vendor', 'testdata', 'node_modules']);
const skippedName = (name) => name.startsWith('.') || name.startsWith('_');

function walkGoFiles(root) {
  const files = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (skippedName(e.name)) continue;
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) stack.push(join(dir, e.name));
      else if (e.isFile() && e.name.endsWith('.go')) files.push(join(dir, e.name));
    }
  }
  return files;
}

function countLines(buf) {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

// Go's convention for generated files (go.dev/s/generatedcode), looked for in the file's header,
// before the package clause. Generated code (API stubs, protobuf) is a large share of the corpus,
// so rates are also given per hand-written line.
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

function isGenerated(buf) {
  const head = buf.subarray(0, 16384).toString('latin1');
  const pkg = /^package /m.exec(head);
  return GENERATED.test(pkg ? head.slice(0, pkg.index) : head);
}

/** Per file: lines, bytes, test or not, generated or not. Keyed by absolute path. */
function census(root) {
  const files = new Map();
  for (const path of walkGoFiles(root)) {
    const buf = readFileSync(path);
    files.set(resolve(path), { lines: countLines(buf), bytes: buf.length, test: path.endsWith('_test.go'), generated: isGenerated(buf) });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Summaries and tables

function sizeOf(files) {
  const s = { files: 0, lines: 0, bytes: 0, nonTestFiles: 0, nonTestLines: 0, generatedLines: 0, testLines: 0 };
  for (const f of files) {
    s.files++;
    s.lines += f.lines;
    s.bytes += f.bytes;
    if (f.test) s.testLines += f.lines;
    else {
      s.nonTestFiles++;
      s.nonTestLines += f.lines;
      if (f.generated) s.generatedLines += f.lines;
    }
  }
  return s;
}

const fmt = (n) => n.toLocaleString('en-US');
const perMillion = (count, lines) => (lines > 0 ? ((count * 1e6) / lines).toFixed(2) : '-');

/** Prints rows (arrays of strings) as aligned columns; numbers are right-aligned. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-\d.,%]*$/.test(String(r[i]))));
  const line = (r) => r.map((c, i) => (numeric[i] && i > 0 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(line(header).trimEnd());
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r).trimEnd());
}

function printSize(label, root, size, skipped) {
  console.log(`\n${label}: ${root}`);
  console.log(`  files     ${fmt(size.files)} .go files, ${(size.bytes / 1e6).toFixed(1)} MB, ${fmt(size.lines)} lines`);
  console.log(`  non-test  ${fmt(size.nonTestLines)} lines in ${fmt(size.nonTestFiles)} files (${fmt(size.generatedLines)} generated, ${fmt(size.nonTestLines - size.generatedLines)} hand-written)`);
  console.log(`  test      ${fmt(size.testLines)} lines in ${fmt(size.files - size.nonTestFiles)} _test.go files`);
  if (skipped.length > 0) console.log(`  skipped by goleash: ${skipped.length} files (${[...new Set(skipped.map((s) => s.reason))].join('; ')}), not counted above`);
}

/** Findings of the report split by rule into non-test (and how many of those in generated files) and test. */
function countByRule(report, files, rules) {
  const byRule = new Map(rules.map((r) => [r, { nonTest: 0, generated: 0, test: 0 }]));
  for (const f of report.findings) {
    if (!byRule.has(f.rule)) byRule.set(f.rule, { nonTest: 0, generated: 0, test: 0 });
    const c = byRule.get(f.rule);
    const info = files.get(resolve(REPO, f.file));
    if (f.file.endsWith('_test.go')) c.test++;
    else {
      c.nonTest++;
      if (info?.generated) c.generated++;
    }
  }
  return byRule;
}

function printRuleTable(byRule, size) {
  const handWritten = size.nonTestLines - size.generatedLines;
  const rows = [...byRule].map(([rule, c]) => [
    rule,
    fmt(c.nonTest),
    fmt(c.generated),
    fmt(c.test),
    perMillion(c.nonTest, size.nonTestLines),
    perMillion(c.nonTest - c.generated, handWritten),
  ]);
  console.log('');
  printTable(['rule', 'non-test', 'in generated', 'test', 'per M non-test lines', 'per M hand-written lines'], rows);
}

function printFailures(report) {
  if (report.failures.length === 0) return;
  console.log(`\nrule failures (a rule threw; the file's other rules still ran): ${report.failures.length}`);
  for (const f of report.failures.slice(0, 10)) console.log(`  ${f.rule} on ${f.path}: ${f.message}`);
  if (report.failures.length > 10) console.log(`  ... ${report.failures.length - 10} more in the JSON report`);
}

/** Files, non-test lines and non-test findings per listed Debian package; the rest are its dependencies. */
function printPackageTable(status, files, report) {
  const findingsIn = new Map();
  for (const f of report.findings) if (!f.file.endsWith('_test.go')) findingsIn.set(resolve(REPO, f.file), (findingsIn.get(resolve(REPO, f.file)) ?? 0) + 1);
  const claimed = new Set();
  const rows = [];
  for (const [name, state] of status) {
    const own = packageFiles(name).filter((p) => files.has(p) && !claimed.has(p));
    for (const p of own) claimed.add(p);
    const nonTest = own.filter((p) => !files.get(p).test);
    const lines = nonTest.reduce((n, p) => n + files.get(p).lines, 0);
    const found = nonTest.reduce((n, p) => n + (findingsIn.get(p) ?? 0), 0);
    rows.push([name, state, fmt(own.length), fmt(lines), fmt(found)]);
  }
  const rest = [...files.keys()].filter((p) => !claimed.has(p));
  const restNonTest = rest.filter((p) => !files.get(p).test);
  rows.push([
    '(dependencies and others)',
    '',
    fmt(rest.length),
    fmt(restNonTest.reduce((n, p) => n + files.get(p).lines, 0)),
    fmt(restNonTest.reduce((n, p) => n + (findingsIn.get(p) ?? 0), 0)),
  ]);
  console.log('');
  printTable(['Debian package', 'status', 'files', 'non-test lines', 'non-test findings'], rows);
}

/** One rule's findings as file:line: message, non-test first, for the review files. */
function printRuleFindings(report, rule) {
  const mine = report.findings.filter((f) => f.rule === rule);
  const order = (a, b) => a.file.localeCompare(b.file) || a.line - b.line;
  const nonTest = mine.filter((f) => !f.file.endsWith('_test.go')).sort(order);
  const test = mine.filter((f) => f.file.endsWith('_test.go')).sort(order);
  console.log(`\n${rule}: ${nonTest.length} non-test findings`);
  for (const f of nonTest) console.log(`${f.file}:${f.line}: ${f.message}`);
  console.log(`\n${rule}: ${test.length} test findings`);
  for (const f of test) console.log(`${f.file}:${f.line}: ${f.message}`);
}

// ---------------------------------------------------------------------------------------------

/** Lints one tree (or reads the last run's report with --reuse) and prints its size and rule table. */
function measure(label, root, reportName, opts) {
  const reportFile = join(OUT, `${reportName}.json`);
  const metaFile = join(OUT, `${reportName}.run.json`);
  let meta;
  if (opts.reuse) {
    if (!existsSync(reportFile) || !existsSync(metaFile)) fail(`--reuse: no earlier run in ${OUT}; run without --reuse first`);
    meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  } else {
    console.log(`\nlinting ${root}/... (several minutes for millions of lines)`);
    const source = sourceVersion(); // before the run: the build is of the tree as it was then
    meta = { root, ...lint(root, reportFile), date: new Date().toISOString(), source };
    writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const files = census(root);
  // Files goleash skipped (too large, binary) were not analysed: leave them out of the counts.
  for (const s of report.skipped) files.delete(resolve(REPO, s.path));
  const size = sizeOf(files.values());
  printSize(label, root, size, report.skipped);
  console.log(`  run       ${meta.wallSeconds.toFixed(1)} s wall, ${fmt(Math.round(size.lines / meta.wallSeconds))} lines/s, ${fmt(report.filesAnalyzed)} files analysed, ${meta.date}`);
  console.log(`  goleash   ${report.tool.version}, ${meta.source ?? 'source unknown'}`);
  console.log(`  report    ${reportFile}`);
  const byRule = countByRule(report, files, ruleIds());
  printRuleTable(byRule, size);
  printFailures(report);
  return { report, files };
}

function goVersion() {
  const r = run('go', ['version']);
  return r.status === 0 ? r.stdout.trim() : 'go not found';
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`goleash corpus: real Go libraries from Debian\n${goVersion()}`);
  // --reuse installs nothing; the package table still says what is there.
  const status = ensurePackages(opts.reuse ? { install: false } : opts);
  if (!existsSync(GOCODE)) fail(`${GOCODE} does not exist: install some golang-*-dev packages (run as root without --no-install)`);
  mkdirSync(OUT, { recursive: true });
  if (!opts.reuse) ensureBuilt();
  const { report, files } = measure('corpus', GOCODE, 'findings', opts);
  printPackageTable(status, files, report);
  if (opts.rule) printRuleFindings(report, opts.rule);
  if (opts.goroot) measureGoroot(opts);
}

function measureGoroot(opts) {
  const r = run('go', ['env', 'GOROOT']);
  if (r.status !== 0 || !r.stdout.trim()) {
    console.log('\n--goroot: go not found, standard library not measured');
    return;
  }
  const { report } = measure('standard library', join(r.stdout.trim(), 'src'), 'findings-goroot', opts);
  if (opts.rule) printRuleFindings(report, opts.rule);
}

main();
