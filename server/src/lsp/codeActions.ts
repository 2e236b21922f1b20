// Code actions: the quick fixes of the findings a request is about, and `source.fixAll.goleash`,
// every safe fix of the file at once. A diagnostic sent back by the client is matched to a finding
// of the latest analysis by the key in its `data`, so a fix is found (with ranges for the current
// text) even after edits moved it; clients that drop `data` are matched by rule, message and start,
// and failing that by the request's range.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../core/analyze';
import { findingKeys } from '../core/findingKeys';
import { applyFixes, chooseFixes, editsBetween } from '../core/fixAll';
import { parseFacts } from '../core/packages';
import type { Parser } from 'web-tree-sitter';
import type { Finding, TextEdit } from '../rules/types';
import { isDiagnosticData, sameFinding, toCodeActions, toDiagnostic, workspaceEdit } from './convert';
import type { Analysed } from './openFiles';
import { filePath, type PackageCache } from './packages';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.goleash`;
/** Fixes can uncover findings with fixes of their own; real code settles in one or two rounds. */
const MAX_FIX_ROUNDS = 5;

export interface FixAllDeps {
  parser: Parser;
  packages: PackageCache;
}

/** Does a request limited to `only` want actions of `kind`? */
export function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => k === CodeActionKind.Empty || k === kind || kind.startsWith(`${k}.`));
}

/**
 * The quick fixes for the diagnostics the client sent back; when none of them is known (or none
 * was sent), for the findings overlapping the request's range.
 */
export function quickFixes(analysed: Analysed, params: CodeActionParams, versioned: boolean): CodeAction[] {
  if (!wants(params.context?.only, CodeActionKind.QuickFix)) return [];
  const echoed: Diagnostic[] = (params.context?.diagnostics ?? []).filter((d) => d && typeof d === 'object');
  const matched = analysed.findings.map((finding, i) => echoed.find((d) => isDiagnosticData(d.data) && d.data.key === analysed.keys[i] && d.data.rule === finding.rule) ?? echoed.find((d) => hasRange(d) && sameFinding(d, finding)));
  const anyMatched = matched.some((d) => d !== undefined);
  const actions: CodeAction[] = [];
  analysed.findings.forEach((finding, i) => {
    const match = matched[i];
    if (anyMatched ? !match : !overlaps(finding, params)) return;
    // Neovim 0.7 echoes diagnostics without their ranges: an action must still name a whole one.
    const diagnostic = match && hasRange(match) ? match : toDiagnostic(analysed.uri, finding, analysed.keys[i]);
    actions.push(...toCodeActions(analysed.uri, analysed.version, finding, diagnostic, versioned));
  });
  return actions;
}

/** The `source.fixAll.goleash` action for an open document's current text, if it has safe fixes. */
export function fixAllAction(deps: FixAllDeps, analysed: Analysed, text: string, only: readonly string[] | undefined, versioned: boolean): CodeAction | undefined {
  if (!only || !wants(only, FIX_ALL_KIND)) return undefined; // a source action: only when asked for
  const { edits, fixed } = fixAll(deps, analysed, text);
  if (fixed === 0) return undefined;
  return { title: `Fix all goleash problems (${fixed})`, kind: FIX_ALL_KIND, edit: workspaceEdit(analysed.uri, analysed.version, edits, versioned) };
}

/**
 * Applies the preferred fixes of the file in rounds, in memory: a round applies those that do not
 * overlap and keep the file parsing, then the text is analysed again with its package. Returns the
 * edits from `text` to the result and how many fixes went in.
 */
export function fixAll(deps: FixAllDeps, analysed: Analysed, text: string): { edits: TextEdit[]; fixed: number } {
  let current = text;
  let findings: readonly Finding[] = analysed.findings;
  let keys = analysed.keys;
  const attempted = new Set<string>();
  let fixed = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    // A finding that survived its own fix would only get the same edit again.
    const choice = chooseFixes(current, findings, (i) => attempted.has(keys[i]));
    const { text: next, applied } = applyFixes(deps.parser, current, choice);
    if (applied.length === 0) break;
    for (const i of applied) attempted.add(keys[i]);
    fixed += applied.length;
    current = next;
    findings = reanalyse(deps, analysed, current);
    keys = findingKeys(current, findings);
  }
  return { edits: current === text ? [] : editsBetween(text, current), fixed };
}

function reanalyse(deps: FixAllDeps, analysed: Analysed, text: string): Finding[] {
  const facts = parseFacts(deps.parser, filePath(analysed.uri) ?? analysed.uri, text);
  try {
    return analyzeFile(facts, deps.packages.packageAround(analysed.uri, facts), { settings: analysed.settings }).findings;
  } finally {
    facts.tree.delete();
  }
}

function hasRange(d: Diagnostic): boolean {
  return !!d.range?.start && !!d.range.end;
}

function overlaps(finding: Finding, params: CodeActionParams): boolean {
  const a = finding.range;
  const b = params.range;
  if (!b?.start || !b.end) return false;
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
