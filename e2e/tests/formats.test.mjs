// More ways in: every dialect through one drop zone, pasted text, ?url=, and
// a trace split over two files merged into one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, Viewer, fixture, fixtureFile } from '../lib/viewer.mjs';
import { serve } from '../lib/server.mjs';

let env;
let other; // a second origin, without CORS headers
before(async () => {
  env = await start({ 'traces/checkout.json': fixture('jaeger-checkout.json') });
  other = await serve(fixture('.'));
});
after(async () => {
  await env?.close();
  await other?.close();
});

// The checkout trace (tests/fixtures/jaeger-checkout.json) in other dialects.
const CHECKOUT = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startUs: 1700000000000000, durationUs: 150000, services: 3, depth: 4, spans: 7, errors: 1 };

test('Zipkin, Python console, Go stdouttrace and OTLP files of one trace show the same header', async () => {
  for (const file of ['zipkin-v2.json', 'python-console.txt', 'go-stdouttrace.json', 'otlp-base64-enum-names.json']) {
    const v = await Viewer.open(env);
    await v.drop([{ name: file, content: fs.readFileSync(fixture(`same-trace/${file}`), 'utf8') }]);
    assert.deepEqual(await v.header(), CHECKOUT, file);
    assert.equal((await v.spanRows()).length, 7, file);
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  }
});

test('pasted text loads like a file', async () => {
  const v = await Viewer.open(env);
  await v.page.click('[data-testid=paste-toggle]');
  await v.page.fill('[data-testid=paste-input]', fixtureFile('jaeger-checkout.json').content);
  await v.screenshot('paste-panel');
  await v.page.click('[data-testid=paste-load]');
  assert.deepEqual(await v.header(), CHECKOUT);
  await v.page.close();
});

test('?url= loads a file from an address, and explains failures', async () => {
  const ok = await Viewer.open(env, { hash: '?url=traces/checkout.json' });
  assert.deepEqual(await ok.header(), CHECKOUT, 'on the page\'s own origin: no prompt');
  assert.equal(await ok.page.locator('[data-testid=link-consent]').count(), 0);
  await ok.page.close();

  const missing = await Viewer.open(env, { hash: '?url=traces/nope.json' });
  await missing.page.waitForSelector('[data-testid=load-error]');
  assert.match(await missing.page.textContent('[data-testid=load-error]'), /\btraces\/nope\.json: the server answered 404/);
  await missing.page.close();

  const cors = await Viewer.open(env, { hash: `?url=${encodeURIComponent(other.url + 'jaeger-checkout.json')}` });
  await cors.page.click('[data-testid=link-consent-allow]');
  await cors.page.waitForSelector('[data-testid=load-error]');
  assert.match(await cors.page.textContent('[data-testid=load-error]'), /could not fetch it .*CORS/);
  await cors.page.close();
});

test('a trace split over two files is merged into one', async () => {
  const doc = JSON.parse(fixtureFile('jaeger-checkout.json').content);
  const half = (frontend) => {
    const d = structuredClone(doc);
    d.data[0].spans = d.data[0].spans.filter((s) => (s.processID === 'p1') === frontend);
    return JSON.stringify(d);
  };
  const v = await Viewer.open(env);
  await v.drop([{ name: 'frontend.json', content: half(true) }]);
  assert.equal((await v.header()).spans, 4);
  await v.drop([{ name: 'backend.json', content: half(false) }]);
  await v.page.waitForFunction(() => document.querySelector('[data-testid=trace-total-spans]')?.dataset.count === '7');
  assert.deepEqual(await v.header(), CHECKOUT);
  assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), '1');
  const warnings = await v.page.textContent('[data-testid=load-warnings][data-file="backend.json"]');
  assert.match(warnings, /spans were merged/);
  await v.page.close();

  // Both halves in one drop: one trace, opened directly.
  const both = await Viewer.open(env);
  await both.drop([{ name: 'frontend.json', content: half(true) }, { name: 'backend.json', content: half(false) }]);
  assert.deepEqual(await both.header(), CHECKOUT);
  await both.page.close();
});

test('clock skew is flagged and can be corrected', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-clock-skew.json')]);
  await v.page.waitForSelector('[data-testid=clock-skew]');
  assert.match(await v.page.textContent('[data-testid=clock-skew]'), /1 span on another service lie outside their parent/);
  assert.match(await v.page.textContent('[data-testid=load-warnings]'), /clock skew/);
  let h = await v.header();
  assert.equal(h.durationUs, 160); // 90 µs .. 250 µs, the server starting before its client
  await v.page.click('[data-testid=clock-skew-toggle]');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=trace-duration]').dataset.durationUs === '150');
  h = await v.header();
  assert.equal(h.startUs, 1700000000000100);
  await v.page.click('[data-span-id="0000000000000002"]');
  assert.match(await v.page.textContent('[data-testid=span-detail]'), /Clock skew\s*moved \+40µs to fit its parent/);
  await v.screenshot('clock-skew-corrected');
  await v.page.click('[data-testid=clock-skew-toggle]');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=trace-duration]').dataset.durationUs === '160');
  await v.page.close();
});
