// Browser benchmark of the views over many traces (Why slow, Structure,
// Services, RED over time): with a file of many traces loaded, the time from
// a click on the view's tab to the view's answer painted, and the longest
// gap between two painted frames meanwhile (the page keeps painting while a
// view is built in slices). Headless Chromium, release build.
// usage: node bench/views.mjs FILE [runs]
import path from 'node:path';
import { start } from '../lib/viewer.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!file) {
  console.error('usage: node bench/views.mjs FILE [runs]');
  process.exit(2);
}
const VIEWS = [
  ['Why slow', 'why', '[data-testid=why-view]'],
  ['Structure', 'structure', '[data-testid=structure-row]'],
  ['Services', 'services', '[data-testid=service-node]'],
  ['RED over time', 'red', 'canvas[data-testid=red-chart]'],
];
const env = await start({ 'bench-input.json': path.resolve(file) });
const samples = {};
let loaded = {};
try {
  for (let i = 0; i < runs; i++) {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid=drop-zone]');
    const r = await page.evaluate(async ({ name, views }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const q = (s) => document.querySelector(s);
      const until = async (ok) => {
        for (let n = 0; n < 200000; n++) {
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
      for (let k = 0; k < 10; k++) await frame();
      const out = { traces: Number(q('[data-testid=trace-count]').dataset.count) };
      for (const [label, tab, hook] of views) {
        q('[data-testid=list-tab-traces]').click();
        await until(() => q('[data-testid=trace-row]'));
        for (let k = 0; k < 5; k++) await frame();
        const t0 = performance.now();
        let last = t0; let gap = 0; let frames = 0;
        q(`[data-testid=list-tab-${tab}]`).click();
        await until(() => {
          const now = performance.now();
          gap = Math.max(gap, now - last);
          last = now;
          frames += 1;
          return q(hook);
        });
        await frame();
        out[label] = { ms: performance.now() - t0, gap, frames };
      }
      return out;
    }, { name: path.basename(file), views: VIEWS });
    loaded = { traces: r.traces };
    for (const [k, v] of Object.entries(r)) if (k !== 'traces') (samples[k] ??= []).push(v);
    await page.close();
  }
} finally {
  await env.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = Object.entries(samples).map(([what, xs]) => ({
  what,
  median_ms: Math.round(median(xs.map((x) => x.ms))),
  longest_frame_gap_ms: Math.round(median(xs.map((x) => x.gap))),
  frames: median(xs.map((x) => x.frames)),
}));
console.log(JSON.stringify({ file: path.basename(file), traces: loaded.traces, runs, rows }));
