#!/usr/bin/env node
// `npm run oracle`: how well goleash's heap-escape rule predicts the Go compiler's escape
// analysis. The compiler is the oracle: `go build -gcflags='-m -l'` (inlining off, the target
// the rule follows) and `-gcflags=-m` (the default build, beside it) report, for every package,
// the variables moved to the heap and every allocation site that escapes or does not. goleash
// runs on exactly the files the compiler compiled, and the two reports are compared line by line
// (scripts/lib/escapeScore.mjs) for three kinds of message (scripts/lib/gcOutput.mjs):
//   moved  `moved to heap: x`                        precision and recall
//   alloc  `&T{...}`, new, make, slice/map literals,  accuracy over the compiler's sites, beside
//          func literals, escaping or not             the "everything escapes" baseline; escaping
//                                                     precision and recall
//   iface  interface conversions and the rest         precision and recall
//
// Package sets, each scored on its own:
//   fixtures  test/fixtures/heap-escape/*.go, each file a package of its own.
//   tune      half of the real libraries below (Debian's Go sources and the standard library),
//   heldout   the other half, chosen by a hash of the import path: tune the heuristic on one half
//             and check it on the other, so the figures do not flatter it.
//
// `--update-fixtures` instead writes test/fixtures/heap-escape/gc-output.json, the compiler's
// `-m -l` messages for each fixture file, so tests can check the fixtures without a Go toolchain.
//
// Usage: node scripts/oracle.mjs [--set fixtures,tune,heldout] [--no-cache] [--json FILE]
//                                [--list-misses N] [--update-fixtures]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt as buildIfStale } from './lib/build.mjs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isClaim, scoreEscapes } from './lib/escapeScore.mjs';
import { classify } from './lib/gcOutput.mjs';
import { compileFile, compilePackage, DEFAULT_FLAGS, goVersion, listPackages, TARGET_FLAGS } from './lib/goToolchain.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli.js');
const FIXTURES = join(REPO, 'test', 'fixtures', 'heap-escape');
const GC_OUTPUT = join(FIXTURES, 'gc-output.json');
const CACHE = join(REPO, 'test', 'corpus', 'out', 'oracle');
const GOPATH = '/usr/share/gocode';
const FLAGS = [TARGET_FLAGS, DEFAULT_FLAGS];
const SETS = ['fixtures', 'tune', 'heldout'];

// Library packages from Debian's Go sources (GOPATH layout under /usr/share/gocode/src; installed
// by `npm run corpus`), chosen to cover RPC and HTTP stacks, encoders and parsers, databases,
// messaging and logging. Each builds with the machine's Go in GOPATH mode; one that does not is
// skipped with a note. Changing this list changes both halves: say so when reporting figures.
const DEBIAN_PACKAGES = [
  'github.com/hashicorp/yamux',
  'github.com/hashicorp/memberlist',
  'github.com/hashicorp/raft',
  'github.com/hashicorp/serf/serf',
  'github.com/hashicorp/go-memdb',
  'github.com/hashicorp/go-immutable-radix',
  'github.com/hashicorp/golang-lru',
  'github.com/hashicorp/hcl/hcl/parser',
  'github.com/hashicorp/go-msgpack/codec',
  'github.com/hashicorp/go-plugin',
  'github.com/hashicorp/go-hclog',
  'google.golang.org/grpc',
  'google.golang.org/grpc/internal/transport',
  'google.golang.org/protobuf/encoding/protojson',
  'golang.org/x/net/http2',
  'golang.org/x/net/http2/hpack',
  'golang.org/x/net/html',
  'golang.org/x/net/trace',
  'golang.org/x/text/unicode/norm',
  'golang.org/x/crypto/ssh',
  'github.com/prometheus/client_golang/prometheus',
  'github.com/prometheus/common/expfmt',
  'github.com/prometheus/procfs',
  'gopkg.in/yaml.v2',
  'gopkg.in/yaml.v3',
  'github.com/gorilla/websocket',
  'github.com/gorilla/mux',
  'github.com/miekg/dns',
  'github.com/json-iterator/go',
  'github.com/BurntSushi/toml',
  'github.com/pelletier/go-toml',
  'github.com/spf13/cobra',
  'github.com/spf13/pflag',
  'github.com/sirupsen/logrus',
  'github.com/golang/protobuf/proto',
  'github.com/valyala/fasthttp',
  'github.com/go-sql-driver/mysql',
  'github.com/lib/pq',
  'github.com/klauspost/compress/zstd',
  'github.com/syndtr/goleveldb/leveldb',
  'go.etcd.io/bbolt',
  'go.uber.org/zap',
  'github.com/Shopify/sarama',
  'github.com/segmentio/kafka-go',
  'github.com/rabbitmq/amqp091-go',
  'github.com/gocql/gocql',
  'github.com/nats-io/nats.go',
  'github.com/gin-gonic/gin',
];

