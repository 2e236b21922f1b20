// Findings to LSP shapes. The front end's only knowledge of rules is the registry's docs URL.
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  TextDocumentEdit,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { ruleUrl } from '../rules';
import type { Finding, Severity, TextEdit } from '../rules/types';
import { fileUri } from './packages';

export const SOURCE = 'goleash';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries for the code actions asked of it later (LSP `Diagnostic.data`). */
export interface DiagnosticData {
  rule: string;
  /** The finding's key (core/findingKeys.ts): finds it again in a newer analysis of the file. */
  key: string;
}

export function isDiagnosticData(data: unknown): data is DiagnosticData {
  return typeof data === 'object' && data !== null && typeof (data as DiagnosticData).rule === 'string' && typeof (data as DiagnosticData).key === 'string';
}

export function toDiagnostic(uri: string, finding: Finding, key?: string): Diagnostic {
  return {
    range: finding.range,
    severity: LSP_SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleUrl(finding.rule) },
    message: finding.message,
    relatedInformation: finding.related?.map((r) => ({ location: { uri: r.path ? fileUri(r.path) : uri, range: r.range }, message: r.message })),
    ...(key !== undefined ? { data: { rule: finding.rule, key } satisfies DiagnosticData } : {}),
  };
}

/**
 * The workspace edit for some text edits: versioned when the client can check versions and the
 * text came from an open document (`version` null: it was read from disk).
 */
export function workspaceEdit(uri: string, version: number | null, edits: TextEdit[], versioned: boolean): WorkspaceEdit {
  if (versioned) return { documentChanges: [TextDocumentEdit.create({ uri, version }, edits)] };
  return { changes: { [uri]: edits } };
}

export function toCodeActions(uri: string, version: number | null, finding: Finding, diagnostic: Diagnostic, versioned: boolean): CodeAction[] {
  return finding.fixes.map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred ?? false,
    edit: workspaceEdit(uri, version, fix.edits, versioned),
  }));
}

/** Does an LSP diagnostic (as the client sends it back) stand for this finding? */
export function sameFinding(diagnostic: Diagnostic, finding: Finding): boolean {
  return (
    diagnostic.code === finding.rule &&
    diagnostic.message === finding.message &&
    diagnostic.range.start.line === finding.range.start.line &&
    diagnostic.range.start.character === finding.range.start.character
  );
}
