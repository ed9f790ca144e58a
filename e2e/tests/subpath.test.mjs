// The build GitHub Pages serves (`trunk build --release --public-url ./`),
// served under a sub-path as Pages serves a project's site (/<repo>/): every
// asset URL in the page is relative, and the page, its wasm and its loading
// workers ask for nothing outside the sub-path. (Every other e2e test runs
// against the same build under the same sub-path; see lib/server.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, dist, fixture } from '../lib/viewer.mjs';
import { absoluteAsset } from '../lib/server.mjs';
import { manyTraces } from '../lib/many.mjs';

let env;
before(async () => {
  env = await start({ 'traces/checkout.json': fixture('jaeger-checkout.json') });
});
after(async () => {
  await env?.close();
});

test('the build\'s index.html names its assets by relative URLs', () => {
  assert.equal(absoluteAsset(dist), null);
});

test('the server answers only under the sub-path, as GitHub Pages does', async () => {
  const { origin, base, url } = env.server;
  assert.notEqual(base, '/');
  assert.equal(url, origin + base);
  assert.equal((await fetch(url)).status, 200);
  assert.equal((await fetch(`${origin}/`)).status, 404, 'nothing at the origin\'s root');
  const bare = await fetch(origin + base.slice(0, -1), { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), base);
});

test('under the sub-path the page, its wasm and its workers load, and every request stays under it', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const failed = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('requestfailed', (r) => failed.push(r.url()));
  context.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  const v = new Viewer(page, env.server.url);
  let workers = 0;
  page.on('worker', () => { workers += 1; });
  // A file fetched by a relative ?url= address, then one dropped that is
  // large enough (over 2 MB) to be read in a worker, which imports the glue.
  await page.goto(`${env.server.url}?url=traces/checkout.json`);
  assert.equal((await v.header()).spans, 7);
  await v.drop([{ name: 'day.json', content: manyTraces(2000) }]);
  await page.waitForFunction(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '2001', null, { timeout: 60_000 });
  assert.ok(workers > 0, 'the large file was read in a worker');

  const local = requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.ok(local.some((u) => u.endsWith('.wasm')), `the wasm was fetched: ${local.join(' ')}`);
  assert.ok(local.some((u) => u.endsWith('/traces/checkout.json')), '?url= fetched the file');
  assert.deepEqual(local.filter((u) => !u.startsWith(env.server.url)), [], 'every request is under the sub-path');
  assert.deepEqual(failed, [], 'no request failed');
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});