// More of the tune half, added after the held-out half was fixed: packages whose import path
// hashes to `tune` (see halfOf), so the held-out set and its figures are unchanged by them.
// They widen what the heuristic is tuned on; halfOf still decides, so a path that hashed to
// held-out here would be dropped, never measured.
const MORE_TUNE_PACKAGES = [
  'github.com/jackc/pgx/v4', 'github.com/jackc/pgconn', 'github.com/pion/sctp', 'github.com/pion/dtls/v2',
  'github.com/nats-io/nats-server/v2/server', 'github.com/lucas-clemente/quic-go', 'github.com/minio/minio-go/v7',
  'github.com/hashicorp/go-retryablehttp', 'github.com/RoaringBitmap/roaring', 'github.com/pierrec/lz4',
  'github.com/chzyer/readline', 'github.com/olekukonko/tablewriter', 'github.com/magiconair/properties',
  'github.com/godbus/dbus', 'github.com/cilium/ebpf', 'github.com/openzipkin/zipkin-go',
  'github.com/opentracing/opentracing-go', 'github.com/armon/go-metrics', 'github.com/google/go-cmp/cmp',
  'github.com/davecgh/go-spew/spew', 'github.com/kr/pretty',
  'net', 'os', 'io', 'sort', 'path/filepath', 'encoding/hex', 'encoding/pem', 'encoding/asn1', 'crypto/x509',
  'net/mail', 'go/ast', 'go/types', 'flag', 'image/gif', 'go/build', 'mime', 'encoding/gob', 'runtime/pprof', 'expvar',
  'github.com/rs/zerolog', 'github.com/russross/blackfriday/v2', 'github.com/samuel/go-zookeeper/zk',
  'github.com/shopspring/decimal', 'github.com/sourcegraph/jsonrpc2', 'github.com/spf13/afero', 'github.com/spf13/cast',
  'github.com/tinylib/msgp/msgp', 'github.com/urfave/cli', 'github.com/xdg-go/scram', 'github.com/yuin/goldmark/parser',
  'go.etcd.io/etcd/raft/v3', 'golang.org/x/net/websocket', 'golang.org/x/net/ipv4', 'golang.org/x/net/dns/dnsmessage',
  'golang.org/x/sync/errgroup', 'golang.org/x/tools/go/ast/astutil', 'golang.org/x/text/language', 'github.com/go-kit/kit/log',
  'github.com/go-playground/validator/v10', 'github.com/tidwall/pretty', 'github.com/sasha-s/go-deadlock',
  'text/scanner', 'go/doc/comment', 'syscall', 'unicode/utf8', 'runtime/trace', 'internal/trace',
  'net/http/httptest', 'net/http/pprof', 'net/http/fcgi', 'net/http/cgi', 'log/syslog', 'math/rand/v2', 'crypto/ecdh',
  'index/suffixarray', 'context', 'os/signal', 'os/user', 'debug/pe', 'go/constant', 'runtime/debug',
];

