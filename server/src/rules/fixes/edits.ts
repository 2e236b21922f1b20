// Building blocks for quick fixes: plain text edits in LSP coordinates, kept gofmt-shaped
// (tabs, cases at the select's indentation).
import type { Node } from 'web-tree-sitter';
import type { Fix, Position, TextEdit } from '../types';
import { indentOf } from '../../facts/syntax';

export function pointOf(node: Node, end = false): Position {
  const p = end ? node.endPosition : node.startPosition;
  return { line: p.row, character: p.column };
}

export function insertAt(position: Position, newText: string): TextEdit {
  return { range: { start: position, end: position }, newText };
}

/** `//goleash:ignore RULE` on its own line above `node`, at the node's indentation. */
export function ignoreCommentFix(rule: string, node: Node, lines: readonly string[]): Fix {
  const indent = indentOf(lines, node);
  const row = node.startPosition.row;
  // After a doc comment at the top level, gofmt sets a directive apart with a `//` line.
  const afterDocComment = indent === '' && /^\/\/(?!\w+:)/.test(lines[row - 1] ?? '') && lines[row - 1].trim() !== '//';
  const directive = `${afterDocComment ? '//\n' : ''}${indent}//goleash:ignore ${rule}\n`;
  return {
    title: `Ignore ${rule} for this line`,
    edits: [insertAt({ line: row, character: 0 }, directive)],
  };
}

/** Adds one tab to every non-empty line of a block of source text. */
export function indentBlock(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : `\t${l}`))
    .join('\n');
}

/** True when a multi-line raw string lies inside `node`: re-indenting would change its value. */
export function hasMultilineRawString(node: Node): boolean {
  return node.descendantsOfType('raw_string_literal').some((s) => s !== null && s.startPosition.row !== s.endPosition.row);
}
