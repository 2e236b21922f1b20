// The only module that knows where the wasm files live and how web-tree-sitter is started.
// The runtime (tree-sitter.wasm) and the Go grammar (tree-sitter-go.wasm) are loaded once per
// process; every parser shares the one Language.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

const GRAMMAR_FILE = 'tree-sitter-go.wasm';
const RUNTIME_FILE = 'tree-sitter.wasm';

let loading: Promise<Language> | undefined;

/** Folders that may hold the wasm files: next to the bundle (dist/, client/dist/), or the repo's grammars/. */
function candidateDirs(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const dirs = [
    process.env.GOLEASH_GRAMMARS_DIR,
    join(here, 'grammars'),
    join(here, '..', 'grammars'),
    join(here, '..', '..', '..', 'grammars'),
    resolve(process.cwd(), 'grammars'),
  ];
  return dirs.filter((d): d is string => typeof d === 'string' && d.length > 0);
}

/** The folder that holds both wasm files, or a clear error naming the places looked at. */
export function grammarDir(): string {
  const dirs = candidateDirs();
  const found = dirs.find((d) => existsSync(join(d, GRAMMAR_FILE)) && existsSync(join(d, RUNTIME_FILE)));
  if (!found) {
    throw new Error(
      `goleash: ${GRAMMAR_FILE} and ${RUNTIME_FILE} not found (looked in ${dirs.join(', ')}); run "npm run build"`,
    );
  }
  return found;
}

/** Loads the runtime and the Go grammar once; later calls share the same promise. */
export function loadGo(): Promise<Language> {
  loading ??= (async () => {
    const dir = grammarDir();
    await Parser.init({ locateFile: (file: string) => join(dir, file) });
    return Language.load(join(dir, GRAMMAR_FILE));
  })();
  return loading;
}

/** A parser for Go. Parsers are cheap; the Language behind them is shared. */
export async function createGoParser(): Promise<Parser> {
  const language = await loadGo();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

