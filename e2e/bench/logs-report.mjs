// Writes the "Logs" section of BENCHMARKS.md from scripts/bench-logs.sh's
// measurements: bench-model --logs (native), bench/logs.mjs (browser) and
// bench/shapes.mjs on a default-shape trace of the log file's size (the
// yardstick: the log file's time per byte must be at most 3× its).
// usage: node bench/logs-report.mjs NATIVE.json BROWSER.json YARDSTICK.json BENCHMARKS.md
import fs from 'node:fs';

const [nativePath, browserPath, yardPath, mdPath] = process.argv.slice(2);
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8').trim().split('\n').pop());
const n = read(nativePath);
const b = read(browserPath);
const y = read(yardPath);
const mb = (x) => `${(x / 1e6).toFixed(0)} MB`;
const ms = (x) => (x == null ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const k = (x) => (x >= 1e6 ? `${+(x / 1e6).toFixed(2)}M` : `${Math.round(x / 1e3)}k`);
const perMb = (t, bytes) => `${(t / (bytes / 1e6)).toFixed(1)} ms/MB`;
const times = (x, file, what = 'the file') => `${(x / file).toFixed(1)}× ${what}`;

const out = ['<!-- logs -->', '## Logs', ''];
out.push(`Measured ${new Date().toISOString().slice(0, 10)} by \`scripts/bench-logs.sh\`: a trace of ${k(n.trace_spans)} spans (default shape, OTLP, ${mb(b.trace_bytes)}) and an OTLP logs file of ${k(n.records)} records (${mb(n.bytes)}; Collector file-exporter JSON Lines, 2,000 records a line, 2–3 attributes each) from \`gen-trace --logs\`: ${n.attached.toLocaleString('en')} records on the trace's spans (98 %), 1 % naming traces that are not loaded, 1 % naming none. The target: *1M log records attached to a 100k-span trace open within the shapes issue's limits*, i.e. the log file's time per byte in the browser at most 3× the default trace shape's at the same size (a default-shape trace file of the log file's size, ${mb(y.bytes)}, opened in the same run).`, '');
out.push('**Native** (release build; parse is the median of 3 runs, the rest one run):', '');
out.push('| step | time | rate | memory |', '|---|---|---|---|');
out.push(`| parse (\`load\`) | ${ms(n.parse_ms)} | ${(n.bytes / 1e6 / (n.parse_ms / 1e3)).toFixed(0)} MB/s, ${(n.records / 1e6 / (n.parse_ms / 1e3)).toFixed(2)} M records/s | heap while parsing ${mb(n.parse_peak_bytes)} (${(n.parse_peak_bytes / n.bytes).toFixed(2)}× the file); model (\`Logs::heap_bytes\`) ${mb(n.model_bytes)} (${(n.model_bytes / n.bytes).toFixed(2)}×) |`);
out.push(`| … of which the log reader alone (\`otlp_logs::read\`, timed apart, median of 3; `load` also looks for the formats' marker keys first, and the two timings vary from run to run) | ${ms(n.reader_ms)} | | |`);
out.push(`| worker → page (encode + decode) | ${ms(n.encode_ms)} + ${ms(n.decode_ms)} | | message ${mb(n.message_bytes)} |`);
out.push(`| index by trace (\`LogFile::new\`) | ${ms(n.index_ms)} | | ${mb(n.index_bytes)} kept |`);
out.push(`| attach to the ${k(n.trace_spans)}-span trace (\`TraceLogs::new\`) | ${ms(n.attach_ms)} | ${n.attached.toLocaleString('en')} records, ${n.on_spans.toLocaleString('en')} on a span | ${mb(n.attach_bytes)} kept |`);
const sum = n.parse_ms + n.encode_ms + n.decode_ms + n.index_ms + n.attach_ms;
out.push(`| all of it | ${ms(sum)} | ${perMb(sum, n.bytes)} | |`, '');

const ratio = b.logs_open_ms != null && y.open_ms ? (b.logs_open_ms / n.bytes) / (y.open_ms / y.bytes) : null;
const ratioTogether = b.together_ms != null && y.open_ms ? (b.together_ms / (n.bytes + b.trace_bytes)) / (y.open_ms / y.bytes) : null;
out.push(`**Headless Chromium** (release build, 1 run of each at this size; peak = the renderer's peak resident memory, as \`e2e/bench/memory.mjs\` reads it, since the page started):`, '');
out.push('| step | time | per MB of file | renderer peak |', '|---|---|---|---|');
out.push(`| trace file picked → header and first rows | ${ms(b.trace_open_ms)} | ${perMb(b.trace_open_ms, b.trace_bytes)} | ${b.trace_peak_mb} MB (${times(b.trace_peak_mb * 1e6, b.trace_bytes)}) |`);
out.push(`| then the log file picked → the header counts its ${b.expected.toLocaleString('en')} records | ${b.then_error ? `**${b.then_error}**` : ms(b.logs_open_ms)} | ${b.logs_open_ms != null ? perMb(b.logs_open_ms, n.bytes) : ''} | ${b.then_peak_mb ?? '–'} MB (${times((b.then_peak_mb ?? 0) * 1e6, n.bytes + b.trace_bytes, 'both files')}) |`);
out.push(`| then the Logs view: tab clicked → first row painted (${(b.logs_view_total ?? 0).toLocaleString('en')} records) | ${ms(b.logs_view_ms)} | | |`);
out.push(`| then the root span's detail: row clicked → its ${b.span_detail_logs ?? '–'} records listed | ${ms(b.span_detail_ms)} | | |`);
out.push(`| both files picked at once → trace open, records counted | ${b.together_error ? `**${b.together_error}**` : ms(b.together_ms)} | ${b.together_ms != null ? perMb(b.together_ms, n.bytes + b.trace_bytes) : ''} | ${b.together_peak_mb ?? '–'} MB (${times((b.together_peak_mb ?? 0) * 1e6, n.bytes + b.trace_bytes, 'both files')}) |`);
out.push(`| yardstick: a default-shape trace of ${k(y.spans)} spans, ${mb(y.bytes)}, picked → header and first rows | ${y.error ? `**${y.error}**` : ms(y.open_ms)} | ${y.open_ms ? perMb(y.open_ms, y.bytes) : ''} | |`, '');
out.push(ratio == null
  ? 'Target: not measured (see the errors above).'
  : `Target: the log file opens at ${ratio.toFixed(2)}× the default trace shape's time per byte (≤ 3×: ${ratio <= 3 ? 'met' : '**missed**'}); both files at once, ${ratioTogether?.toFixed(2) ?? '–'}× over both files' bytes.`);
out.push('<!-- /logs -->');

const section = out.join('\n');
let md = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
const at = md.indexOf('<!-- logs -->');
const end = md.indexOf('<!-- /logs -->');
md = at >= 0 && end > at ? md.slice(0, at) + section + md.slice(end + '<!-- /logs -->'.length) : `${md.trimEnd()}\n\n${section}\n`;
fs.writeFileSync(mdPath, md);
console.log(section);
