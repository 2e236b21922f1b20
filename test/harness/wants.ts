// Reads analysistest-style expectations: `// want "rule-id: message regexp"` after the code on
// the line it concerns. A comment may hold several quoted expectations; both Go string forms
// ("…" with escapes, `…` raw) are accepted.
export interface Want {
  line: number; // 0-based
  rule: string;
  message: RegExp;
  source: string;
}

const WANT_COMMENT = /\/\/\s*want\s+(.*)$/;
const GO_STRING = /"((?:[^"\\]|\\.)*)"|`([^`]*)`/g;

export function parseWants(text: string): Want[] {
  const wants: Want[] = [];
  text.split(/\r?\n/).forEach((lineText, line) => {
    const comment = WANT_COMMENT.exec(lineText);
    if (!comment) return;
    for (const m of comment[1].matchAll(GO_STRING)) {
      const source = m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2];
      const colon = source.indexOf(':');
      if (colon < 0) throw new Error(`line ${line + 1}: want "${source}" lacks "rule-id: message"`);
      wants.push({ line, rule: source.slice(0, colon).trim(), message: new RegExp(source.slice(colon + 1).trim()), source });
    }
  });
  return wants;
}
