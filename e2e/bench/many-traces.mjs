// Browser benchmark: with many traces loaded, the time for the list to
// answer a filter or sort change (input -> count and rows painted), in
// headless Chromium against the release build.
// usage: node bench/many-traces.mjs FILE [runs]
import path from 'node:path';
import { start } from '../lib/viewer.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!file) {
  console.error('usage: node bench/many-traces.mjs FILE [runs]');
  process.exit(2);
}
const env = await start({ 'bench-input.json': path.resolve(file) });
const samples = {};
let traces = 0;
try {
  for (let i = 0; i < runs; i++) {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid=drop-zone]');
    const r = await page.evaluate(async (name) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const q = (s) => document.querySelector(s);
      const until = async (ok) => {
        for (let n = 0; n < 20000; n++) {
          if (ok()) return;
          await frame();
        }
        throw new Error('timed out');
      };
      const blob = await (await fetch('bench-input.json')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], name));
      q('[data-testid=drop-zone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      await until(() => q('[data-testid=trace-row]'));
      await frame();
      const out = { traces: Number(q('[data-testid=trace-count]').dataset.count) };
      const shown = () => q('[data-testid=trace-count]').dataset.shown;
      const input = (testid, value) => {
        const el = q(`[data-testid=${testid}]`);
        el.value = value;
        el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
      };
      const step = async (label, act) => {
        await frame();
        const t0 = performance.now();
        act();
        // The update runs before the next frame; the one after it is painted.
        await frame();
        await frame();
        out[label] = { ms: performance.now() - t0, shown: Number(shown()) };
      };
      await step('errors only', () => q('[data-testid=filter-errors]').click());
      await step('errors off', () => q('[data-testid=filter-errors]').click());
      await step('min duration 10.5s', () => input('filter-min', '10.5s'));
      await step('min duration cleared', () => input('filter-min', ''));
      await step('service = cart', () => input('filter-service', 'cart'));
      await step('all services', () => input('filter-service', ''));
      await step('text "user-42"', () => input('filter-text', 'user-42'));
      await step('text cleared', () => input('filter-text', ''));
      await step('sort longest', () => input('sort-by', 'longest'));
      await step('sort most spans', () => input('sort-by', 'spans'));
      await step('sort recent', () => input('sort-by', 'recent'));
      return out;
    }, path.basename(file));
    traces = r.traces;
    for (const [k, v] of Object.entries(r)) if (k !== 'traces') (samples[k] ??= []).push(v);
    await page.close();
  }
} finally {
  await env.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = Object.entries(samples).map(([what, xs]) => ({ what, median_ms: Math.round(median(xs.map((x) => x.ms))), max_ms: Math.round(Math.max(...xs.map((x) => x.ms))), shown: xs[0].shown }));
console.log(JSON.stringify({ file: path.basename(file), traces, runs, rows }));
