// The `goleash` command: `lint` for CI and terminals, `rules` to list what it checks, `lsp` to
// serve editors. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/I-O error,
// 3 internal error.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { availableParallelism, homedir } from 'node:os';
import { AnalysisError } from '../core/packageAnalysis';
import { ConfigError, type FailOnLevel } from '../core/config';
import { parseRuleSettings, type Settings } from '../core/settings';
import { RULES } from '../rules';
import { SEVERITIES } from '../rules/types';
import { VERSION } from '../version';
import { baselineFilter, BaselineError, writeBaseline } from './baseline';
import { GitError } from './changedLines';
import { filterReport, findingFilters } from './filter';
import { runFix } from './fix';
import { defaultCacheDir, ResultCache } from './cache';
import { allFindings, lintFiles, type LintReport, type RunOptions } from './lint';
import { progressWanted } from './progress';
import { parseShard, ShardError, type Shard } from './shard';
import { runConfig, type RunConfig } from './configure';
import { collectFormat, FORMATS, OutputError, planOutputs, writeOutputs, type OutputSpec } from './output';
import { expandPaths, PathError, withoutGenerated } from './walk';

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

class UsageError extends Error {}

const FAIL_ON = [...SEVERITIES, 'info', 'none'] as const;

interface LintOptions {
  format?: OutputSpec[];
  output?: string;
  config?: string;
  failOn?: FailOnLevel;
  rule: string[];
  escapeInterfaces?: boolean;
  reportUnusedIgnores?: boolean;
  /** false from --no-tests, 'true' | 'false' from --tests=BOOL. */
  tests?: boolean | string;
  includeGenerated?: boolean;
  fix?: boolean;
  diff?: boolean;
  baseline?: string;
  writeBaseline?: string;
  newFromRev?: string;
  jobs: number;
  shard?: Shard;
  /** A directory, or false for --no-cache; undefined means the default directory. */
  cache?: string | false;
  progress?: boolean;
}

/** Does any finding reach the --fail-on level? */
function failsAt(report: LintReport, failOn: FailOnLevel): boolean {
  if (failOn === 'none') return false;
  const threshold = SEVERITIES.indexOf(failOn === 'info' ? 'information' : failOn);
  return allFindings(report).some(({ finding }) => SEVERITIES.indexOf(finding.severity) <= threshold);
}

/** `--rule id=severity` pairs into rule settings; a bad pair is a usage error. */
function ruleSettings(pairs: string[]) {
  const raw: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const id = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq <= 0 || !value) throw new UsageError(`--rule ${pair}: expected RULE=SEVERITY (e.g. for-select-no-done=error or =off)`);
    raw[id] = value;
  }
  const { settings, problems } = parseRuleSettings(raw, '--rule');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return settings;
}

