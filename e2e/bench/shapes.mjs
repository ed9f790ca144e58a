// Browser benchmark of every trace shape (gen-trace --shape), in headless
// Chromium against the release build: file picked -> trace header and first
// rows painted (for the many-traces shape: the list, then the first trace
// opened), median of `runs`, with the renderer's peak memory. Prints one
// JSON object per file.
// usage: node bench/shapes.mjs runs FILE…   (files named <shape>-<spans>-….json)
import fs from 'node:fs';
import path from 'node:path';
import { start } from '../lib/viewer.mjs';

const runs = Number(process.argv[2] ?? 3);
const files = process.argv.slice(3);
if (!files.length) {
  console.error('usage: node bench/shapes.mjs runs FILE…');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const file of files) {
  const [shape, spans] = path.basename(file).split('-');
  const bytes = fs.statSync(file).size;
  const opens = [];
  let error = null;
  for (let i = 0; i < runs && !error; i++) {
    const env = await start();
    try {
      const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(300_000);
      await page.goto(env.server.url);
      await page.waitForSelector('[data-testid=drop-zone]');
      await page.waitForTimeout(1000); // a user takes this long to pick a file
      await page.evaluate(() => {
        window.__picked = null;
        document.addEventListener('change', () => (window.__picked ??= performance.now()), true);
      });
      await page.setInputFiles('[data-testid=file-input]', path.resolve(file));
      opens.push(await page.evaluate(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        for (;;) {
          await frame();
          const err = document.querySelector('[data-testid=load-error]');
          if (err) throw new Error(err.textContent);
          const row = document.querySelector('[data-testid=trace-row]');
          if (row && !document.querySelector('[data-testid=trace-header]')) row.click();
          if (document.querySelector('[data-testid=span-row]') && document.querySelector('[data-testid=trace-header]')) break;
        }
        await frame();
        return performance.now() - window.__picked;
      }));
    } catch (e) {
      error = String(e.message ?? e).split('\n')[0].slice(0, 200);
    } finally {
      await env.close();
    }
  }
  console.log(JSON.stringify({ shape, spans: Number(spans), bytes, runs: opens.length, open_ms: opens.length ? Math.round(median(opens)) : null, error }));
}
