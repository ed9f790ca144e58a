// Browser benchmark of one large trace, in headless Chromium against the
// release build:
//   - open: file picked -> trace header and first rows painted (median of runs)
//   - peak memory of the page's renderer process (page + loading workers)
//   - find over all spans: typed -> match count shown
//   - a scripted scroll and zoom of the timeline: for each frame, the work it
//     caused (script, style, layout) and the interval between frames
// KEEP=off opens with keeping files for the next visit turned off; WORKERS=N
// opens the page with ?workers=N (N workers read one file at once).
// usage: [KEEP=off] [WORKERS=N] node bench/scale.mjs FILE [runs]   prints one JSON object
import fs from 'node:fs';
import path from 'node:path';
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
import { rendererPeakMb } from './memory.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!file) {
  console.error('usage: node bench/scale.mjs FILE [runs]');
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const opens = [];
let result = {};
for (let i = 0; i < runs; i++) {
  // A fresh browser each run: the memory figure is this file's alone.
  const env = await start();
  try {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(120_000);
    await page.goto(env.server.url + (process.env.WORKERS ? `?workers=${process.env.WORKERS}` : ''));
    if (process.env.KEEP === 'off') {
      await page.evaluate(() => localStorage.setItem('trace-viewer-keep', 'off'));
      await page.reload();
    }
    await page.waitForSelector('[data-testid=drop-zone]');
    await page.waitForTimeout(1000); // a user takes this long to pick a file; the page warms up meanwhile
    const open = await timeOpen(page, file);
    opens.push(open);
    if (i < runs - 1) continue;

    // With the trace open: find, then the scripted scroll and zoom.
    result = await page.evaluate(async () => {
      const q = (sel) => document.querySelector(sel);
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      // After a task: the page's reactive updates have run.
      const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
      const out = { spans: Number(q('[data-testid=trace-total-spans]').dataset.count), find: [] };
      const input = q('[data-testid=find-input]');
      for (const query of ['user-4242', 'service=cart', 'duration>5ms kind=server']) {
        await frame();
        const t0 = performance.now();
        input.value = query;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        for (let n = 0; q('[data-testid=find-count]').textContent.trim() === '' && n < 100000; n++) await frame();
        await frame();
        out.find.push({ query, ms: performance.now() - t0, matches: Number(q('[data-testid=find-count]').dataset.count) });
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        await frame();
      }
      input.blur();
      // One action per frame; work = action to reactive updates, style and layout done.
      const script = async (n, action) => {
        const work = [];
        const interval = [];
        let last = await frame();
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          action(i);
          await settle();
          q('[data-testid=timeline]')?.getBoundingClientRect();
          void document.body.offsetHeight;
          work.push(performance.now() - t0);
          const now = await frame();
          interval.push(now - last);
          last = now;
        }
        return { work, interval };
      };
      const viewport = q('.rows-viewport');
      out.scroll = await script(120, () => { viewport.scrollTop += 240; });
      const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      // Zoom in 12 steps, then out again.
      out.zoom = await script(24, (i) => key(i < 12 ? 'w' : 's'));
      out.zoomed = q('[data-testid=timeline]')?.dataset.viewEndUs;
      return out;
    });
  } finally {
    result.peak_mb = Math.max(result.peak_mb ?? 0, rendererPeakMb());
    await env.close();
  }
}

const frames = (s) => ({
  work_median_ms: +median(s.work).toFixed(1),
  work_p95_ms: +pct(s.work, 0.95).toFixed(1),
  interval_median_ms: +median(s.interval).toFixed(1),
  interval_p95_ms: +pct(s.interval, 0.95).toFixed(1),
});
console.log(JSON.stringify({
  file: path.basename(file),
  bytes: fs.statSync(file).size,
  spans: result.spans,
  runs,
  open_median_ms: Math.round(median(opens)),
  open_max_ms: Math.round(Math.max(...opens)),
  peak_mb: result.peak_mb,
  find: result.find.map((f) => ({ ...f, ms: Math.round(f.ms) })),
  scroll: frames(result.scroll),
  zoom: frames(result.zoom),
}));
