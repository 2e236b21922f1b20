// The analysis core: one file's text and tree in, findings out. Front ends (LSP, CLI) call only
// this. A rule that throws is reported once and the others still run.
import type { Tree } from 'web-tree-sitter';
import { FileFacts } from '../facts/fileFacts';
import { isSuppressed } from '../facts/suppressions';
import { PackageIndex } from '../index/packageIndex';
import { RULES } from '../rules';
import type { Finding, Rule } from '../rules/types';
import { DEFAULT_SETTINGS, effectiveSeverity, type Settings } from './settings';

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
  for (const rule of options.rules ?? RULES) {
    const severity = effectiveSeverity(settings, rule.id, rule.defaultSeverity);
    if (!severity) continue;
    try {
      for (const f of rule.check(file, pkg, { escapeInterfaces: settings.escapeInterfaces ?? false })) {
        if (isSuppressed(file.suppressions, f.rule, f.range.start.line)) continue;
        // A user's severity replaces the default; a rule's own downgrade (e.g. in tests) is kept.
        findings.push({ ...f, severity: f.severity === rule.defaultSeverity ? severity : f.severity });
      }
    } catch (err) {
      failures.push({ rule: rule.id, path: file.path, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { findings, failures };
}
