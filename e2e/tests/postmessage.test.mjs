// Opening traces another page holds (README: "Opening traces from another
// page"): an opener page on another origin (a second local server) does
// `window.open(viewer)`, waits for {type: 'trace-viewer:ready'}, posts
// {type: 'trace-viewer:open', files: [{name, data}]} and gets
// {type: 'trace-viewer:opened', traces, errors} back. Text, a transferred
// ArrayBuffer and a gzip Blob load as dropped files do, `select` opens a
// span, posted files are kept like dropped ones unless `keep: false`, and a
// malformed message or a bad file is named on the page, which keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { start, Viewer, fixture } from '../lib/viewer.mjs';
import { serve } from '../lib/server.mjs';

const CHECKOUT = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startUs: 1700000000000000, durationUs: 150000, services: 3, depth: 4, spans: 7, errors: 1 };
/** A span of the checkout trace (GetCart), not its root. */
const SPAN = '00f067aa0ba902b5';
const checkoutText = fs.readFileSync(fixture('jaeger-checkout.json'), 'utf8');
const threeText = fs.readFileSync(fixture('otlp-three-traces.json'), 'utf8');

let env;
let openerSite; // another origin than the viewer's
before(async () => {
  env = await start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opener-'));
  fs.writeFileSync(path.join(dir, 'opener.html'), '<!doctype html><meta charset="utf-8"><title>opener</title><p>A page holding traces.</p>');
  openerSite = await serve(dir);
});
after(async () => {
  await env?.close();
  await openerSite?.close();
});

/**
 * An opener page that records every message it receives, and the viewer it
 * opened with window.open (as a Viewer on the popup).
 */
async function openFromOpener() {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const opener = await context.newPage();
  await opener.goto(`${openerSite.url}opener.html`);
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    opener.evaluate((url) => {
      window.received = [];
      window.addEventListener('message', (e) => window.received.push({ data: e.data, origin: e.origin }));
      window.viewer = window.open(url);
    }, env.server.url),
  ]);
  const viewer = new Viewer(popup, env.server.url);
  await popup.waitForSelector('[data-testid=drop-zone]');
  const ready = await waitMessage(opener, 'trace-viewer:ready');
  assert.deepEqual(ready.data, { type: 'trace-viewer:ready', version: 1 });
  assert.equal(ready.origin, env.server.origin, 'the ready message comes from the viewer');
  return { context, opener, viewer };
}

/** The `n`th message of `type` the opener received (waits for it). */
async function waitMessage(opener, type, n = 1) {
  const handle = await opener.waitForFunction(
    ({ type, n }) => window.received.filter((m) => m.data?.type === type)[n - 1],
    { type, n },
  );
  return handle.jsonValue();
}

test('an opener posts text and an ArrayBuffer: the viewer opens the selected span and answers with the count', async () => {
  const { context, opener, viewer } = await openFromOpener();
  await opener.evaluate(({ checkoutText, threeText, span }) => {
    const bytes = new TextEncoder().encode(threeText).buffer;
    window.viewer.postMessage({
      type: 'trace-viewer:open',
      version: 1,
      files: [
        { name: 'jaeger-checkout.json', data: checkoutText },
        { name: 'three.json', data: bytes },
      ],
      select: { spanId: span },
    }, '*', [bytes]);
  }, { checkoutText, threeText, span: SPAN });

  const opened = await waitMessage(opener, 'trace-viewer:opened');
  assert.deepEqual(opened.data, { type: 'trace-viewer:opened', version: 1, traces: 4, errors: [] });
  assert.equal(opened.origin, env.server.origin);
  assert.deepEqual(await viewer.header(), CHECKOUT, 'the trace holding the selected span is open');
  const detail = viewer.page.locator('[data-testid=span-detail]');
  await detail.waitFor();
  assert.equal(await detail.getAttribute('data-span-id'), SPAN);
  assert.equal(await viewer.page.getAttribute('[data-testid=trace-count]', 'data-count'), '4', 'both files loaded');
  assert.match(viewer.page.url(), new RegExp(`#/trace/${CHECKOUT.traceId}\\?span=${SPAN}`));
  await viewer.screenshot('postmessage-opened');

  // Kept like a dropped file: a reload opens both files again.
  await viewer.page.waitForFunction(() => Number(document.querySelector('[data-testid=forget-files]')?.dataset.count ?? 0) === 2);
  await viewer.page.reload();
  assert.deepEqual(await viewer.header(), CHECKOUT);
  assert.equal(await viewer.page.getAttribute('[data-testid=trace-count]', 'data-count'), '4');
  assert.deepEqual(viewer.pageErrors, []);
  await context.close();
});

