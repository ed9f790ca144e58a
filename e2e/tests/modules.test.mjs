// Two WebAssembly modules (docs/development.md, "How it is built"): the page's, built for
// size, links no reader; the readers' module is fetched and compiled once,
// handed to every loading worker, and run on the page's own thread for small
// files, where a panic fails that file and not the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, Viewer, dist, fixture } from '../lib/viewer.mjs';
import { shapeFile } from '../lib/shapes.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Messages only the readers produce (their detection's words). */
const READER_ONLY = [
  'this is a list of trace summaries (Jaeger api/v3/trace-summaries)',
  'counter, flow, sample or unmatched end events',
];

test('the page\'s module links no reader; the readers\' module has them', () => {
  const wasms = fs.readdirSync(dist).filter((f) => f.endsWith('.wasm'));
  const reader = wasms.find((f) => f === 'trace-viewer-reader_bg.wasm');
  const page = wasms.find((f) => /^trace-viewer-[0-9a-f]+_bg\.wasm$/.test(f));
  assert.ok(reader && page, `both modules are in dist: ${wasms.join(' ')}`);
  const pageBytes = fs.readFileSync(path.join(dist, page));
  const readerBytes = fs.readFileSync(path.join(dist, reader));
  for (const words of READER_ONLY) {
    assert.ok(readerBytes.includes(words), `the readers' module says "${words}"`);
    assert.ok(!pageBytes.includes(words), `the page's module does not say "${words}"`);
  }
});

test('the readers\' module is fetched once: a small file is read on the page, a large one by a worker given the same module', { timeout: 180_000 }, async () => {
  const v = await Viewer.open(env);
  const fetched = [];
  v.page.context().on('request', (r) => {
    // The service worker's copy for offline use is not the page fetching it.
    if (r.url().includes('trace-viewer-reader_bg.wasm') && !r.serviceWorker()) fetched.push(r.url());
  });
  const workers = [];
  v.page.on('worker', (w) => workers.push(w.url()));
  await v.pick([fixture('jaeger-checkout.json')]);
  assert.equal((await v.header()).spans, 7);
  const big = shapeFile('default', 40_000, 'jaeger');
  assert.ok(fs.statSync(big).size > 4 << 20, 'the large file is past what the page reads itself');
  await v.pick([big]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 2, null, { timeout: 120_000 });
  await v.page.evaluate(() => { location.hash = '#/'; });
  await v.page.click('[data-testid=trace-row][data-span-count="40000"]');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=trace-total-spans]')?.dataset.count === '40000', null, { timeout: 120_000 });
  assert.ok(workers.length >= 1, 'a worker read the large file');
  // Fetched by the page before the listener above, and by nobody since.
  assert.deepEqual(fetched, [], 'no worker fetched the readers\' module again');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('a panic in the readers on the page\'s thread fails that file, names it, and the next file opens', { timeout: 120_000 }, async () => {
  const v = await Viewer.open(env, { query: '?debug' });
  await v.pick([fixture('jaeger-checkout.json')]);
  assert.equal((await v.header()).spans, 7);
  await v.page.evaluate(() => window.traceViewerDebug.workers('panic-on-page'));
  await v.pick([fixture('otlp-three-traces.json')]);
  const problem = v.page.locator('[data-testid=load-error]');
  await problem.first().waitFor();
  const text = await problem.first().textContent();
  assert.match(text, /otlp-three-traces\.json/, 'the message names the file');
  assert.match(text, /internal error \(a panic\)/);
  assert.match(text, /forced by the page's debug hook/, 'the panic\'s own words reach the page');
  assert.equal(await v.page.locator('[data-testid=fatal-error]').count(), 0, 'the page did not stop');
  assert.equal((await v.header()).spans, 7, 'the trace open before is still shown');
  await v.page.evaluate(() => window.traceViewerDebug.workers('normal'));
  await v.pick([fixture('otlp-three-traces.json')]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 4);
  await v.screenshot('modules-panic-on-page');
  await v.page.close();
});
