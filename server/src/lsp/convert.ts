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
import type { Finding, Fix, Severity } from '../rules/types';
import { fileUri } from './packages';

export const SOURCE = 'goleash';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(uri: string, finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: LSP_SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleUrl(finding.rule) },
    message: finding.message,
    relatedInformation: finding.related?.map((r) => ({ location: { uri: r.path ? fileUri(r.path) : uri, range: r.range }, message: r.message })),
  };
}

/** The workspace edit for a fix: versioned when the client can check versions. */
function workspaceEdit(uri: string, version: number, fix: Fix, versioned: boolean): WorkspaceEdit {
  if (versioned) return { documentChanges: [TextDocumentEdit.create({ uri, version }, fix.edits)] };
  return { changes: { [uri]: fix.edits } };
}

export function toCodeActions(uri: string, version: number, finding: Finding, diagnostic: Diagnostic, versioned: boolean): CodeAction[] {
  return finding.fixes.map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred ?? false,
    edit: workspaceEdit(uri, version, fix, versioned),
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
