#!/usr/bin/env node
// The parse-only floor of `npm run bench`: reads and parses every file of a list with the parser
// goleash uses (web-tree-sitter and the Go grammar from grammars/, copied from the same pinned
// packages by the build), frees each tree, and does nothing else. Files goleash would skip (over
// 5 MB, binary) are skipped here too, so both read the same bytes.
//
// Usage: node scripts/lib/parseFloor.mjs LIST   (LIST: a file with one path per line)
// Prints one JSON line: { files, parsed, bytes }.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';

const GRAMMARS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'grammars');
const MAX_BYTES = 5 * 1024 * 1024; // goleash's DEFAULT_MAX_FILE_BYTES

const list = process.argv[2];
if (!list) {
  console.error('usage: node scripts/lib/parseFloor.mjs LIST');
  process.exit(2);
}
const paths = readFileSync(list, 'utf8').split('\n').filter(Boolean);

await Parser.init({ locateFile: (file) => join(GRAMMARS, file) });
const parser = new Parser();
parser.setLanguage(await Language.load(join(GRAMMARS, 'tree-sitter-go.wasm')));
const decoder = new TextDecoder('utf-8', { fatal: false });

let parsed = 0;
let bytes = 0;
for (const path of paths) {
  const raw = readFileSync(path);
  if (raw.length > MAX_BYTES || raw.subarray(0, 8192).includes(0)) continue;
  const tree = parser.parse(decoder.decode(raw));
  if (!tree) throw new Error(`tree-sitter could not parse ${path}`);
  tree.delete();
  parsed++;
  bytes += raw.length;
}
console.log(JSON.stringify({ files: paths.length, parsed, bytes }));
