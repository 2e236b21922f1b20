// Hover on a flagged range: what the finding means, in the rule's own words (its `docs`), with
// its bad/good example and a link to the rule's section of the README. All of it comes from the
// rule registry, so the hover, `goleash rules` and the README say the same thing.
import type { Hover, MarkupContent, Position, Range } from 'vscode-languageserver';
import { UNUSED_IGNORE } from '../core/unusedSuppressions';
import { findRule, ruleUrl } from '../rules';
import type { Finding } from '../rules/types';

interface RuleText {
  title: string;
  docs: string;
  example?: { bad: string; good: string };
}

/** The hover for the findings whose range holds `position`, or null when there is none. */
export function hoverAt(findings: readonly Finding[], position: Position, markdown: boolean): Hover | null {
  const here = findings.filter((f) => contains(f.range, position));
  if (here.length === 0) return null;
  const explained = new Set<string>();
  const sections = here.map((f) => {
    // One explanation per rule: two findings of a rule on one spot differ only in their messages.
    const first = !explained.has(f.rule);
    explained.add(f.rule);
    return markdown ? markdownSection(f, first) : plainSection(f, first);
  });
  const contents: MarkupContent = { kind: markdown ? 'markdown' : 'plaintext', value: sections.join(markdown ? '\n\n---\n\n' : '\n\n') };
  return { contents, range: here[0].range };
}

function ruleText(id: string): RuleText | undefined {
  if (id === UNUSED_IGNORE.id) return UNUSED_IGNORE;
  return findRule(id);
}

function markdownSection(f: Finding, explain: boolean): string {
  const rule = ruleText(f.rule);
  const lines = [`**goleash: \`${f.rule}\`** · [documentation](${ruleUrl(f.rule)})`, '', escapeMarkdown(f.message)];
  if (explain && rule) {
    lines.push('', rule.docs);
    if (rule.example) lines.push('', 'Bad:', '```go', rule.example.bad, '```', '', 'Good:', '```go', rule.example.good, '```');
  }
  return lines.join('\n');
}

function plainSection(f: Finding, explain: boolean): string {
  const rule = ruleText(f.rule);
  const lines = [`goleash: ${f.rule} (${ruleUrl(f.rule)})`, f.message];
  if (explain && rule) {
    lines.push('', rule.docs.replace(/`/g, ''));
    if (rule.example) lines.push('', 'Bad:', rule.example.bad, '', 'Good:', rule.example.good);
  }
  return lines.join('\n');
}

/** Messages quote Go (`(*Watcher).loop`, `a[i]`): keep markdown from reading it as emphasis or links. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]<>]/g, (c) => `\\${c}`);
}

function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}