// Standard library packages: always present where Go is, and the code Go programmers read most.
const STD_PACKAGES = [
  'bufio', 'bytes', 'strings', 'strconv', 'fmt',
  'encoding/json', 'encoding/xml', 'encoding/csv', 'encoding/base64', 'encoding/binary',
  'net/http', 'net/url', 'net/textproto', 'mime/multipart',
  'text/template', 'text/template/parse', 'html/template',
  'go/parser', 'go/scanner', 'go/printer',
  'compress/flate', 'compress/gzip', 'archive/tar', 'archive/zip',
  'regexp', 'regexp/syntax', 'image/png', 'crypto/tls', 'database/sql', 'math/big', 'log/slog', 'os/exec',
];

// goleash with only heap-escape on, plus --escape-interfaces (when this build has it) so that
// interface conversions are reported and the iface kind is measured.
const GOLEASH_ARGS = [
  // Generated files are compiled, so they are measured too; the result cache is bypassed so a
  // figure is always this build's own analysis.
  'lint', '--format', 'json', '--fail-on', 'none', '--include-generated', '--no-cache',
  '--rule', 'for-select-no-done=off', '--rule', 'unclosed-channel=off', '--rule', 'unbounded-goroutine=off',
  '--rule', 'blocked-send=off', '--rule', 'heap-escape=hint',
];
const INTERFACES_FLAG = '--escape-interfaces';

function parseArgs(argv) {
  const program = new Command('oracle')
    .description('measure goleash heap-escape against the Go compiler (go build -gcflags=-m)')
    .addOption(new Option('--set <names>', 'comma-separated sets to measure').default(SETS, SETS.join(',')).argParser(parseSets))
    .option('--no-cache', `recompute the compiler output instead of reading ${relativeToRepo(CACHE)}/`)
    .option('--json <file>', 'also write the figures (and package lists) as JSON')
    .addOption(new Option('--list-misses <n>', 'print up to N false negatives and N false positives per kind and set (-m -l)').argParser(Number).default(0))
    .option('--update-fixtures', `write ${relativeToRepo(GC_OUTPUT)} from the compiler and stop`)
    .showHelpAfterError();
  program.parse(argv);
  return program.opts();
}

function parseSets(value) {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!SETS.includes(n)) throw new InvalidArgumentError(`unknown set ${n} (one of ${SETS.join(', ')})`);
  return names;
}

function relativeToRepo(p) {
  return p.startsWith(`${REPO}/`) ? p.slice(REPO.length + 1) : p;
}

