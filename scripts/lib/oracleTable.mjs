// Renders the oracle's figures (`npm run oracle -- --json FILE`) as the Markdown table the
// README's heap-escape section shows, so the README quotes a run instead of hand-copied numbers.
//   node scripts/lib/oracleTable.mjs test/corpus/oracle-figures.json
import { readFileSync } from 'node:fs';

const pct = (x) => (x === undefined || x === null || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)} %`);

export function oracleTable(report) {
  const rows = [
    '| half | flags | moved to heap: precision / recall | allocation sites: accuracy (everything escapes) | escaping sites: precision / recall | interface conversions: precision / recall |',
    '|---|---|---|---|---|---|',
  ];
  for (const set of ['tune', 'heldout']) {
    const s = report.sets[set];
    if (!s) continue;
    for (const flags of [report.flags.target, report.flags.default]) {
      const f = s.byFlags[flags].figures;
      const name = set === 'heldout' ? `**held out** (${s.packages.length} packages, ${s.lines.toLocaleString('en')} lines)` : `tune (${s.packages.length} packages, ${s.lines.toLocaleString('en')} lines)`;
      rows.push(
        `| ${name} | \`${flags}\` | ${pct(f.moved.precision)} / ${pct(f.moved.recall)} | ${pct(f.alloc.accuracy)} (${pct(f.alloc.everythingEscapesAccuracy)}) | ${pct(f.alloc.precision)} / ${pct(f.alloc.recall)} | ${pct(f.iface.precision)} / ${pct(f.iface.recall)} |`,
      );
    }
  }
  return rows.join('\n');
}

if (process.argv[2]) console.log(oracleTable(JSON.parse(readFileSync(process.argv[2], 'utf8'))));
