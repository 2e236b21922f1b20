// The VS Code extension's manifest (client/package.json) and the packaged .vsix.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clientDir = join(root, 'client');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const rootPkg = readJson(join(root, 'package.json'));
const manifest = readJson(join(clientDir, 'package.json'));

const SEVERITY_ENUM = ['off', 'error', 'warning', 'information', 'hint'];
const RULE_IDS = ['for-select-no-done', 'unclosed-channel', 'unbounded-goroutine', 'blocked-send', 'heap-escape'];

interface Command {
  command: string;
  title: string;
  category?: string;
}

const settings: Record<string, any> = manifest.contributes?.configuration?.properties ?? {};
const commands: Command[] = manifest.contributes?.commands ?? [];

describe('client/package.json', () => {
  it('identifies the extension and agrees with the root version', () => {
    expect(manifest.name).toBe('goleash');
    expect(manifest.publisher).toBe('goleash');
    expect(manifest.license).toBe('MIT');
    expect(manifest.version).toBe(rootPkg.version);
    expect(manifest.engines.vscode).toBe('^1.82.0');
  });

  it('starts dist/extension.js and bundles everything', () => {
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('activates on Go and leaves the Go language to VS Code and gopls', () => {
    expect(manifest.activationEvents).toContain('onLanguage:go');
    expect(manifest.activationEvents).toContain('workspaceContains:**/*.go');
    expect(manifest.contributes.languages).toBeUndefined();
    expect(manifest.contributes.grammars).toBeUndefined();
  });

  it('contributes the settings', () => {
    expect(settings['goleash.enable']).toMatchObject({ type: 'boolean', default: true });
    expect(settings['goleash.rules']).toMatchObject({ type: 'object', default: {} });
    expect(settings['goleash.trace.server']).toMatchObject({ enum: ['off', 'messages', 'verbose'], default: 'off', scope: 'window' });
    // A workspace must not be able to make VS Code run code of its choosing.
    expect(settings['goleash.server.path']).toMatchObject({ type: 'string', default: '', scope: 'machine' });
    for (const [key, value] of Object.entries(settings)) {
      expect(key.startsWith('goleash.'), key).toBe(true);
      expect(value.description ?? value.markdownDescription, `${key} has a description`).toBeTruthy();
    }
  });

  it('documents every setting: description, default, scope, and the meaning of each enum value', () => {
    for (const [key, value] of Object.entries(settings)) {
      expect(value.markdownDescription ?? value.description, key).toMatch(/\S.{20,}/);
      expect(value, key).toHaveProperty('default');
      expect(['application', 'machine', 'window', 'resource', 'language-overridable', 'machine-overridable'], key).toContain(value.scope);
      if (value.enum) {
        expect(value.enum, key).toContain(value.default);
        expect(value.enumDescriptions, `${key} enumDescriptions`).toHaveLength(value.enum.length);
      }
    }
    expect(settings['goleash.diagnostics.scope']).toMatchObject({ type: 'string', enum: ['workspace', 'openFiles'], default: 'workspace' });
    expect(settings['goleash.inlayHints.movedToHeap']).toMatchObject({ type: 'boolean', default: false });
  });

  it("sends the server exactly the settings it reads, whose defaults are the manifest's", async () => {
    const { SERVER_SETTINGS } = await import('../../client/src/explicitSettings');
    const { DEFAULT_EDITOR_SETTINGS, DIAGNOSTIC_SCOPES } = await import('../../server/src/lsp/settings');
    const { findRule } = await import('../../server/src/rules/index');
    const clientOnly = ['goleash.trace.server', 'goleash.server.path'];
    expect(SERVER_SETTINGS.map((k) => `goleash.${k}`).sort()).toEqual(Object.keys(settings).filter((k) => !clientOnly.includes(k)).sort());
    // The extension sends only what the user set, so the server's defaults must be these.
    expect(settings['goleash.enable'].default).toBe(DEFAULT_EDITOR_SETTINGS.enable);
    expect(settings['goleash.diagnostics.scope'].default).toBe(DEFAULT_EDITOR_SETTINGS.scope);
    expect(settings['goleash.diagnostics.scope'].enum).toEqual([...DIAGNOSTIC_SCOPES]);
    expect(settings['goleash.inlayHints.movedToHeap'].default).toBe(DEFAULT_EDITOR_SETTINGS.movedToHeapHints);
    expect(settings['goleash.maxFileSize'].default * 1024 * 1024).toBe(DEFAULT_EDITOR_SETTINGS.maxFileBytes);
    expect(settings['goleash.escape'].default).toBe(findRule('heap-escape')!.defaultSeverity);
    expect(settings['goleash.escapeInterfaces'].default).toBe(DEFAULT_EDITOR_SETTINGS.analysis.escapeInterfaces ?? false);
  });

  it('declares source.fixAll.goleash for editor.codeActionsOnSave, as the server names it', async () => {
    const { FIX_ALL_KIND } = await import('../../server/src/lsp/codeActions');
    expect(manifest.contributes.codeActions).toEqual([{ languages: ['go'], actions: [expect.objectContaining({ kind: FIX_ALL_KIND, title: expect.any(String) })] }]);
  });

  it('selects Go files and new buffers only, beside the Go extension', () => {
    const source = readFileSync(join(clientDir, 'src', 'extension.ts'), 'utf8');
    const selector = /documentSelector: \[([^\]]*)\]/.exec(source)?.[1] ?? '';
    expect([...selector.matchAll(/\{ scheme: '(\w+)', language: '(\w+)' \}/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['file:go', 'untitled:go']);
    expect(manifest.extensionDependencies ?? []).toEqual([]);
  });

  it('offers every severity for every rule', () => {
    const rules = settings['goleash.rules'];
    expect(Object.keys(rules.properties).sort()).toEqual([...RULE_IDS].sort());
    for (const [id, schema] of Object.entries<any>(rules.properties)) {
      expect(schema.enum, id).toEqual(SEVERITY_ENUM);
    }
    expect(rules.additionalProperties.enum).toEqual(SEVERITY_ENUM);
  });

  it('contributes the commands, and the extension registers each of them', () => {
    const titles = Object.fromEntries(commands.map((c) => [c.command, c.category ? `${c.category}: ${c.title}` : c.title]));
    expect(titles['goleash.restartServer']).toBe('goleash: Restart server');
    expect(titles['goleash.showOutput']).toBe('goleash: Show output');
    const source = readFileSync(join(clientDir, 'src', 'extension.ts'), 'utf8');
    for (const { command } of commands) {
      expect(source, `registerCommand('${command}'`).toContain(`registerCommand('${command}'`);
    }
  });

  it("agrees with the server's rule registry and settings parser", async () => {
    // Imported here, not at the top, so a server mid-edit fails this test alone.
    const { RULES, PLANNED_RULE_IDS } = await import('../../server/src/rules/index');
    const { RULE_SETTINGS } = await import('../../server/src/core/settings');
    expect([...RULE_IDS].sort()).toEqual([...RULES.map((rule) => rule.id), ...PLANNED_RULE_IDS].sort());
    expect([...SEVERITY_ENUM].sort()).toEqual([...RULE_SETTINGS].sort());
    const readme = readFileSync(join(clientDir, 'README.md'), 'utf8');
    for (const rule of RULES) {
      expect(readme, `README row for ${rule.id}`).toMatch(new RegExp(`^\\| \`${rule.id}\` \\| ${rule.defaultSeverity} \\|`, 'm'));
    }
  });

  it('documents every rule and setting in the README', () => {
    const readme = readFileSync(join(clientDir, 'README.md'), 'utf8');
    for (const id of RULE_IDS) expect(readme, id).toContain(`\`${id}\``);
    for (const key of Object.keys(settings)) expect(readme, key).toContain(`\`${key}\``);
    expect(existsSync(join(clientDir, 'LICENSE'))).toBe(true);
  });
});

describe('the .vsix', () => {
  const vsix = join(root, `goleash-${rootPkg.version}.vsix`);
  const bundles = ['dist/extension.js', 'dist/server.js', 'dist/lint-worker.js', 'dist/grammars/tree-sitter-go.wasm', 'dist/grammars/tree-sitter.wasm'];

  it('holds the extension, the server and both grammars', (ctx) => {
    if (spawnSync('unzip', ['-v']).error) {
      console.log('skipping the .vsix check: no `unzip` on PATH');
      ctx.skip();
    }
    if (!existsSync(vsix)) {
      const missing = bundles.filter((file) => !existsSync(join(clientDir, file)));
      if (missing.length > 0) {
        console.log(`skipping the .vsix check: no ${vsix} and no client/${missing.join(', client/')} to build one (run \`npm run package\`)`);
        ctx.skip();
      }
      const built = spawnSync(process.execPath, [join(root, 'scripts', 'package-vsix.mjs')], { cwd: root, encoding: 'utf8', timeout: 50_000 });
      expect(built.status, `${built.stdout}\n${built.stderr}`).toBe(0);
    }
    const listing = spawnSync('unzip', ['-l', vsix], { encoding: 'utf8' });
    expect(listing.status, listing.stderr).toBe(0);
    // `unzip -l` rows: length, date, time, name.
    const entries = listing.stdout.split('\n').flatMap((line) => /^\s*\d+\s+\S+\s+\S+\s+(\S.*)$/.exec(line)?.[1] ?? []);
    expect(entries).toEqual(
      expect.arrayContaining([
        'extension/package.json',
        'extension/dist/extension.js',
        'extension/dist/server.js',
        'extension/dist/lint-worker.js',
        'extension/dist/grammars/tree-sitter-go.wasm',
        'extension/dist/grammars/tree-sitter.wasm',
      ]),
    );
    // Sources, source maps and node_modules stay out: everything is bundled.
    expect(entries.filter((entry) => /^extension\/(src|node_modules)\/|\.map$/.test(entry))).toEqual([]);
  }, 60_000);
});