/** How the run is carried out (jobs, shard, cache, progress bar): never what it reports. */
function runOptions(options: LintOptions): RunOptions {
  const warn = (message: string) => process.stderr.write(`goleash: ${message}\n`);
  const cache = options.cache === false ? undefined : ResultCache.open(options.cache ?? defaultCacheDir(), warn);
  const progress = progressWanted(options.progress, process.stderr) ? process.stderr : undefined;
  return { jobs: options.jobs, shard: options.shard, cache, progress };
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function shardArgument(value: string): Shard {
  try {
    return parseShard(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof ShardError ? 'expected I/N with 1 <= I <= N (e.g. 2/4)' : String(err));
  }
}

/** The command line's own settings, laid over each directory's configuration file. */
function commandLineSettings(options: LintOptions): Partial<Settings> {
  return {
    rules: ruleSettings(options.rule).rules,
    ...(options.escapeInterfaces ? { escapeInterfaces: true } : {}),
    ...(options.reportUnusedIgnores ? { reportUnusedIgnores: true } : {}),
  };
}

/** The files to lint: the walk, less excluded files, `_test.go` files if asked, generated files unless asked. */
function selectFiles(paths: string[], options: LintOptions, config: RunConfig): string[] {
  const tests = options.tests !== false && options.tests !== 'false';
  const walked = expandPaths(paths, { tests }).filter((f) => !config.isExcluded(f));
  if (options.includeGenerated) return walked;
  const { kept, generated } = withoutGenerated(walked);
  if (generated.length > 0) process.stderr.write(`goleash: left out ${generated.length} generated file(s); --include-generated lints them\n`);
  return kept;
}

async function lint(paths: string[], options: LintOptions): Promise<number> {
  const outputs = planOutputs(options.format, options.output);
  const config = runConfig({ config: options.config, failOn: options.failOn, overrides: commandLineSettings(options) });
  const settings = config.settingsFor;
  const files = selectFiles(paths, options, config);
  const filters = findingFilters(options, files);
  const run = runOptions(options);
  const raw = await lintFiles(files, settings, undefined, run);
  if (options.writeBaseline) {
    const recorded = writeBaseline(options.writeBaseline, raw);
    process.stderr.write(`goleash: recorded ${recorded.size} finding${recorded.size === 1 ? "" : "s"} in ${options.writeBaseline}\n`);
    filters.push(baselineFilter(options.writeBaseline, recorded));
  }
  let report = filterReport(raw, filters);
  for (const s of report.skipped) process.stderr.write(`goleash: skipped ${s.path}: ${s.reason}\n`);
  for (const f of report.failures) process.stderr.write(`goleash: internal error: rule ${f.rule} failed on ${f.path}: ${f.message}\n`);
  const fixed = options.fix || options.diff ? await runFix(report, async (p, texts) => filterReport(await lintFiles(p, settings, texts, { ...run, progress: undefined }), filters), options.diff ? 'diff' : 'write') : undefined;
  for (const note of fixed?.notes ?? []) process.stderr.write(`goleash: ${note}\n`);
  if (options.diff) {
    // Like `ruff --diff` and `black --diff --check`: exit 1 when there is something to fix.
    process.stdout.write(fixed!.diff);
    return fixed!.diff ? EXIT.findings : EXIT.clean;
  }
  report = fixed?.report ?? report;
  writeOutputs(report, outputs);
  if (fixed?.writeFailed) return EXIT.usage;
  // A rule that threw leaves the report incomplete: the findings are out, but the run is not clean.
  if (report.failures.length > 0) return EXIT.internal;
  return failsAt(report, config.failOn) ? EXIT.findings : EXIT.clean;
}

function listRules(): number {
  const width = Math.max(...RULES.map((r) => r.id.length));
  for (const r of RULES) process.stdout.write(`${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(11)}  ${r.title}\n`);
  return EXIT.clean;
}

async function serve(options: { nodeIpc?: boolean }): Promise<number> {
  const { startServer, connectionFor } = await import('../lsp/server');
  startServer(connectionFor(options.nodeIpc ? 'node-ipc' : 'stdio'));
  return new Promise<number>(() => {}); // runs until the client disconnects
}

/** `~/.cache/goleash` rather than the full path, for the help text. */
function displayHome(path: string): string {
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('goleash')
    .description('Finds goroutine leaks and heap escapes in Go source, without compiling it.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('lint')
    .description('analyse Go files: a file, a directory, or dir/... for the whole tree')
    .argument('[paths...]', 'files, directories or dir/... patterns', [])
    .option('-f, --format <format[=file]>', `report format: ${FORMATS.join('|')} (default text); repeatable, each with its own =FILE`, collectFormat)
    .option('-o, --output <file>', 'write the report (the --format without =FILE) to this file, atomically, instead of stdout')
    .option('--config <file>', 'use this configuration file for every path (default: the nearest goleash.json or .goleash.json)')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level (default: warning, or failOn from the config)').choices(FAIL_ON))
    .option('--rule <rule=severity>', 'set a rule to error|warning|information|hint|off (repeatable; wins over the config)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--escape-interfaces', 'heap-escape: also report values converted to interfaces (fmt arguments and the like)')
    .option('--report-unused-ignores', 'report suppression comments that silence nothing (rule unused-ignore)')
    .addOption(new Option('--tests <bool>', 'include _test.go files (default true)').choices(['true', 'false']))
    .option('--no-tests', 'leave out _test.go files (same as --tests=false)')
    .option('--include-generated', 'also lint generated files (// Code generated ... DO NOT EDIT.)')
    .option('--fix', "apply each finding's preferred fix (each file written atomically), then report what is left")
    .addOption(new Option('--diff', 'print the unified diff --fix would apply instead of the report (exit 1 when not empty)').conflicts('fix'))
    .option('--baseline <file>', 'do not report the findings recorded in this baseline file')
    .addOption(new Option('--write-baseline <file>', "record this run's findings in a baseline file, then report against it").conflicts(['fix', 'diff']))
    .option('--new-from-rev <rev>', 'report only findings on lines changed since this git revision (untracked files count as new)')
    .option('-j, --jobs <n>', 'packages analysed at once, on worker threads (1: in this thread)', positiveInteger, availableParallelism())
    .option('--shard <i/n>', 'lint only shard I of N of the packages (stable, by package path; for CI matrices)', shardArgument)
    .option('--cache <dir>', `reuse results of unchanged packages from this directory (default ${displayHome(defaultCacheDir())})`)
    .option('--no-cache', 'analyse every package, reading and writing no cache')
    .option('--progress', 'draw a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never draw the progress bar')
    .action(async (paths: string[], options: LintOptions) => setExit(await lint(paths, options)));
  program
    .command('rules')
    .description('list the rules with their default severity')
    .action(() => setExit(listRules()));
  program
    .command('lsp')
    .description('run the language server (for editors)')
    .option('--stdio', 'talk LSP over stdin/stdout (the default)')
    .option('--node-ipc', 'talk LSP over Node IPC (when started by VS Code)')
    .option('--clientProcessId <pid>', 'the editor process; the server exits when it does')
    .action(async (options: { nodeIpc?: boolean }) => setExit(await serve(options)));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.clean : EXIT.usage;
    if (err instanceof AnalysisError) {
      process.stderr.write(`goleash: internal error while analysing ${err.path}: ${err.detail}\n`);
      return EXIT.internal;
    }
    if (err instanceof UsageError || err instanceof PathError || err instanceof BaselineError || err instanceof GitError || err instanceof ConfigError || err instanceof OutputError) {
      for (const line of err.message.split('\n')) process.stderr.write(`goleash: ${line}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`goleash: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.internal;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
