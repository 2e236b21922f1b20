// What the status bar item says: the server's state and, once it runs, how many goleash problems
// the editor shows (hints are not counted: VS Code does not list them in the Problems view).
// No `vscode` import here, so it can be tested on its own.

export type ServerState = { kind: 'starting' } | { kind: 'indexing'; done: number; total: number } | { kind: 'ready' } | { kind: 'stopped' } | { kind: 'error'; message: string };

export interface ProblemCounts {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Shown with the error background. */
  error: boolean;
}

const CLICK = 'Click to show the goleash output.';

export function statusView(state: ServerState, counts: ProblemCounts): StatusView {
  const problems = counts.errors + counts.warnings + counts.infos;
  const found = describeCounts(counts);
  switch (state.kind) {
    case 'starting':
      return { text: '$(loading~spin) goleash', tooltip: `goleash: starting the language server. ${CLICK}`, error: false };
    case 'indexing':
      return { text: `$(sync~spin) goleash ${state.done}/${state.total}`, tooltip: `goleash: analysing the workspace, ${state.done} of ${state.total} packages done; ${found}. ${CLICK}`, error: false };
    case 'ready':
      return { text: problems === 0 ? '$(check) goleash' : `$(warning) goleash ${problems}`, tooltip: `goleash: ready; ${found}. ${CLICK}`, error: false };
    case 'stopped':
      return { text: '$(circle-slash) goleash', tooltip: `goleash: not running (goleash.enable is false, or it was stopped). ${CLICK}`, error: false };
    case 'error':
      return { text: '$(error) goleash', tooltip: `goleash: ${state.message}. ${CLICK}`, error: true };
  }
}

function describeCounts({ errors, warnings, infos, files }: ProblemCounts): string {
  if (errors + warnings + infos === 0) return 'no problems';
  const parts = [plural(errors, 'error'), plural(warnings, 'warning'), infos ? `${infos} information` : ''].filter(Boolean);
  return `${parts.join(', ')} in ${plural(files, 'file')}`;
}

function plural(n: number, word: string): string {
  return n === 0 ? '' : `${n} ${word}${n === 1 ? '' : 's'}`;
}
