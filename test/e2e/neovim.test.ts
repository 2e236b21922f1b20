// Neovim's built-in LSP client against `goleash lsp --stdio`: the diagnostic appears, the
// preferred quick fix applies, and the server's next publish clears it. The editor side is
// editors/nvim-lsp.lua (Neovim 0.7+); CI installs Debian's `neovim`. Skips when nvim is missing.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { editorsDir, onPath, readResult, runEditor, workspace } from './editors/harness';

interface Diagnostic {
  lnum: number;
  col: number;
  message: string;
  source: string;
  code: string;
}

interface NvimResult {
  nvim: string;
  before: Diagnostic[];
  actions: { title: string; kind: string; isPreferred: boolean }[];
  applied: string;
  text: string;
  after: Diagnostic[];
  publishes: { version: number | null; count: number }[];
  client_running: boolean;
}

const nvim = onPath('nvim');
if (!nvim) console.warn('skipping the Neovim end-to-end test: `nvim` is not on PATH (apt-get install neovim)');

describe('Neovim', () => {
  it.skipIf(!nvim)('shows the for-select-no-done diagnostic and clears it with the quick fix', async () => {
    const ws = workspace();
    try {
      const xdg = join(ws.dir, 'xdg'); // keep lsp.log and friends out of the user's home
      const run = await runEditor(nvim!, ['--headless', '--clean', '-u', 'NONE', '-n', ws.file, '-c', `luafile ${join(editorsDir, 'nvim-lsp.lua')}`], ws, {
        XDG_CONFIG_HOME: join(xdg, 'config'),
        XDG_DATA_HOME: join(xdg, 'data'),
        XDG_STATE_HOME: join(xdg, 'state'),
        XDG_CACHE_HOME: join(xdg, 'cache'),
      });
      // lsp.log (the server's stderr among it) is under cache in 0.7, under state from 0.8.
      const logs = ['cache', 'state'].map((d) => join(xdg, d, 'nvim', 'lsp.log'));
      const result = readResult<NvimResult>(ws, run, logs);

      expect(result.before).toHaveLength(1);
      expect(result.before[0]).toMatchObject({ lnum: 7, source: 'goleash', code: 'for-select-no-done' });
      expect(result.before[0].message).toMatch(/^goroutine loop in \(\*W\)\.loop has no exit/);

      expect(result.actions.filter((a) => a.isPreferred).map((a) => a.title)).toEqual(['Return when ctx is done']);
      expect(result.applied).toBe('Return when ctx is done');
      expect(result.text).toContain('case <-ctx.Done():');

      expect(result.after).toEqual([]);
      // The empty set came from the server re-analysing the edited buffer, not from it exiting.
      expect(result.client_running).toBe(true);
      expect(result.publishes.at(-1)).toMatchObject({ count: 0 });
      expect(result.publishes.at(-1)!.version).toBeGreaterThan(result.publishes[0].version ?? 0);
    } finally {
      ws.dispose();
    }
  });
});
