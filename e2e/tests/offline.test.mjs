// The offline copy (scripts/sw.js, written into the build by
// scripts/offline.mjs): after one visit the page opens with the network cut
// and an example opens from the cache; nothing else is answered from it; a
// new build is installed at the next visit and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, Viewer, dist, fixtureFile } from '../lib/viewer.mjs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-'));
// Served beside the build: a trace file the user opens by a link (it must
// never be kept), and later a second version of the service worker.
const extra = { 'traces/mine.json': path.join(work, 'mine.json') };
fs.writeFileSync(extra['traces/mine.json'], fixtureFile('otlp-three-traces.json').content);
let env;
before(async () => {
  env = await start(extra);
});
after(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A page in a context of its own, once its service worker is active and
 * the page is under it (the first load never is: it came from the network). */
async function visited() {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const v = new Viewer(page, env.server.url);
  await page.goto(`${env.server.url}#url=traces/mine.json`);
  await page.waitForSelector('[data-testid=trace-row]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.goto(env.server.url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return { context, page, v };
}

test('after one visit the page opens without the network, and a cached example opens', async () => {
  const { context, page, v } = await visited();
  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls = [];
    for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    return urls;
  });
  assert.ok(kept.some((u) => u.endsWith('/index.html')), 'the page itself');
  assert.ok(kept.some((u) => u.endsWith('_bg.wasm')), 'its wasm');
  assert.ok(kept.some((u) => u.endsWith('examples/checkout-jaeger.json')), 'the examples');
  assert.deepEqual(kept.filter((u) => u.includes('mine.json')), [], 'nothing the user opened');

  await context.setOffline(true);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  // Really offline: what is not the page's own fails.
  const mine = await page.evaluate(() => fetch('traces/mine.json').then(() => 'fetched', () => 'failed'));
  assert.equal(mine, 'failed');
  // The kept file (Keep files is on) reopens from the browser's own
  // storage: its three traces; then an example opens from the cache.
  await page.waitForSelector('[data-testid=trace-count][data-count="3"]');
  await page.evaluate(() => { location.hash = '#url=examples/checkout-jaeger.json'; });
  await page.waitForSelector('[data-testid=trace-count][data-count="4"]');
  assert.equal(await page.$('[data-testid=load-error]'), null, 'no file failed to load');
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});

test('a new build is taken at the next visit, with a note', async () => {
  const { context, page, v } = await visited();
  assert.equal(await page.$('[data-testid=new-version]'), null, 'no note while the version is the same');
  // The next build: another sw.js (another version).
  const next = path.join(work, 'sw.js');
  fs.writeFileSync(next, fs.readFileSync(path.join(dist, 'sw.js'), 'utf8').replace(/const VERSION = '[0-9a-f]+'/, "const VERSION = 'next'"));
  extra['sw.js'] = next;
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=new-version]', { timeout: 20_000 });
  await v.screenshot('new-version');
  const caches = await page.evaluate(() => caches.keys());
  assert.deepEqual(caches, ['trace-viewer-next'], 'the old version\'s cache is gone');
  delete extra['sw.js'];
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});