function fail(message) {
  console.error(`oracle: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Package sets

/** @typedef {{ id: string, files: string[], listed?: import('./lib/goToolchain.mjs').ListedPackage }} Pkg */

function fixtureFiles() {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES).filter((n) => n.endsWith('.go')).sort().map((n) => join(FIXTURES, n));
}

/** The half a library package belongs to, fixed by its import path alone. */
function halfOf(importPath) {
  return createHash('sha256').update(importPath).digest()[0] % 2 === 0 ? 'tune' : 'heldout';
}

/** The listed library packages of the wanted halves that `go list` can resolve here. */
function libraryPackages(wanted) {
  const haveDebian = existsSync(join(GOPATH, 'src'));
  if (!haveDebian && wanted.length > 0) {
    console.log(`note: no Debian Go sources in ${GOPATH}/src (npm run corpus installs them); measuring the standard library only`);
  }
  const more = MORE_TUNE_PACKAGES.filter((p) => haveDebian || !p.includes('.'));
  const paths = [...(haveDebian ? DEBIAN_PACKAGES : []), ...STD_PACKAGES, ...more].filter((p) => wanted.includes(halfOf(p)));
  const bySet = { tune: [], heldout: [] };
  for (const listed of listPackages(paths, GOPATH)) {
    if (listed.error) console.log(`skip ${listed.importPath}: ${firstLine(listed.error)}`);
    else bySet[halfOf(listed.importPath)].push({ id: listed.importPath, files: listed.goFiles, listed });
  }
  return bySet;
}

function firstLine(text) {
  return text.split('\n').find((l) => l.trim() && !l.startsWith('#'))?.trim() ?? text.trim();
}

// ---------------------------------------------------------------------------------------------
// Compiler output, cached per package, flags and Go version

const stats = { cacheHits: 0, compiled: 0 };

/** Changes when a file of the package is added, removed or modified (Debian upgrades). */
function sourceStamp(files) {
  const h = createHash('sha256');
  for (const f of files) {
    const s = statSync(f);
    h.update(`${f} ${s.size} ${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** test/corpus/out/oracle/go1.26.8/m-l/github.com/hashicorp/yamux.json for `-m -l`. */
function cachePath(version, flags, importPath) {
  const flagsDir = flags.split(/\s+/).map((f) => f.replace(/^-+/, '')).join('-');
  return join(CACHE, version, flagsDir, `${importPath}.json`);
}

/** The compiler's messages for a library package, from the cache when it is up to date. */
function libraryMessages(pkg, flags, version, useCache) {
  const file = cachePath(version, flags, pkg.id);
  const stamp = sourceStamp(pkg.files);
  if (useCache && existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    if (cached.sourceStamp === stamp) {
      stats.cacheHits++;
      return { ok: true, messages: cached.messages };
    }
  }
  stats.compiled++;
  const result = compilePackage(pkg.listed, flags, GOPATH);
  if (result.ok) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ importPath: pkg.id, goVersion: version, flags, sourceStamp: stamp, messages: result.messages })}\n`);
  }
  return result;
}

/** Fixtures change as they are written, and compile in a blink: never cached. */
function fixtureMessages(pkg, flags) {
  stats.compiled++;
  return compileFile(pkg.files[0], flags);
}

/**
 * Compiles every package of a set with every flag set. A package the compiler rejects is dropped
 * from the set (goleash does not see it either).
 * @returns {{ packages: Pkg[], messages: Record<string, import('./lib/gcOutput.mjs').GcMessage[]> }}
 */
function compileSet(setName, packages, version, useCache) {
  const messages = Object.fromEntries(FLAGS.map((f) => [f, []]));
  const kept = [];
  for (const pkg of packages) {
    const results = FLAGS.map((flags) => (setName === 'fixtures' ? fixtureMessages(pkg, flags) : libraryMessages(pkg, flags, version, useCache)));
    const failed = results.find((r) => !r.ok);
    if (failed) {
      console.log(`skip ${pkg.id}: does not compile: ${firstLine(failed.error)}`);
      continue;
    }
    kept.push(pkg);
    FLAGS.forEach((flags, i) => messages[flags].push(...results[i].messages));
  }
  return { packages: kept, messages };
}

// ---------------------------------------------------------------------------------------------
// goleash

function ensureBuilt() {
  if (!buildIfStale()) fail('npm run build failed');
}

/** What the built CLI is and can do. */
function goleashVersion() {
  const version = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).stdout.trim();
  const rules = spawnSync(process.execPath, [CLI, 'rules'], { encoding: 'utf8' }).stdout;
  const lintHelp = spawnSync(process.execPath, [CLI, 'lint', '--help'], { encoding: 'utf8' }).stdout;
  const head = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['-C', REPO, 'status', '--porcelain', '--', 'server'], { encoding: 'utf8' }).stdout.trim() !== '';
  return {
    version,
    source: `commit ${head || '?'}${dirty ? ' + uncommitted changes in server/' : ''}`,
    hasRule: rules.split('\n').some((l) => l.split(/\s+/)[0] === 'heap-escape'),
    hasInterfacesFlag: lintHelp.includes(INTERFACES_FLAG),
  };
}

const FILES_PER_RUN = 300; // keeps the command line well under the system's limit
/** How the CLI refuses an option or rule it does not know (usage error, exit 2). */
const REJECTED_OPTION = /unknown option|escape-interfaces|heap-escape/;

/**
 * goleash's heap-escape findings on the files, as { file, line, column, message } with absolute
 * paths. When the CLI rejects the heap-escape options (an older build), warns once and returns
 * no findings, so the oracle still runs end to end.
 */
function goleashFindings(files, state) {
  const findings = [];
  const args = state.interfaces ? [...GOLEASH_ARGS, INTERFACES_FLAG] : GOLEASH_ARGS;
  for (let i = 0; i < files.length && !state.rejected; i += FILES_PER_RUN) {
    const chunk = files.slice(i, i + FILES_PER_RUN);
    const r = spawnSync(process.execPath, ['--max-old-space-size=4096', CLI, ...args, ...chunk], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    if (r.status === 2 && REJECTED_OPTION.test(r.stderr)) {
      state.rejected = firstLine(r.stderr);
      console.log(`\nWARNING: goleash rejected the heap-escape options (${state.rejected}).\n` +
        '         goleash findings are treated as empty: precision is undefined and recall 0.\n');
      return [];
    }
    if (r.status !== 0) fail(`goleash exited with ${r.status}:\n${r.stderr}`);
    const report = JSON.parse(r.stdout);
    state.failures.push(...report.failures);
    for (const f of report.findings) {
      if (f.rule === 'heap-escape') findings.push({ file: resolve(REPO, f.file), line: f.line, column: f.column, message: f.message });
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Measuring a set

function countLines(files) {
  let lines = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  }
  return lines;
}

function measureSet(name, packages, version, opts, goleashState, timing) {
  let t = Date.now();
  const compiled = compileSet(name, packages, version, opts.cache);
  timing.compile += Date.now() - t;
  const files = compiled.packages.flatMap((p) => p.files);
  t = Date.now();
  const findings = goleashFindings(files, goleashState);
  timing.goleash += Date.now() - t;
  const byFlags = Object.fromEntries(FLAGS.map((flags) => [flags, scoreEscapes(compiled.messages[flags], findings)]));
  return {
    name,
    // Findings not worded as the compiler words an escape are not scored; say so, they may be a bug.
    unworded: findings.filter((f) => !isClaim(classify(f.message))),
    packages: compiled.packages.map((p) => p.id),
    files: files.length,
    lines: countLines(files),
    goleashFindings: findings.length,
    byFlags,
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmt = (n) => n.toLocaleString('en-US');
const oneLine = (text) => text.replace(/\s*\n\s*/g, ' ');
const pct = (r) => (r === null ? '-' : `${(100 * r).toFixed(1)}%`);

/** Prints rows (arrays of strings) as aligned columns; all but the first right-aligned. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i > 0 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(`  ${line(header)}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

function printSizes(results) {
  console.log('');
  printTable(
    ['set', 'packages', 'files', 'lines', 'goleash findings'],
    results.map((r) => [r.name, fmt(r.packages.length), fmt(r.files), fmt(r.lines), fmt(r.goleashFindings)]),
  );
}

function printFigures(results, flags) {
  const label = flags === TARGET_FLAGS ? 'the target: inlining off' : 'default build, for comparison';
  console.log(`\n== -gcflags='${flags}' (${label})`);
  console.log('moved to heap');
  printTable(
    ['set', 'compiler', 'goleash', 'matched', 'precision', 'recall'],
    results.map(({ name, byFlags }) => {
      const { tally, figures } = byFlags[flags];
      return [name, fmt(tally.moved.compiler), fmt(tally.moved.goleash), fmt(tally.moved.matched), pct(figures.moved.precision), pct(figures.moved.recall)];
    }),
  );
  console.log('allocation sites (&T{}, new, make, slice and map literals, func literals, append)');
  printTable(
    ['set', 'sites', 'escaping', 'goleash', 'accuracy', 'all-escape accuracy', 'precision', 'recall'],
    results.map(({ name, byFlags }) => {
      const { tally: { alloc: a }, figures: { alloc: f } } = byFlags[flags];
      return [name, fmt(a.sites), fmt(a.escaping), fmt(a.goleash), pct(f.accuracy), pct(f.everythingEscapesAccuracy), pct(f.precision), pct(f.recall)];
    }),
  );
  console.log('interface conversions and other expressions that escape');
  printTable(
    ['set', 'escaping', 'not escaping', 'goleash', 'matched', 'precision', 'recall'],
    results.map(({ name, byFlags }) => {
      const { tally: { iface: i }, figures: { iface: f } } = byFlags[flags];
      return [name, fmt(i.compilerEscaping), fmt(i.compilerNotEscaping), fmt(i.goleash), fmt(i.matched), pct(f.precision), pct(f.recall)];
    }),
  );
}

/** A deterministic sample spread over packages: the n with the smallest hash. */
function sample(misses, n) {
  const key = (m) => createHash('sha1').update(`${m.file}:${m.line}:${m.message}`).digest('hex');
  return misses.map((m) => [key(m), m]).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, n).map(([, m]) => m);
}

