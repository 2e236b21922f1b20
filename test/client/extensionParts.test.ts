// The pure parts of the VS Code extension: which settings it sends the server, and what its
// status bar item says.
import { describe, expect, it } from 'vitest';
import { explicitSettings, type Inspected } from '../../client/src/explicitSettings';
import { statusView } from '../../client/src/statusText';

describe('explicitSettings', () => {
  it('sends what the user set, at the most specific level, and nothing for defaults', () => {
    const inspected: Record<string, Inspected> = {
      enable: {},
      escape: { globalValue: 'information', workspaceFolderValue: 'off' },
      rules: { globalValue: { 'heap-escape': 'off', 'blocked-send': 'error' }, workspaceValue: { 'blocked-send': 'hint' } },
      'diagnostics.scope': { workspaceValue: 'openFiles' },
      'inlayHints.movedToHeap': { globalLanguageValue: true, globalValue: false },
    };
    expect(explicitSettings((key) => inspected[key])).toEqual({
      escape: 'off',
      rules: { 'heap-escape': 'off', 'blocked-send': 'hint' },
      diagnostics: { scope: 'openFiles' },
      inlayHints: { movedToHeap: true },
    });
  });

  it('sends an empty object when nothing is set', () => {
    expect(explicitSettings(() => ({}))).toEqual({});
    expect(explicitSettings(() => undefined)).toEqual({});
  });
});

describe('statusView', () => {
  const none = { errors: 0, warnings: 0, infos: 0, files: 0 };
  it('shows the state, and the problem count once ready', () => {
    expect(statusView({ kind: 'starting' }, none).text).toBe('$(loading~spin) goleash');
    expect(statusView({ kind: 'indexing', done: 3, total: 40 }, none)).toMatchObject({ text: '$(sync~spin) goleash 3/40', error: false });
    expect(statusView({ kind: 'ready' }, none)).toMatchObject({ text: '$(check) goleash', tooltip: expect.stringContaining('no problems') });
    const some = statusView({ kind: 'ready' }, { errors: 1, warnings: 3, infos: 0, files: 2 });
    expect(some.text).toBe('$(warning) goleash 4');
    expect(some.tooltip).toContain('1 error, 3 warnings in 2 files');
    expect(statusView({ kind: 'error', message: 'the language server stopped' }, none)).toMatchObject({ text: '$(error) goleash', error: true, tooltip: expect.stringContaining('stopped') });
    expect(statusView({ kind: 'stopped' }, none).text).toBe('$(circle-slash) goleash');
  });
});
