// Builds everything a user runs: dist/cli.js (the `goleash` command, which also serves LSP) and
// dist/lint-worker.js (its worker threads),
// dist/server.js (the language server alone, for the VS Code client's IPC launch), and
// client/dist/ (the extension plus a copy of the server, its worker and the grammars, for the .vsix).
// The wasm files are taken from the pinned npm packages, so the grammar always matches the lockfile.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

function copyGrammars(dest) {
  mkdirSync(dest, { recursive: true });
  copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), join(dest, 'tree-sitter-go.wasm'));
  const runtime = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
  copyFileSync(runtime, join(dest, 'tree-sitter.wasm'));
}

// `import text from './file?raw'` gives the file's text, as Vite (and so vitest) does. The stdlib
// escape table is imported this way so it is parsed on first use, not on every start.
const rawImports = {
  name: 'raw-imports',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: join(args.resolveDir, args.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text', watchFiles: [args.path] }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // web-tree-sitter is an ES module that finds itself through import.meta.url; in a CommonJS
  // bundle that is the bundle's own file URL.
  define: { GOLEASH_VERSION: JSON.stringify(version), 'import.meta.url': '__goleashModuleUrl' },
  banner: { js: 'const __goleashModuleUrl = require("url").pathToFileURL(__filename).href;' },
  plugins: [rawImports],
};

copyGrammars('grammars');
await Promise.all([
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } }),
  // The worker thread of `goleash lint --jobs N`, found beside dist/cli.js at run time.
  build({ ...common, entryPoints: ['server/src/cli/lintWorker.ts'], outfile: 'dist/lint-worker.js' }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'client/dist/server.js' }),
  // The server's workspace view analyses packages on this worker thread too.
  build({ ...common, entryPoints: ['server/src/cli/lintWorker.ts'], outfile: 'client/dist/lint-worker.js' }),
]);
copyGrammars('client/dist/grammars');
if (!watch) console.log(`built goleash ${version}: dist/cli.js, dist/lint-worker.js, dist/server.js, client/dist/`);
