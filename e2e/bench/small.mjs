// Browser benchmark of what most people feel: the first visit and opening
// small traces, in headless Chromium against the release build.
//   - first visit: navigation start -> the page mounted with its file picker,
//     in a fresh browser context (nothing cached)
//   - open, cold: a file picked as soon as the picker is there
//   - open, warm: a file picked after the page has been open for 3 s
//   (open = file picked -> trace header and first rows painted)
//   - the size of the page's module and of the readers' module, raw and gzipped
// usage: node bench/small.mjs FILE… [--runs N]   prints one JSON object per line
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { dist, start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 5;
const files = args.filter((a, i) => a !== '--runs' && i !== at + 1);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Records when the file picker first exists (ms since navigation start). */
const WATCH_READY = () => {
  const seen = () => {
    if (window.__ready == null && document.querySelector('[data-testid=file-input]')) {
      window.__ready = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
};

/** A fresh context (empty cache) on a fresh page of `env`; returns the page once its picker is there. */
async function visit(env) {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(WATCH_READY);
  await page.goto(env.server.url);
  await page.waitForFunction(() => window.__ready != null);
  return { context, page, ready: await page.evaluate(() => window.__ready) };
}

const env = await start();
try {
  // The page's module is hashed (trace-viewer-<hash>_bg.wasm); the readers'
  // module keeps its name (trace-viewer-reader_bg.wasm).
  const wasms = fs.readdirSync(dist).filter((f) => f.endsWith('.wasm'));
  const readerWasm = wasms.find((f) => f.startsWith('trace-viewer-reader'));
  const pageWasm = wasms.find((f) => f !== readerWasm);
  const bytes = fs.readFileSync(path.join(dist, pageWasm));
  const readerBytes = readerWasm ? fs.readFileSync(path.join(dist, readerWasm)) : Buffer.alloc(0);
  const firstVisit = [];
  for (let i = 0; i < runs; i++) {
    const { context, ready } = await visit(env);
    firstVisit.push(ready);
    await context.close();
  }
  console.log(JSON.stringify({
    what: 'first visit',
    runs,
    ready_median_ms: Math.round(median(firstVisit)),
    ready_max_ms: Math.round(Math.max(...firstVisit)),
    wasm_bytes: bytes.length,
    wasm_gzip_bytes: zlib.gzipSync(bytes, { level: 9 }).length,
    reader_wasm_bytes: readerBytes.length,
    reader_wasm_gzip_bytes: zlib.gzipSync(readerBytes, { level: 9 }).length,
  }));
  for (const file of files) {
    const cold = [];
    const warm = [];
    let spans = 0;
    for (let i = 0; i < runs; i++) {
      for (const [wait, into] of [[0, cold], [3000, warm]]) {
        const { context, page } = await visit(env);
        if (wait) await page.waitForTimeout(wait);
        into.push(await timeOpen(page, file));
        spans = Number(await page.getAttribute('[data-testid=trace-total-spans]', 'data-count'));
        await context.close();
      }
    }
    console.log(JSON.stringify({
      what: 'small open',
      file: path.basename(file),
      bytes: fs.statSync(file).size,
      spans,
      runs,
      cold_median_ms: Math.round(median(cold)),
      cold_max_ms: Math.round(Math.max(...cold)),
      warm_median_ms: Math.round(median(warm)),
      warm_max_ms: Math.round(Math.max(...warm)),
    }));
  }
} finally {
  await env.close();
}
