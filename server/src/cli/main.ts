// The `goleash` command: `lint` for CI and terminals, `rules` to list what it checks, `lsp` to
// serve editors. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/I-O error,
// 3 internal error.
import { Command, CommanderError, Option } from 'commander';
import { parseRuleSettings } from '../core/settings';
import { RULES } from '../rules';
import { SEVERITIES } from '../rules/types';
import { VERSION } from '../version';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import { allFindings, lintFiles, type LintReport } from './lint';
import { expandPaths, PathError } from './walk';

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

class UsageError extends Error {}

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = [...SEVERITIES, 'info', 'none'] as const;

interface LintOptions {
  format: Format;
  failOn: (typeof FAIL_ON)[number];
  rule: string[];
  escapeInterfaces?: boolean;
}

function render(report: LintReport, format: Format): string {
  if (format === 'json') return formatJson(report, VERSION);
  if (format === 'sarif') return formatSarif(report, VERSION);
  return formatText(report);
}

/** Does any finding reach the --fail-on level? */
function failsAt(report: LintReport, failOn: LintOptions['failOn']): boolean {
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

async function lint(paths: string[], options: LintOptions): Promise<number> {
  const settings = { ...ruleSettings(options.rule), escapeInterfaces: options.escapeInterfaces === true };
  const files = expandPaths(paths);
  const report = await lintFiles(files, settings);
  for (const s of report.skipped) process.stderr.write(`goleash: skipped ${s.path}: ${s.reason}\n`);
  for (const f of report.failures) process.stderr.write(`goleash: rule ${f.rule} failed on ${f.path}: ${f.message}\n`);
  process.stdout.write(render(report, options.format));
  return failsAt(report, options.failOn) ? EXIT.findings : EXIT.clean;
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
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level').choices(FAIL_ON).default('warning'))
    .option('--rule <rule=severity>', 'set a rule to error|warning|information|hint|off (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--escape-interfaces', 'heap-escape: also report values converted to interfaces (fmt arguments and the like)')
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
    if (err instanceof UsageError || err instanceof PathError) {
      process.stderr.write(`goleash: ${err.message}\n`);
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
