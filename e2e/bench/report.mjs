// Turns the benchmark results into BENCHMARKS.md: the machine, the native
// and browser tables, each target met or missed with its figure, then the
// notes on what limits the figures (bench/NOTES.md).
// usage: node bench/report.mjs NATIVE.jsonl BROWSER.jsonl OUT.md [SMALL.jsonl] [HUGE.jsonl]
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const [nativePath, browserPath, outPath, smallPath, hugePath] = process.argv.slice(2);
const lines = (p) => fs.readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const native = lines(nativePath);
const browser = lines(browserPath);
const small = smallPath && fs.existsSync(smallPath) ? lines(smallPath) : [];
const huge = hugePath && fs.existsSync(hugePath) ? lines(hugePath) : [];
const mb = (b) => (b / 1e6).toFixed(1);
const sec = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const peak = (b, file) => (b ? `${mb(b)} MB (${(b / file).toFixed(1)}×)` : '–');
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`);

let chromium = 'unknown';
try {
  chromium = execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  // not installed: the browser table would be empty anyway
}

const out = [];
out.push('# Benchmarks', '');
out.push(`Measured ${new Date().toISOString().slice(0, 10)} by \`scripts/bench.sh\` on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${chromium}, headless. Files from \`gen-trace\`: one trace, ~10 services, depth 20, 5–8 attributes and some events per span.`, '');

out.push('## Targets', '');
out.push('| target | file | figure | met |', '|---|---|---|---|');
const target = (what, file, figure, ok) => out.push(`| ${what} | ${file} | ${figure} | ${ok ? 'yes' : '**no**'} |`);
for (const s of small.filter((s) => s.what === 'first visit')) {
  target('first visit (nothing cached) → file picker works, ≤ 250 ms', 'the page', sec(s.ready_median_ms), s.ready_median_ms <= 250);
  target('wasm ≤ 600 KB gzipped', 'the page', `${Math.round(s.wasm_gzip_bytes / 1024)} KB (the readers' module, fetched beside it: ${Math.round((s.reader_wasm_gzip_bytes ?? 0) / 1024)} KB)`, s.wasm_gzip_bytes <= 600 * 1024);
}
for (const s of small.filter((s) => s.what === 'small open')) {
  const limit = s.spans <= 1000 ? 100 : 200;
  target(`${k(s.spans)} spans open in ≤ ${limit} ms, right after the page loaded`, s.file, sec(s.cold_median_ms), s.cold_median_ms <= limit);
  target(`${k(s.spans)} spans open in ≤ ${limit} ms, page open for 3 s`, s.file, sec(s.warm_median_ms), s.warm_median_ms <= limit);
}
for (const b of browser) {
  if (b.spans === 100_000) target('100k spans open in ≤ 0.5 s', b.file, sec(b.open_median_ms), b.open_median_ms <= 500);
}
for (const b of browser) {
  if (b.spans === 1_000_000) {
    target('1M spans open in ≤ 5 s', b.file, sec(b.open_median_ms), b.open_median_ms <= 5000);
    target('1M spans: scroll frames ≤ 16 ms (median work)', b.file, `${b.scroll.work_median_ms} ms`, b.scroll.work_median_ms <= 16);
    target('1M spans: zoom frames ≤ 16 ms (median work)', b.file, `${b.zoom.work_median_ms} ms`, b.zoom.work_median_ms <= 16);
    const ratio = (b.peak_mb * 2 ** 20) / b.bytes;
    target('1M spans: renderer peak memory ≤ 1.5× the file', b.file, `${b.peak_mb} MB, ${ratio.toFixed(1)}× the file`, ratio <= 1.5);
    const slowest = Math.max(...b.find.map((f) => f.ms));
    target('find over 1M spans ≤ 100 ms (slowest query)', b.file, `${slowest} ms`, slowest <= 100);
  }
}
for (const h of huge) {
  const figure = h.opened ? `opened in ${sec(h.open_ms)}, peak ${h.peak_mb} MB` : `did not open: “${h.message}”`;
  target(`a ${(h.bytes / 1e9).toFixed(1)} GB file opens (files up to 2 GB)`, h.file, figure, h.opened);
}
for (const n of native.filter((n) => n.baseline_ms)) {
  const share = n.baseline_ms / n.parse_ms;
  target('readers ≥ 80 % of serde_json alone (borrowed typed structs, nothing kept)', n.file, `${Math.round(share * 100)} % (${Math.round(n.bytes / 1e3 / n.parse_ms)} against ${Math.round(n.bytes / 1e3 / n.baseline_ms)} MB/s)`, share >= 0.8);
}
for (const n of native) {
  const ratio = n.model_bytes / n.bytes;
  target('model memory ≤ 2× file size', n.file, `${ratio.toFixed(2)}×`, ratio <= 2);
}
out.push('');

