// Packs client/ into goleash-<version>.vsix at the repository root with the pinned @vscode/vsce.
// Run after `npm run build` (the root `npm run package` does both). Works offline: everything the
// extension needs is bundled into client/dist/, so no npm dependencies are collected.
import { createVSIX } from '@vscode/vsce';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(root, 'client');

function fail(message) {
  console.error(`package-vsix: ${message}`);
  process.exit(1);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const version = readJson(join(root, 'package.json')).version;
const clientVersion = readJson(join(clientDir, 'package.json')).version;
if (version !== clientVersion) {
  fail(`version mismatch: package.json has ${version}, client/package.json has ${clientVersion}; make them agree`);
}

const required = ['dist/extension.js', 'dist/server.js', 'dist/lint-worker.js', 'dist/grammars/tree-sitter-go.wasm', 'dist/grammars/tree-sitter.wasm'];
const missing = required.filter((file) => !existsSync(join(clientDir, file)));
if (missing.length > 0) {
  fail(`missing ${missing.map((file) => `client/${file}`).join(', ')}; run \`npm run build\` first (or \`npm run package\`, which builds)`);
}

const out = join(root, `goleash-${version}.vsix`);
try {
  await createVSIX({
    cwd: clientDir,
    packagePath: out,
    dependencies: false,
    allowMissingRepository: true,
  });
} catch (error) {
  fail(`vsce failed: ${error instanceof Error ? error.message : String(error)}`);
}

const size = statSync(out).size;
console.log(`${relative(process.cwd(), out) || out} (${(size / 1024).toFixed(1)} KiB, ${size} bytes)`);
