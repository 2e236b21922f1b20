// `goleash.inlayHints.movedToHeap`: an inlay hint after each variable that heap-escape says the
// compiler moves to the heap (`moved to heap: x`), so the allocations of a hot function are seen
// at a glance without squiggles. Taken from the heap-escape findings of the last analysis, so it
// shows only what heap-escape reports (nothing when the rule is off).
import type { InlayHint, Range } from 'vscode-languageserver';
import type { Finding } from '../rules/types';

const MOVED_TO_HEAP = 'moved to heap: ';

export function movedToHeapHints(findings: readonly Finding[], range: Range): InlayHint[] {
  return findings
    .filter((f) => f.rule === 'heap-escape' && f.message.startsWith(MOVED_TO_HEAP) && within(f.range.end.line, range))
    .filter((f) => !f.message.slice(MOVED_TO_HEAP.length).startsWith('#')) // the compiler's own temporaries (#state1) have no name in the code
    .map((f) => ({ position: f.range.end, label: 'moved to heap', paddingLeft: true, tooltip: f.message }));
}

function within(line: number, range: Range): boolean {
  return line >= range.start.line && line <= range.end.line;
}
