// Opening traces another page holds (docs/embedding.md):
// an opener page on another origin (a second local server) does
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
async function openFromOpener(query = '') {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const opener = await context.newPage();
  await opener.goto(`${openerSite.url}opener.html`);
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    opener.evaluate((url) => {
      window.received = [];
      window.addEventListener('message', (e) => window.received.push({ data: e.data, origin: e.origin }));
      window.viewer = window.open(url);
    }, env.server.url + query),
  ]);
  const viewer = new Viewer(popup, env.server.url);
  await popup.waitForSelector('[data-testid=drop-zone]');
  const ready = await waitMessage(opener, 'trace-viewer:ready');
  assert.deepEqual(ready.data, { type: 'trace-viewer:ready', version: 1 });
  assert.equal(ready.origin, env.server.origin, 'the ready message comes from the viewer');
  return { context, opener, viewer };
}

/**
 * Waits for the prompt about files posted from `origin`, checks that nothing
 * loaded meanwhile, then answers it (`allow`, `always` or `deny`; `keep`
 * ticks "Keep them").
 */
async function answerPrompt(viewer, origin, answer = 'allow', { keep = false } = {}) {
  const prompt = viewer.page.locator('[data-testid=post-consent]');
  await prompt.waitFor();
  assert.ok((await prompt.textContent()).includes(origin), 'the prompt names the sender');
  assert.equal(await viewer.page.locator('[data-testid=trace-count]').count(), 0, 'nothing loads before the answer');
  if (keep) await viewer.page.check('[data-testid=post-consent-keep]');
  await viewer.page.click(`[data-testid=post-consent-${answer}]`);
  await prompt.waitFor({ state: 'detached' });
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
  await answerPrompt(viewer, openerSite.origin, 'allow', { keep: true });

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

  // Kept, as the user ticked: a reload opens both files again.
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
  await answerPrompt(viewer, openerSite.origin, 'allow', { keep: true });
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
  await answerPrompt(viewer, openerSite.origin, 'allow');
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

test('posted files are not kept unless the user ticks it', async () => {
  const { context, opener, viewer } = await openFromOpener();
  await opener.evaluate((text) => window.viewer.postMessage({ type: 'trace-viewer:open', version: 1, name: 'checkout.json', data: text }, '*'), checkoutText);
  await answerPrompt(viewer, openerSite.origin, 'allow');
  await waitMessage(opener, 'trace-viewer:opened');
  assert.deepEqual(await viewer.header(), CHECKOUT);
  await viewer.page.waitForTimeout(500);
  assert.equal(await viewer.page.locator('[data-testid=forget-files]').count(), 0, 'a posted file is not among the kept files');
  await context.close();
});

/**
 * A page on the opener's origin framing the viewer and, beside it, a frame
 * from a third origin that tries to post to the viewer.
 */
async function framed(context, siblingSite) {
  const page = await context.newPage();
  await page.goto(`${openerSite.url}opener.html`);
  await page.evaluate(({ viewerUrl, siblingUrl }) => {
    window.received = [];
    window.addEventListener('message', (e) => window.received.push({ data: e.data, origin: e.origin }));
    for (const [id, src] of [['viewer', viewerUrl], ['sibling', siblingUrl]]) {
      const f = document.createElement('iframe');
      f.id = id; f.src = src; f.style.width = '1200px'; f.style.height = '700px';
      document.body.append(f);
    }
  }, { viewerUrl: env.server.url, siblingUrl: `${siblingSite.url}opener.html` });
  const viewerFrame = () => page.frames().find((f) => f.url().startsWith(env.server.url));
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'trace-viewer:ready'));
  const frame = viewerFrame();
  await frame.waitForSelector('[data-testid=drop-zone]');
  return { page, frame };
}

