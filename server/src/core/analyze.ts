// The analysis core: one file's text and tree in, findings out. Front ends (LSP, CLI) call only
// this. A rule that throws is reported once and the others still run.
import type { Tree } from 'web-tree-sitter';
import { DEFAULT_BUDGET_MS, withBudget } from '../facts/budget';
import { FileFacts } from '../facts/fileFacts';
import { suppressionsCovering } from '../facts/suppressions';
import { PackageIndex } from '../index/packageIndex';
import { RULES } from '../rules';
import type { Finding, Rule } from '../rules/types';
import { DEFAULT_SETTINGS, effectiveSeverity, type Settings } from './settings';
import { unusedSuppressions, type SuppressionUse } from './unusedSuppressions';

export interface RuleFailure {
  rule: string;
  path: string;
  error: Error;
}

export interface FileAnalysis {
  findings: Finding[];
  failures: RuleFailure[];
}

export interface AnalyzeOptions {
  settings?: Settings;
  rules?: readonly Rule[];
  /** Milliseconds each rule may spend on the file before it is aborted (facts/budget.ts); Infinity: no limit. */
  budgetMs?: number;
}

/** Analyses one file alone, as a package of its own. */
export function analyzeTree(path: string, text: string, tree: Tree, options: AnalyzeOptions = {}): FileAnalysis {
  const file = new FileFacts(path, text, tree);
  return analyzeFile(file, PackageIndex.of(file), options);
}

/** Analyses one file of a package; `pkg` must include `file`. */
export function analyzeFile(file: FileFacts, pkg: PackageIndex, options: AnalyzeOptions = {}): FileAnalysis {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  const used: SuppressionUse = new Map();
  const ran = new Set<string>();
  for (const rule of options.rules ?? RULES) {
    const severity = effectiveSeverity(settings, rule.id, rule.defaultSeverity);
    if (!severity) continue;
    try {
      // The rule's long loops check the budget (facts/budget.ts); running out throws BudgetExceeded, a failure like any other.
      const found = withBudget(options.budgetMs ?? DEFAULT_BUDGET_MS, () => rule.check(file, pkg, { escapeInterfaces: settings.escapeInterfaces ?? false }));
      for (const f of found) {
        if (silence(file, f, used)) continue;
        // A user's severity replaces the default; a rule's own downgrade (e.g. in tests) is kept.
        findings.push({ ...f, severity: f.severity === rule.defaultSeverity ? severity : f.severity });
      }
      ran.add(rule.id);
    } catch (err) {
      failures.push({ rule: rule.id, path: file.path, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  if (settings.reportUnusedIgnores) findings.push(...unusedSuppressions(file, used, { ran, anyFailed: failures.length > 0 }));
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { findings, failures };
}

/** Is the finding silenced by a suppression comment? Notes which comments silenced which rule. */
function silence(file: FileFacts, f: Finding, used: SuppressionUse): boolean {
  const by = suppressionsCovering(file.suppressions, f.rule, f.range.start.line);
  for (const s of by) {
    const rules = used.get(s) ?? new Set<string>();
    used.set(s, rules.add(f.rule));
  }
  return by.length > 0;
}