test('the one-file form with a gzip Blob opens the trace; keep: false is not kept', async () => {
  const { context, opener, viewer } = await openFromOpener();
  const gzip = [...zlib.gzipSync(Buffer.from(checkoutText))];
  await opener.evaluate((gzip) => {
    window.viewer.postMessage({
      type: 'trace-viewer:open',
      version: 1,
      name: 'checkout.json.gz',
      data: new Blob([new Uint8Array(gzip)]),
      keep: false,
    }, '*');
  }, gzip);
  const opened = await waitMessage(opener, 'trace-viewer:opened');
  assert.equal(opened.data.traces, 1);
  assert.deepEqual(opened.data.errors, []);
  assert.deepEqual(await viewer.header(), CHECKOUT);
  assert.equal(await viewer.page.locator('[data-testid=forget-files]').count(), 0, 'nothing kept');
  await viewer.page.goto(env.server.url);
  await viewer.page.waitForSelector('[data-testid=drop-zone]');
  await viewer.page.waitForTimeout(300);
  assert.equal(await viewer.page.locator('[data-testid=trace-count]').count(), 0, 'nothing reopens');
  assert.deepEqual(viewer.pageErrors, []);
  await context.close();
});

test('a malformed message and bad files are named on the page, which keeps what it had and keeps working', async () => {
  const { context, opener, viewer } = await openFromOpener();
  const post = (message) => opener.evaluate((m) => window.viewer.postMessage(m, '*'), message);
  await post({ type: 'trace-viewer:open', version: 1, files: [{ name: 'jaeger-checkout.json', data: checkoutText }] });
  await waitMessage(opener, 'trace-viewer:opened', 1);
  assert.deepEqual(await viewer.header(), CHECKOUT);

  // Not ours: ignored without a word.
  await post('hello');
  await post({ type: 'something-else', files: 42 });
  // Ours, but nothing in it can be opened.
  await post({ type: 'trace-viewer:open', version: 1, files: 'checkout.json' });
  const malformed = await waitMessage(opener, 'trace-viewer:opened', 2);
  const messageName = `message from ${openerSite.origin}`;
  assert.equal(malformed.data.traces, 0);
  assert.deepEqual(malformed.data.errors.map((e) => e.file), [messageName]);
  assert.match(malformed.data.errors[0].message, /files is a string, not an array/);
  const alert = viewer.page.locator(`[data-testid=load-error][data-file="${messageName}"]`);
  await alert.waitFor();
  assert.match(await alert.textContent(), /files is a string/);

  // A file that is not a trace and one whose data is a number.
  await post({
    type: 'trace-viewer:open',
    version: 1,
    files: [{ name: 'broken.json', data: '{"data": [' }, { name: 'numbers.json', data: 42 }],
  });
  const bad = await waitMessage(opener, 'trace-viewer:opened', 3);
  assert.equal(bad.data.traces, 0);
  assert.deepEqual(bad.data.errors.map((e) => e.file), ['broken.json', 'numbers.json']);
  for (const file of ['broken.json', 'numbers.json']) {
    const error = viewer.page.locator(`[data-testid=load-error][data-file="${file}"]`);
    await error.waitFor();
    assert.match(await error.getAttribute('role'), /alert/);
    assert.match(await error.textContent(), new RegExp(file.replace('.', '\\.')));
  }
  assert.match(await viewer.page.textContent('[data-testid=load-error][data-file="numbers.json"]'), /its data is a number/);
  assert.deepEqual(await viewer.header(), CHECKOUT, 'what was loaded stays');
  assert.equal(await viewer.page.getAttribute('[data-testid=trace-count]', 'data-count'), '1');
  await viewer.screenshot('postmessage-errors');

  // Still working: another trace posted opens beside the first.
  await post({ type: 'trace-viewer:open', version: 1, files: [{ name: 'three.json', data: threeText }] });
  const more = await waitMessage(opener, 'trace-viewer:opened', 4);
  assert.equal(more.data.traces, 3);
  await viewer.page.waitForFunction(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '4');
  assert.deepEqual(await viewer.header(), CHECKOUT, 'the trace shown stays open');
  assert.equal(await opener.evaluate(() => window.received.filter((m) => m.data?.type === 'trace-viewer:opened').length), 4,
    'one answer per open message, none for the others');
  assert.deepEqual(viewer.pageErrors, []);
  await context.close();
});
