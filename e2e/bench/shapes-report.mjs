// Writes the "Shapes" section of BENCHMARKS.md from bench/shapes.mjs output:
// open time per shape and size, and each shape's time per byte against the
// default shape's of the same span count (the target: at most 3×).
// usage: node bench/shapes-report.mjs SHAPES.jsonl BENCHMARKS.md
import fs from 'node:fs';

const [inPath, mdPath] = process.argv.slice(2);
const rows = fs.readFileSync(inPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const sizes = [...new Set(rows.map((r) => r.spans))].sort((a, b) => a - b);
const shapes = [...new Set(rows.map((r) => r.shape))];
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const sec = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const find = (shape, spans) => rows.find((r) => r.shape === shape && r.spans === spans);

const out = ['<!-- shapes -->', '## Shapes', ''];
out.push(`Measured ${new Date().toISOString().slice(0, 10)} by \`scripts/bench-shapes.sh\`: OTLP files from \`gen-trace --shape\`, opened in headless Chromium (release build): file picked → trace header and first rows painted (for *traces*, the list and then the first trace); median of 3 runs at 100k, 1 run at 1M. *vs default* is the shape's time per byte over the default shape's at the same span count (the target is at most 3×).`, '');
out.push(`| shape | what it is | ${sizes.map((n) => `${k(n)}: size | open | vs default`).join(' | ')} |`);
out.push(`|---|---|${sizes.map(() => '---|---|---').join('|')}|`);
const what = {
  default: 'one trace, ~10 services, depth ≤ 20',
  deep: 'a chain: depth = span count',
  wide: 'a root with every other span its child, one after another',
  services: 'one service per two spans',
  operations: 'one operation per two spans',
  traces: 'traces of 20 spans',
  jsonl: 'Collector file exporter: one span per line',
  extreme: 'a root from 1970 to the end of 64-bit time',
  long: '200-character values, a 1 MB one on the root',
  links: 'three links per span, one to another trace',
};
/** What a failed open came to, in a few words. */
const failure = (error) => {
  if (/larger than this viewer can hold/.test(error)) return 'refused: over the 1 GB file limit';
  if (/crashed|out of memory|too large/.test(error)) return 'the loading worker ran out of memory';
  return `failed: ${error.slice(0, 80)}`;
};
let worst = 0;
for (const shape of shapes) {
  const cells = sizes.map((n) => {
    const r = find(shape, n);
    const base = find('default', n);
    if (!r) return ' | | ';
    if (r.error) return `${(r.bytes / 1e6).toFixed(0)} MB | **${failure(r.error)}** | `;
    const ratio = base && base.open_ms ? (r.open_ms / r.bytes) / (base.open_ms / base.bytes) : null;
    if (ratio) worst = Math.max(worst, ratio);
    return `${(r.bytes / 1e6).toFixed(0)} MB | ${sec(r.open_ms)} | ${ratio ? `${ratio.toFixed(2)}×` : ''}`;
  });
  out.push(`| ${shape} | ${what[shape] ?? ''} | ${cells.join(' | ')} |`);
}
out.push('', `Slowest shape against the default: ${worst.toFixed(2)}× (target ≤ 3×: ${worst <= 3 ? 'met' : '**missed**'}).`);
if (rows.some((r) => r.error)) {
  out.push('', 'Files that did not open are files past 1 GB: the loading worker holds the whole file and, while it parses, about as much again (the OTLP and Jaeger readers stream spans into the model; JSON Lines are read a line at a time), and a wasm module has 4 GB. Such a file is refused up front with a message naming it, while the page and the traces already open stay. Reading files in slices straight into the model removes this limit (bench/NOTES.md, \"Files up to 2 GB\").');
}
out.push('<!-- /shapes -->');

const section = out.join('\n');
let md = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
const at = md.indexOf('<!-- shapes -->');
const end = md.indexOf('<!-- /shapes -->');
md = at >= 0 && end > at ? md.slice(0, at) + section + md.slice(end + '<!-- /shapes -->'.length) : `${md.trimEnd()}\n\n${section}\n`;
fs.writeFileSync(mdPath, md);
console.log(section);
