// The fixture harness, written once: every `test/fixtures/<rule>/*.go` is analysed alone with
// only that rule, findings are matched against its `// want` comments, and `<file>.golden`
// holds the file after applying each finding's first fix.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer } from '../../server/src/core/analyzer';
import { findRule } from '../../server/src/rules';
import type { Finding } from '../../server/src/rules/types';
import { parseWants, type Want } from './wants';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

export interface FixtureCase {
  rule: string;
  file: string;
  path: string;
  golden?: string;
}

export function fixtureCases(): FixtureCase[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(FIXTURES_DIR, d.name))
        .filter((f) => f.endsWith('.go'))
        .sort()
        .map((file) => {
          const path = join(FIXTURES_DIR, d.name, file);
          return { rule: d.name, file, path, golden: existsSync(`${path}.golden`) ? `${path}.golden` : undefined };
        }),
    );
}

export async function analyzeFixture(analyzer: Analyzer, c: FixtureCase, text = readFileSync(c.path, 'utf8')): Promise<Finding[]> {
  const rule = findRule(c.rule);
  if (!rule) throw new Error(`fixture folder ${c.rule} names no registered rule`);
  const { findings, failures } = analyzer.analyzeText(c.path, text, { rules: [rule] });
  if (failures.length > 0) throw failures[0].error;
  return findings;
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

export { parseWants };