function sourceLine(file, line) {
  try {
    return readFileSync(file, 'utf8').split('\n')[line - 1]?.trim() ?? '';
  } catch {
    return '';
  }
}

function printMisses(results, n) {
  for (const { name, byFlags } of results) {
    const { misses } = byFlags[TARGET_FLAGS];
    for (const kind of ['moved', 'alloc', 'iface']) {
      for (const [side, label] of [['fn', 'false negatives'], ['fp', 'false positives']]) {
        const all = misses[kind][side];
        if (all.length === 0) continue;
        console.log(`\n${name} ${kind} ${label} (-m -l): ${Math.min(n, all.length)} of ${fmt(all.length)}`);
        for (const m of sample(all, n)) {
          console.log(`  ${m.file}:${m.line}: ${oneLine(m.message)}  [${m.note}]`);
          console.log(`      | ${sourceLine(m.file, m.line)}`);
        }
      }
    }
  }
}

function jsonReport(results, meta) {
  const strip = ({ tally, figures }) => ({ counts: tally, figures });
  return {
    ...meta,
    flags: { target: TARGET_FLAGS, default: DEFAULT_FLAGS },
    sets: Object.fromEntries(
      results.map((r) => [r.name, {
        packages: r.packages,
        files: r.files,
        lines: r.lines,
        goleashFindings: r.goleashFindings,
        goleashUnworded: r.unworded.length,
        byFlags: Object.fromEntries(FLAGS.map((f) => [f, strip(r.byFlags[f])])),
      }]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// --update-fixtures

/** The JSON text with one message a line, so that a change in the compiler's output is a short diff. */
function gcOutputJson(version, files) {
  const entries = Object.keys(files).sort().map((name) => {
    const messages = files[name].map((m) => `      ${JSON.stringify(m)}`).join(',\n');
    return `    ${JSON.stringify(name)}: [${messages ? `\n${messages}\n    ` : ''}]`;
  });
  return `{\n  "goVersion": ${JSON.stringify(version)},\n  "flags": ${JSON.stringify(TARGET_FLAGS)},\n  "files": {\n${entries.join(',\n')}\n  }\n}\n`;
}

/** gc-output.json: the compiler's `-m -l` messages per fixture file, in a stable order. */
function updateFixtures(version) {
  const fixtures = fixtureFiles();
  if (fixtures.length === 0) fail(`no fixture files in ${relativeToRepo(FIXTURES)}; nothing to write`);
  const files = {};
  for (const path of fixtures) {
    const result = compileFile(path, TARGET_FLAGS);
    if (!result.ok) fail(`${relativeToRepo(path)} does not compile:\n${result.error}`);
    files[basename(path)] = result.messages.map(({ line, column, message }) => ({ line, column, message }));
  }
  writeFileSync(GC_OUTPUT, gcOutputJson(version, files));
  const count = Object.values(files).reduce((n, list) => n + list.length, 0);
  console.log(`wrote ${relativeToRepo(GC_OUTPUT)}: ${fmt(count)} messages for ${fixtures.length} files (${version}, -gcflags='${TARGET_FLAGS}')`);
}

// ---------------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv);
  const started = Date.now();
  const version = goVersion();
  if (!version) fail('`go` is not on PATH (or `go env GOVERSION` failed); the compiler is the oracle');
  if (opts.updateFixtures) return updateFixtures(version);

  ensureBuilt();
  const goleash = goleashVersion();
  console.log(`goleash heap-escape oracle: ${version} (GOPATH mode, cgo off, GOPATH=${GOPATH}), goleash ${goleash.version}, ${goleash.source}`);
  if (!goleash.hasRule) console.log('note: this goleash build has no heap-escape rule; expect no findings');
  if (!goleash.hasInterfacesFlag) {
    console.log(`WARNING: this goleash build has no ${INTERFACES_FLAG} option: it reports no interface conversions, so iface recall is 0`);
  }

  const timing = { list: 0, compile: 0, goleash: 0 };
  let t = Date.now();
  const library = libraryPackages(opts.set.filter((s) => s !== 'fixtures'));
  timing.list = Date.now() - t;
  const packagesOf = {
    fixtures: fixtureFiles().map((f) => ({ id: basename(f), files: [f] })),
    tune: library.tune,
    heldout: library.heldout,
  };
  if (opts.set.includes('fixtures') && packagesOf.fixtures.length === 0) console.log(`note: no fixture files in ${relativeToRepo(FIXTURES)}`);

  const goleashState = { interfaces: goleash.hasInterfacesFlag, rejected: undefined, failures: [] };
  const results = opts.set.map((name) => measureSet(name, packagesOf[name], version, opts, goleashState, timing));
  timing.total = Date.now() - started;

  printReport(results, goleashState, timing, opts);
  if (opts.json) {
    const meta = { goVersion: version, goleash, goleashRejected: goleashState.rejected ?? null, elapsedSeconds: timing.total / 1000 };
    writeFileSync(opts.json, `${JSON.stringify(jsonReport(results, meta), null, 2)}\n`);
    console.log(`wrote ${opts.json}`);
  }
}

function printReport(results, goleashState, timing, opts) {
  printSizes(results);
  for (const flags of FLAGS) printFigures(results, flags);
  for (const { name, unworded } of results.filter((r) => r.unworded.length > 0)) {
    console.log(`\nnote: ${name}: ${unworded.length} goleash findings are not worded as an escape, so not scored, e.g.`);
    for (const f of unworded.slice(0, 3)) console.log(`  ${f.file}:${f.line}: ${oneLine(f.message)}`);
  }
  if (goleashState.failures.length > 0) {
    console.log(`\ngoleash rule failures: ${goleashState.failures.length}`);
    for (const f of goleashState.failures.slice(0, 10)) console.log(`  ${f.rule} on ${f.path}: ${f.message}`);
  }
  if (opts.listMisses > 0) printMisses(results, opts.listMisses);
  const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nelapsed ${secs(timing.total)}: go list ${secs(timing.list)}, compiler ${secs(timing.compile)} ` +
    `(${stats.compiled} builds, ${stats.cacheHits} from ${relativeToRepo(CACHE)}/), goleash ${secs(timing.goleash)}`);
  if (goleashState.rejected) console.log(`WARNING: goleash findings were empty: ${goleashState.rejected}`);
}

main();
