// Browser benchmark: with one large trace open, the time to switch to each
// view (click -> drawn) and for find to answer (typed -> count shown), in
// headless Chromium against the release build.
// usage: node bench/trace-page.mjs FILE [runs]
import path from 'node:path';
import { start } from '../lib/viewer.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!file) {
  console.error('usage: node bench/trace-page.mjs FILE [runs]');
  process.exit(2);
}
const QUERIES = ['service=cart', 'status=error', 'duration>10ms kind=server', 'cache miss', 'user-4242'];
const env = await start({ 'bench-input.json': path.resolve(file) });
const samples = {};
const add = (k, ms) => (samples[k] ??= []).push(ms);
let spans = 0;
try {
  for (let i = 0; i < runs; i++) {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid=drop-zone]');
    const r = await page.evaluate(async ({ name, queries }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const until = async (ok) => {
        for (let n = 0; n < 10000; n++) {
          if (ok()) return;
          await frame();
        }
        throw new Error('timed out');
      };
      const q = (sel) => document.querySelector(sel);
      const blob = await (await fetch('bench-input.json')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], name, { type: 'application/json' }));
      q('[data-testid=drop-zone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      await until(() => q('[data-testid=span-row]'));
      await frame();
      const out = { spans: Number(q('[data-testid=trace-total-spans]').dataset.count) };
      const views = [
        ['stats', () => q('[data-testid=stats-row]')],
        ['flame', () => Number(q('[data-testid=flame-canvas]')?.dataset.boxes) > 0],
        ['graph', () => q('[data-testid=graph-node]')],
        ['timeline', () => q('[data-testid=span-row]') && q('[data-testid=minimap]')],
      ];
      for (const [view, ready] of views) {
        await frame();
        const t0 = performance.now();
        q(`[data-testid=view-tab-${view}]`).click();
        await until(ready);
        await frame();
        out[`view ${view}`] = performance.now() - t0;
      }
      const input = q('[data-testid=find-input]');
      for (const query of queries) {
        await frame();
        const t0 = performance.now();
        input.value = query;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await until(() => q('[data-testid=find-count]').textContent.trim() !== '');
        await frame();
        out[`find ${query}`] = performance.now() - t0;
        out[`matches ${query}`] = Number(q('[data-testid=find-count]').dataset.count);
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
      }
      return out;
    }, { name: path.basename(file), queries: QUERIES });
    spans = r.spans;
    for (const [k, v] of Object.entries(r)) if (k !== 'spans' && !k.startsWith('matches')) add(k, v);
    if (i === 0) for (const q of QUERIES) add(`matches ${q}`, r[`matches ${q}`]);
    await page.close();
  }
} finally {
  await env.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = Object.entries(samples)
  .filter(([k]) => !k.startsWith('matches'))
  .map(([k, xs]) => ({ what: k, median_ms: Math.round(median(xs)), max_ms: Math.round(Math.max(...xs)), matches: samples[`matches ${k.slice(5)}`]?.[0] }));
console.log(JSON.stringify({ file: path.basename(file), spans, runs, rows }));