test('only the framing parent is heard: a sibling frame gets no prompt and no answer; Deny, Always and Revoke', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sibling-'));
  fs.writeFileSync(path.join(dir, 'opener.html'), '<!doctype html><meta charset="utf-8"><title>sibling</title><p>An ad.</p>');
  const siblingSite = await serve(dir);
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const { page, frame } = await framed(context, siblingSite);
    const sibling = page.frames().find((f) => f.url().startsWith(siblingSite.url));
    await sibling.evaluate((text) => {
      window.received = [];
      window.addEventListener('message', (e) => window.received.push(e.data));
      for (let i = 0; i < 20; i++) {
        parent.frames[0].postMessage({ type: 'trace-viewer:open', version: 1, name: `ad-${i}.json`, data: text }, '*');
      }
    }, checkoutText);
    await page.waitForTimeout(1000);
    assert.equal(await frame.locator('[data-testid=post-consent]').count(), 0, 'no prompt for a sibling');
    assert.equal(await frame.locator('[data-testid=trace-count]').count(), 0, 'nothing loaded');
    assert.deepEqual(await sibling.evaluate(() => window.received), [], 'no answer to a sibling');

    // The parent, on another origin than the viewer's: asked; Deny leaves nothing.
    const post = (name) => page.evaluate(({ text, name }) => document.getElementById('viewer').contentWindow
      .postMessage({ type: 'trace-viewer:open', version: 1, name, data: text }, '*'), { text: checkoutText, name });
    await post('denied.json');
    const prompt = frame.locator('[data-testid=post-consent]');
    await prompt.waitFor();
    assert.ok((await prompt.textContent()).includes(openerSite.origin));
    assert.match(await prompt.textContent(), /denied\.json/);
    await frame.click('[data-testid=post-consent-deny]');
    await page.waitForTimeout(500);
    assert.equal(await frame.locator('[data-testid=trace-count]').count(), 0, 'Deny leaves nothing');
    await post('again.json');
    await page.waitForTimeout(500);
    assert.equal(await frame.locator('[data-testid=post-consent]').count(), 0, 'denied for this visit: not asked again');
    assert.equal(await page.evaluate(() => window.received.filter((m) => m.data?.type === 'trace-viewer:opened').length), 0);

    // A new visit: Always allow; remembered on the next visit, then revoked.
    await page.close();
    const third = await framed(context, siblingSite);
    const post3 = () => third.page.evaluate((text) => document.getElementById('viewer').contentWindow
      .postMessage({ type: 'trace-viewer:open', version: 1, name: 'always.json', data: text }, '*'), checkoutText);
    await post3();
    await third.frame.waitForSelector('[data-testid=post-consent]');
    await third.frame.click('[data-testid=post-consent-always]');
    await third.frame.waitForSelector('[data-testid=trace-count]');
    await third.page.close();
    const fourth = await framed(context, siblingSite);
    await fourth.page.evaluate((text) => document.getElementById('viewer').contentWindow
      .postMessage({ type: 'trace-viewer:open', version: 1, name: 'remembered.json', data: text }, '*'), checkoutText);
    await fourth.frame.waitForSelector('[data-testid=trace-count]');
    assert.equal(await fourth.frame.locator('[data-testid=post-consent]').count(), 0, 'always allowed: not asked');
    const listed = fourth.frame.locator(`[data-testid=allowed-origin][data-origin="${openerSite.origin}"]`);
    await fourth.frame.click('[data-testid=allowed-origins] summary');
    await listed.waitFor();
    await fourth.page.screenshot({ path: path.join(process.cwd(), 'screenshots', 'postmessage-allowed-origins.png') });
    await fourth.frame.click('[data-testid=allowed-origin-revoke]');
    await fourth.page.close();
    const fifth = await framed(context, siblingSite);
    await fifth.page.evaluate((text) => document.getElementById('viewer').contentWindow
      .postMessage({ type: 'trace-viewer:open', version: 1, name: 'revoked.json', data: text }, '*'), checkoutText);
    await fifth.frame.waitForSelector('[data-testid=post-consent]');
    assert.equal(await fifth.frame.locator('[data-testid=trace-count]').count(), 0, 'revoked: asked again');
  } finally {
    await context.close();
    await siblingSite.close();
  }
});

test("Perfetto's handshake (PING, PONG, {perfetto: {buffer, title, fileName}}) opens a trace", async () => {
  const { context, opener, viewer } = await openFromOpener();
  await opener.evaluate(async () => {
    const pong = new Promise((resolve) => window.addEventListener('message', (e) => e.data === 'PONG' && resolve()));
    const timer = setInterval(() => window.viewer.postMessage('PING', '*'), 50);
    await pong;
    clearInterval(timer);
  });
  await opener.evaluate((text) => {
    const buffer = new TextEncoder().encode(text).buffer;
    window.viewer.postMessage({ perfetto: { buffer, title: 'Checkout', fileName: 'checkout.json' } }, '*', [buffer]);
  }, checkoutText);
  const prompt = viewer.page.locator('[data-testid=post-consent]');
  await prompt.waitFor();
  assert.match(await prompt.textContent(), /checkout\.json/);
  await viewer.page.click('[data-testid=post-consent-allow]');
  assert.deepEqual(await viewer.header(), CHECKOUT, 'the posted trace opens');
  await viewer.screenshot('postmessage-perfetto');
  await context.close();
});

test('a posted file over the memory budget is refused before it is read', async () => {
  const { context, opener, viewer } = await openFromOpener('?debug');
  await viewer.page.waitForFunction(() => window.traceViewerDebug);
  await viewer.page.evaluate(() => window.traceViewerDebug.budget(1_000_000));
  await opener.evaluate(() => {
    const big = new Uint8Array(3_000_000).fill(32);
    window.viewer.postMessage({ type: 'trace-viewer:open', version: 1, name: 'big.json', data: big.buffer }, '*', [big.buffer]);
  });
  await answerPrompt(viewer, openerSite.origin, 'allow');
  const opened = await waitMessage(opener, 'trace-viewer:opened');
  assert.equal(opened.data.traces, 0);
  assert.deepEqual(opened.data.errors.map((e) => e.file), ['big.json']);
  assert.match(opened.data.errors[0].message, /not opened/);
  const error = viewer.page.locator('[data-testid=load-error][data-file="big.json"]');
  await error.waitFor();
  assert.equal(await viewer.page.locator('[data-testid=load-progress]').count(), 0, 'nothing was read');
  await context.close();
});
