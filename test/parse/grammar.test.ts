// The pinned web-tree-sitter must load the pinned grammar's wasm: an ABI mismatch would make
// every user's first parse fail, so it is checked here rather than found in the field.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LANGUAGE_VERSION, MIN_COMPATIBLE_VERSION } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { createGoParser, grammarDir, loadGo } from '../../server/src/parse/grammar';

const require = createRequire(import.meta.url);

describe('grammar', () => {
  it('grammars/ holds the wasm of the pinned tree-sitter-go package', () => {
    const shipped = readFileSync(join(grammarDir(), 'tree-sitter-go.wasm'));
    const pinned = readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'));
    expect(shipped.equals(pinned)).toBe(true);
  });

  it("the grammar's ABI is one the pinned runtime accepts", async () => {
    const language = await loadGo();
    expect(language.abiVersion).toBeGreaterThanOrEqual(MIN_COMPATIBLE_VERSION);
    expect(language.abiVersion).toBeLessThanOrEqual(LANGUAGE_VERSION);
    expect(language.name).toBe('go');
  });

  it('is loaded once per process', async () => {
    expect(await loadGo()).toBe(await loadGo());
  });

  it('parses Go without errors and marks broken Go as such', async () => {
    const parser = await createGoParser();
    const good = parser.parse('package p\n\nfunc f(ch chan int) {\n\tfor v := range ch {\n\t\t_ = v\n\t}\n}\n')!;
    expect(good.rootNode.hasError).toBe(false);
    expect(good.rootNode.descendantsOfType('for_statement')).toHaveLength(1);
    const bad = parser.parse('package p\nfunc f( {\n')!;
    expect(bad.rootNode.hasError).toBe(true);
    good.delete();
    bad.delete();
    parser.delete();
  });
});
