// Browser benchmark: time from a file drop to the trace header and first
// timeline rows painted, in headless Chromium against the release build.
// usage: node bench/drop-to-paint.mjs FILE [runs]
import path from 'node:path';
import { start } from '../lib/viewer.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
if (!file) {
  console.error('usage: node bench/drop-to-paint.mjs FILE [runs]');
  process.exit(2);
}
const env = await start({ '/bench-input.json': path.resolve(file) });
const times = [];
let spans = 0;
try {
  for (let i = 0; i < runs; i++) {
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid=drop-zone]');
    const result = await page.evaluate(async (name) => {
      const blob = await (await fetch('/bench-input.json')).blob();
      const file = new File([blob], name, { type: 'application/json' });
      const dt = new DataTransfer();
      dt.items.add(file);
      const zone = document.querySelector('[data-testid=drop-zone]');
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      await frame();
      const t0 = performance.now();
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      for (;;) {
        await frame();
        if (document.querySelector('[data-testid=span-row]') && document.querySelector('[data-testid=trace-header]')) break;
        const err = document.querySelector('[data-testid=load-error]');
        if (err) throw new Error(err.textContent);
      }
      await frame(); // the frame that paints them
      const ms = performance.now() - t0;
      const spans = Number(document.querySelector('[data-testid=trace-total-spans]').dataset.count);
      return { ms, spans, rows: document.querySelectorAll('[data-testid=span-row]').length };
    }, path.basename(file));
    times.push(result.ms);
    spans = result.spans;
    await page.close();
  }
} finally {
  await env.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({ file: path.basename(file), spans, runs, median_ms: Math.round(median), min_ms: Math.round(times[0]), max_ms: Math.round(times[times.length - 1]) }));
