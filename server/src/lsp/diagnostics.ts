// Where diagnostics go: pushed (`textDocument/publishDiagnostics`) to clients that cannot pull,
// and pulled (`textDocument/diagnostic`, `workspace/diagnostic`) by clients that declare
// `textDocument.diagnostic` — never both to one client. Either way the latest diagnostics of each
// file are kept here with a result id, so a pull that asks about what the client already has is
// answered "unchanged", and a workspace pull waits until there is something new to say.
import {
  DiagnosticRefreshRequest,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type PreviousResultId,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';

export type DeliveryMode = 'push' | 'pull';

interface Entry {
  /** The open document's version; null for a file read from disk. */
  version: number | null;
  diagnostics: Diagnostic[];
  resultId: string;
  /** Owned by an open document (its pulls go through textDocument/diagnostic). */
  open: boolean;
  /** Was open until lately: the client shows the buffer's diagnostics until told otherwise. */
  wasOpen?: boolean;
}

/** Wait this long after an unrequested change before asking a pulling client to pull again. */
const REFRESH_DELAY_MS = 50;

export class DiagnosticsOut {
  private readonly entries = new Map<string, Entry>();
  private readonly pulling = new Map<string, number>();
  private changeWaiters: (() => void)[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private lastId = 0;
  private disposed = false;

  constructor(
    private readonly connection: Connection,
    readonly mode: DeliveryMode,
    /** The client handles `workspace/diagnostic/refresh`. */
    private readonly refreshSupported: boolean,
  ) {}

  /** An open document's diagnostics, for its version. */
  setOpen(uri: string, version: number, diagnostics: Diagnostic[]): void {
    const before = this.entries.get(uri);
    const same = before?.open && sameDiagnostics(before.diagnostics, diagnostics);
    this.entries.set(uri, { version, diagnostics, resultId: same ? before.resultId : this.newId(), open: true });
    if (this.mode === 'push') void this.connection.sendDiagnostics({ uri, version, diagnostics });
    else if (!same && !this.pulling.has(uri)) this.refreshSoon(); // a neighbour's edit changed it
  }

  /** A file's diagnostics computed from disk (it has no open buffer); unchanged ones are not sent again. */
  setClosed(uri: string, diagnostics: Diagnostic[]): void {
    const before = this.entries.get(uri);
    if (before && !before.open && sameDiagnostics(before.diagnostics, diagnostics)) return;
    this.entries.set(uri, { version: null, diagnostics, resultId: this.newId(), open: false, wasOpen: before?.open || before?.wasOpen });
    // Most files have nothing to report: a client that was never told of one needs no empty list.
    if (this.mode === 'push' && (before || diagnostics.length > 0)) void this.connection.sendDiagnostics({ uri, diagnostics });
    this.changed();
  }

  /** Nothing to report for the file any more (closed outside the workspace, deleted, excluded). */
  clear(uri: string): void {
    const before = this.entries.get(uri);
    if (this.mode === 'push') {
      this.entries.delete(uri);
      if (before?.open || before?.diagnostics.length) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    // A pulling client learns of the change from the next workspace report.
    if (before && (before.open || before.diagnostics.length > 0)) this.setClosed(uri, []);
  }

  has(uri: string): boolean {
    return this.entries.has(uri);
  }

  /** A document pull is waiting for the analysis of `uri`: what it finds needs no refresh. */
  pullStarted(uri: string): () => void {
    this.pulling.set(uri, (this.pulling.get(uri) ?? 0) + 1);
    return () => {
      const n = (this.pulling.get(uri) ?? 1) - 1;
      if (n > 0) this.pulling.set(uri, n);
      else this.pulling.delete(uri);
    };
  }

  documentReport(uri: string, previousResultId: string | undefined): DocumentDiagnosticReport {
    const entry = this.entries.get(uri);
    if (!entry) return { kind: 'full', items: [] };
    if (previousResultId === entry.resultId) return { kind: 'unchanged', resultId: entry.resultId };
    return { kind: 'full', resultId: entry.resultId, items: entry.diagnostics };
  }

  /**
   * The files (without an open buffer) whose diagnostics the client does not have yet. When there
   * are none it waits for a change, or for the client to cancel: clients pull again as soon as a
   * workspace pull returns.
   */
  async workspaceReport(previous: readonly PreviousResultId[], token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const known = new Map(previous.map((p) => [p.uri, p.value]));
    for (;;) {
      const items = this.newFor(known);
      if (items.length > 0 || token.isCancellationRequested || this.disposed) return { items };
      let cancelled: { dispose(): void } | undefined;
      await new Promise<void>((resolve) => {
        this.changeWaiters.push(resolve);
        cancelled = token.onCancellationRequested(() => resolve());
      });
      cancelled?.dispose();
    }
  }

  /** Findings per severity over every file (for the editor's status). */
  counts(): Record<'error' | 'warning' | 'information' | 'hint', number> {
    const counts = { error: 0, warning: 0, information: 0, hint: 0 };
    const names = ['error', 'error', 'warning', 'information', 'hint'] as const;
    for (const entry of this.entries.values()) for (const d of entry.diagnostics) counts[names[d.severity ?? 1]]++;
    return counts;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.refreshTimer);
    this.changed();
  }

  private newFor(known: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport[] {
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const [uri, entry] of this.entries) {
      if (entry.open || known.get(uri) === entry.resultId) continue;
      // An empty report for a file the client never had would tell it nothing.
      if (entry.diagnostics.length === 0 && !known.has(uri) && !entry.wasOpen) continue;
      items.push({ kind: 'full', uri, version: null, resultId: entry.resultId, items: entry.diagnostics });
    }
    return items;
  }

  private changed(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const wake of waiters) wake();
  }

  private refreshSoon(): void {
    if (!this.refreshSupported || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.connection.sendRequest(DiagnosticRefreshRequest.type).catch(() => undefined);
    }, REFRESH_DELAY_MS);
  }

  private newId(): string {
    return String(++this.lastId);
  }
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