out.push('## Native: parse + build (release build, median of 3–7 runs)', '');
out.push('*Heap while parsing*: the high-water mark of the heap above the file itself while the file is parsed and the model built (what the loading worker holds beside the file); *model + message*: the model and its encoding for the page, both held until the worker posts it.', '');
out.push('| file | size | spans | parse + build | MB/s | spans/s | model memory | model / file | heap while parsing | model + message | worker → page (encode + decode) | find `user-4242` | serde_json alone | readers / serde_json |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of native) {
  out.push(`| ${n.file} | ${mb(n.bytes)} MB | ${k(n.spans)} | ${sec(n.parse_ms)} | ${Math.round(n.bytes / 1e3 / n.parse_ms)} | ${(n.spans / n.parse_ms / 1e3).toFixed(2)} M | ${mb(n.model_bytes)} MB | ${(n.model_bytes / n.bytes).toFixed(2)}× | ${peak(n.parse_peak_bytes, n.bytes)} | ${peak(n.encode_peak_bytes, n.bytes)} | ${sec(n.transfer_ms)} | ${n.find_ms ?? ''} ms | ${n.baseline_ms ? `${sec(n.baseline_ms)} (${Math.round(n.bytes / 1e3 / n.baseline_ms)} MB/s)` : '–'} | ${n.baseline_ms ? `${Math.round((n.baseline_ms / n.parse_ms) * 100)} %` : '–'} |`);
}
out.push('');

out.push('## Headless Chromium (release build)', '');
out.push('Open: file picked → trace header and first rows painted (median; 3 runs, 1 for 1M). Peak memory: the renderer process (page and loading workers). Frames: one scroll step (240 px) or zoom step per frame; *work* is script, style and layout caused by the step, *interval* the time between frames (16.7 ms = every frame at 60 Hz).', '');
out.push('| file | spans | open | peak memory | find `user-4242` | find `service=cart` | find `duration>5ms kind=server` | scroll work median / p95 | scroll interval median / p95 | zoom work median / p95 | zoom interval median / p95 |', '|---|---|---|---|---|---|---|---|---|---|---|');
for (const b of browser) {
  const f = (i) => (b.find[i] ? `${b.find[i].ms} ms (${b.find[i].matches})` : '');
  out.push(`| ${b.file} | ${k(b.spans)} | ${sec(b.open_median_ms)} | ${b.peak_mb} MB | ${f(0)} | ${f(1)} | ${f(2)} | ${b.scroll.work_median_ms} / ${b.scroll.work_p95_ms} ms | ${b.scroll.interval_median_ms} / ${b.scroll.interval_p95_ms} ms | ${b.zoom.work_median_ms} / ${b.zoom.work_p95_ms} ms | ${b.zoom.interval_median_ms} / ${b.zoom.interval_p95_ms} ms |`);
}
out.push('');

const notes = new URL('../../bench/NOTES.md', import.meta.url);
if (fs.existsSync(notes)) out.push(fs.readFileSync(notes, 'utf8').trim(), '');

const text = out.join('\n');
fs.writeFileSync(outPath, text);
console.log(text);
