// Parse-and-analyse for whole files (the command line, background indexing): one parser per
// Analyzer, each tree freed as soon as its findings are out.
import type { Parser } from 'web-tree-sitter';
import { createGoParser } from '../parse/grammar';
import { analyzeTree, type AnalyzeOptions, type FileAnalysis } from './analyze';

/** Files above this size are skipped rather than analysed (generated tables, vendored blobs). */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export type SourceCheck = { ok: true; text: string } | { ok: false; reason: string };

/** Decides whether bytes read from a `.go` file are Go source we should analyse. */
export function checkSource(bytes: Uint8Array, maxBytes = DEFAULT_MAX_FILE_BYTES): SourceCheck {
  if (bytes.length > maxBytes) return { ok: false, reason: `larger than ${maxBytes} bytes` };
  if (bytes.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary file (contains NUL bytes)' };
  return { ok: true, text: new TextDecoder('utf-8', { fatal: false }).decode(bytes) };
}

export class Analyzer {
  private constructor(private readonly parser: Parser) {}

  static async create(): Promise<Analyzer> {
    return new Analyzer(await createGoParser());
  }

  analyzeText(path: string, text: string, options?: AnalyzeOptions): FileAnalysis {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse ${path}`);
    try {
      return analyzeTree(path, text, tree, options);
    } finally {
      tree.delete();
    }
  }
}
