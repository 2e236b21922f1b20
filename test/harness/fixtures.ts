// The fixture harness, written once. Under `test/fixtures/<rule>/`, each `.go` file is a package
// of its own and each subdirectory is a multi-file package. Every file is analysed with only
// that rule, with its package in view; findings are matched against the file's `// want`
// comments, and `<file>.golden` holds the file after applying each finding's first fix.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeFile } from '../../server/src/core/analyze';
import { goFilesOf, groupPackages, parseFacts } from '../../server/src/core/packages';
import { findRule } from '../../server/src/rules';
import type { Finding } from '../../server/src/rules/types';
import { parseWants, type Want } from './wants';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export interface FixtureFile {
  path: string;
  golden?: string;
}

export interface FixturePackage {
  rule: string;
  /** The file or directory name under the rule's folder. */
  name: string;
  files: FixtureFile[];
}

function fixtureFile(path: string): FixtureFile {
  return { path, golden: existsSync(`${path}.golden`) ? `${path}.golden` : undefined };
}

export function fixturePackages(): FixturePackage[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const ruleDir = join(FIXTURES_DIR, d.name);
      return readdirSync(ruleDir)
        .sort()
        .flatMap((name): FixturePackage[] => {
          const path = join(ruleDir, name);
          if (statSync(path).isDirectory()) return [{ rule: d.name, name, files: goFilesOf(path).map(fixtureFile) }];
          return name.endsWith('.go') ? [{ rule: d.name, name, files: [fixtureFile(path)] }] : [];
        });
    });
}

export function allFixtureFiles(): (FixtureFile & { rule: string })[] {
  return fixturePackages().flatMap((p) => p.files.map((f) => ({ ...f, rule: p.rule })));
}

/** Findings per file of a fixture package, analysed with the fixture's rule only. */
export function analyzePackage(parser: Parser, pkg: FixturePackage, texts = new Map<string, string>()): Map<string, Finding[]> {
  const rule = findRule(pkg.rule);
  if (!rule) throw new Error(`fixture folder ${pkg.rule} names no registered rule`);
  const facts = pkg.files.map((f) => parseFacts(parser, f.path, texts.get(f.path) ?? readFileSync(f.path, 'utf8')));
  try {
    const packages = groupPackages(facts);
    const out = new Map<string, Finding[]>();
    for (const file of facts) {
      // heap-escape's iface_ fixtures are about interface conversions, reported only on request.
      const settings = { rules: {}, escapeInterfaces: /(^|\/)iface_[^/]*\.go$/.test(file.path) };
      const { findings, failures } = analyzeFile(file, packages.get(file)!, { rules: [rule], settings });
      if (failures.length > 0) throw failures[0].error;
      out.set(file.path, findings);
    }
    return out;
  } finally {
    for (const f of facts) f.tree.delete();
  }
}

export interface Mismatch {
  unexpected: string[];
  missing: string[];
}

/** Every finding must meet a want on its line, and every want a finding. */
export function compareWants(findings: Finding[], wants: Want[]): Mismatch {
  const unmatched = [...wants];
  const unexpected: string[] = [];
  for (const f of findings) {
    const i = unmatched.findIndex((w) => w.line === f.range.start.line && w.rule === f.rule && w.message.test(f.message));
    if (i >= 0) unmatched.splice(i, 1);
    else unexpected.push(`line ${f.range.start.line + 1}: ${f.rule}: ${f.message}`);
  }
  return { unexpected, missing: unmatched.map((w) => `line ${w.line + 1}: want "${w.source}"`) };
}

/** The text after applying each finding's first fix (the one a golden file records). */
export function applyFirstFixes(text: string, findings: Finding[]): string {
  const doc = TextDocument.create('file:///fixture.go', 'go', 0, text);
  const edits = findings.flatMap((f) => f.fixes[0]?.edits ?? []);
  return TextDocument.applyEdits(doc, edits);
}

export function displayName(path: string): string {
  return relative(FIXTURES_DIR, path);
}

export { parseWants };
