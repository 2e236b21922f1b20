// Emacs with Eglot against `goleash lsp --stdio`, in batch mode: Flymake shows the diagnostic,
// the preferred quick fix applies, and after saving the server's next publish clears it. The
// editor side is editors/eglot-check.el; CI installs Debian's `emacs-nox` and `elpa-eglot`
// (Eglot is built in from Emacs 29). Skips when emacs or Eglot is missing.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { editorsDir, onPath, readResult, runEditor, workspace } from './editors/harness';

interface FlymakeDiagnostic {
  line: number;
  character: number;
  type: string;
  text: string;
}

interface EglotResult {
  emacs: string;
  before: FlymakeDiagnostic[];
  actions: string[];
  applied: string;
  text: string;
  after: FlymakeDiagnostic[] | null; // json-encode writes an empty list as null
  publishes_before: number;
  publishes_after: number;
  connected: boolean;
}

const emacs = onPath('emacs');

function missing(): string | undefined {
  if (!emacs) return '`emacs` is not on PATH (apt-get install emacs-nox elpa-eglot)';
  const probe = spawnSync(emacs, ['--batch', '--eval', "(kill-emacs (if (require 'eglot nil t) 0 3))"], { timeout: 20_000 });
  if (probe.status !== 0) return 'Eglot is not available to `emacs --batch` (apt-get install elpa-eglot, or Emacs 29+)';
  return undefined;
}

const reason = missing();
if (reason) console.warn(`skipping the Emacs/Eglot end-to-end test: ${reason}`);

describe('Emacs with Eglot', () => {
  it.skipIf(reason !== undefined)('shows the for-select-no-done diagnostic in Flymake and clears it with the quick fix', async () => {
    const ws = workspace();
    try {
      const run = await runEditor(emacs!, ['--batch', '-l', join(editorsDir, 'eglot-check.el'), ws.file], ws);
      const result = readResult<EglotResult>(ws, run);

      expect(result.before).toHaveLength(1);
      expect(result.before[0]).toMatchObject({ line: 8, character: 1, type: 'eglot-warning' });
      // Eglot shows "source [code]: message".
      expect(result.before[0].text).toMatch(/^goleash \[for-select-no-done\]: goroutine loop in \(\*W\)\.loop has no exit/);

      expect(result.actions).toContain('Return when ctx is done');
      expect(result.applied).toBe('Return when ctx is done');
      expect(result.text).toContain('case <-ctx.Done():');

      expect(result.after ?? []).toEqual([]);
      expect(result.connected).toBe(true);
      expect(result.publishes_after).toBeGreaterThan(result.publishes_before);
    } finally {
      ws.dispose();
    }
  });
});
