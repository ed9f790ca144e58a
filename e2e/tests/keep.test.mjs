// Nothing lost: opened files are kept in the browser's own storage (OPFS)
// and reopen after a reload; after a crash the next visit lists them and
// asks first (no crash loop); stored files nothing names are removed; a worker that dies or never starts
// leaves what is loaded in place. The page is opened with `?debug`, which
// exposes window.traceViewerDebug (force a panic, make workers misbehave).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixture, fixtureFile } from '../lib/viewer.mjs';
import { manyTraces } from '../lib/many.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const JAEGER_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

async function open(hash = '') {
  const v = await Viewer.open(env, { hash: `?debug${hash}` });
  await v.page.waitForFunction(() => typeof window.traceViewerDebug === 'object');
  return v;
}

async function waitRows(v, n) {
  await v.page.waitForFunction((n) => document.querySelectorAll('[data-testid=trace-row]').length === n, n);
}

/** Waits until the top bar says `n` files are kept. */
async function waitKept(v, n) {
  await v.page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=forget-files]')?.dataset.count ?? 0) === n,
    n,
  );
}

async function traceCount(v) {
  return v.page.evaluate(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count ?? 0));
}

test('after a forced panic the reload asks before reopening: Skip starts empty and keeps the files, a later Allow reopens them', async () => {
  const v = await open();
  assert.equal(await v.page.isChecked('[data-testid=keep-toggle]'), true, 'keeping is on by default');
  await v.pick([fixture('otlp-three-traces.json'), fixture('jaeger-checkout.json')]);
  await waitRows(v, 4);
  await waitKept(v, 2);
  assert.match(await v.page.textContent('[data-testid=forget-files]'), /Forget 2 kept files/);
  const rows = await v.traceRows();
  await v.page.evaluate((id) => { location.hash = `#/trace/${id}`; }, JAEGER_ID);
  const header = await v.header();
  assert.equal(header.traceId, JAEGER_ID);

  // The panic ends in a wasm trap, which reaches the caller as an exception.
  await v.page.evaluate(() => window.traceViewerDebug.panic()).catch(() => {});
  const banner = v.page.locator('[data-testid=fatal-error]');
  await banner.waitFor();
  const text = await banner.textContent();
  assert.match(text, /internal error and stopped/);
  assert.match(text, /forced by the page's debug hook/, 'the banner says what happened');
  assert.match(text, /2 files you opened are kept.*asks before reopening/);
  assert.equal(await v.page.textContent('[data-testid=reload-reopen]'), 'Reload');
  await v.screenshot('keep-panic-banner');

  v.pageErrors.length = 0;
  await Promise.all([v.page.waitForEvent('load'), v.page.click('[data-testid=reload-reopen]')]);
  const prompt = v.page.locator('[data-testid=reopen-prompt]');
  await prompt.waitFor();
  const listed = await v.page.$$eval('[data-testid=reopen-file]', (els) => els.map((e) => e.textContent));
  assert.equal(listed.length, 2);
  assert.match(listed.join('\n'), /otlp-three-traces\.json \(\d+ kB\)/);
  assert.match(listed.join('\n'), /jaeger-checkout\.json \(\d+ kB\)/);
  await v.screenshot('keep-reopen-prompt');
  // Nothing was reopened on its own.
  await v.page.waitForTimeout(500);
  assert.equal(await traceCount(v), 0);

  await v.page.click('[data-testid=reopen-skip]');
  assert.equal(await prompt.count(), 0);
  await v.page.waitForTimeout(500);
  assert.equal(await traceCount(v), 0, 'Skip starts empty');
  await waitKept(v, 2);

  // The next visit asks again; Allow reopens the same traces.
  await v.page.reload();
  await prompt.waitFor();
  await v.page.click('[data-testid=reopen-allow]');
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 4);
  assert.deepEqual(await v.header(), header, 'the same trace page, the same header');
  await v.page.click('[data-testid=trace-count]');
  await waitRows(v, 4);
  assert.deepEqual(await v.traceRows(), rows);
  await waitKept(v, 2);
  // Answered: a normal visit after that reopens at once.
  await v.page.waitForTimeout(300);
  await v.page.reload();
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 4);
  assert.equal(await prompt.count(), 0);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('a stored file that the list of kept files does not name is removed at start', async () => {
  const v = await open();
  await v.pick([fixture('jaeger-checkout.json')]);
  await waitKept(v, 1);
  const names = () => v.page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('kept-files', { create: true });
    const out = [];
    for await (const [name] of dir.entries()) out.push(name);
    return out.sort();
  });
  await v.page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('kept-files', { create: true });
    const w = await (await dir.getFileHandle('orphan.json', { create: true })).createWritable();
    await w.write('{"data":[]}');
    await w.close();
  });
  const before = await names();
  assert.equal(before.length, 2);
  assert.ok(before.includes('orphan.json'));
  await v.page.reload();
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 1);
  for (let i = 0; i < 50 && (await names()).includes('orphan.json'); i++) await v.page.waitForTimeout(100);
  const after = await names();
  assert.equal(after.length, 1, `left: ${after}`);
  assert.ok(!after.includes('orphan.json'));
  await waitKept(v, 1);
  await v.page.close();
});

test('"Forget" while a large file is still being copied leaves nothing stored', async () => {
  const v = await open();
  await v.pick([fixture('jaeger-checkout.json')]);
  await waitKept(v, 1);
  const content = manyTraces(7500);
  await v.drop([{ name: 'day.json', content }]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 7501);
  // Input holds the copy between its slices; Forget comes meanwhile.
  await v.page.mouse.move(700, 500);
  for (let i = 0; i < 8; i++) {
    await v.page.mouse.wheel(0, 120);
    await v.page.waitForTimeout(100);
  }
  await v.page.click('[data-testid=forget-files]');
  const stored = () => v.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names = [];
    for await (const [name, handle] of root.entries()) {
      if (handle.kind === 'directory') {
        for await (const [inner] of handle.entries()) names.push(`${name}/${inner}`);
      } else names.push(name);
    }
    return names;
  });
  // Quiet now: the copy would go on; it stops instead.
  await v.page.waitForTimeout(4000);
  assert.deepEqual(await stored(), [], 'no kept file is left in storage');
  assert.equal(await v.page.locator('[data-testid=forget-files]').count(), 0);
  assert.equal(await v.page.locator('[data-testid=load-note]').count(), 0, 'no "could not be kept" note');
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.page.waitForTimeout(1000);
  assert.equal(await traceCount(v), 0);
  await v.page.close();
});

test('the page\'s wasm stopping without a panic (as when memory runs out) shows the same banner', async () => {
  const v = await open();
  await v.pick([fixture('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'));
  const header = await v.header();
  await waitKept(v, 1);
  // From a timer, so that the trap reaches the window as an uncaught error.
  await v.page.evaluate(() => setTimeout(() => window.traceViewerDebug.abort(), 0));
  const banner = v.page.locator('[data-testid=fatal-error]');
  await banner.waitFor();
  assert.match(await banner.textContent(), /ran out of memory/);
  assert.match(await banner.textContent(), /file you opened is kept.*asks before reopening/);
  assert.equal(await banner.locator('button').count(), 1, 'one banner, one button');
  await v.screenshot('keep-trap-banner');
  await Promise.all([v.page.waitForEvent('load'), v.page.click('[data-testid=reload-reopen]')]);
  await v.page.click('[data-testid=reopen-allow]');
  assert.deepEqual(await v.header(), header);
  await v.page.close();
});

test('a worker that panics leaves the earlier traces in place and names the file', async () => {
  const v = await open();
  await v.pick([fixture('otlp-three-traces.json')]);
  await waitRows(v, 3);
  const rows = await v.traceRows();

  await v.page.evaluate(() => window.traceViewerDebug.workers('panic'));
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  const error = v.page.locator('[data-testid=load-error][data-file="jaeger-checkout.json"]');
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /jaeger-checkout\.json/);
  assert.match(text, /internal error \(a panic\)/);
  assert.match(text, /forced by the page's debug hook/, 'the panic text is quoted');
  assert.doesNotMatch(text, /too large|memory/, 'a panic is not reported as running out of memory');
  assert.equal(await v.page.locator('[data-testid=fatal-error]').count(), 0, 'the page itself lives on');
  assert.deepEqual(await v.traceRows(), rows);
  assert.equal(await traceCount(v), 3);
  await v.screenshot('keep-worker-panic');

  // The next file loads as usual, in a new worker.
  await v.page.evaluate(() => window.traceViewerDebug.workers('normal'));
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'));
  assert.equal((await v.header()).spans, 7);
  assert.equal(await traceCount(v), 4);
  assert.equal(await v.page.locator('[data-testid=load-error]').count(), 0, 'the error went with the retry');
  await v.page.close();
});

test('a worker that cannot start is reported and the file is read on the page', async () => {
  const v = await open();
  await v.pick([fixture('otlp-three-traces.json')]);
  await waitRows(v, 3);
  await v.page.evaluate(() => window.traceViewerDebug.workers('no-start'));
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'));
  assert.equal((await v.header()).spans, 7);
  assert.equal(await traceCount(v), 4);
  const note = v.page.locator('[data-testid=load-note][data-file="jaeger-checkout.json"]');
  assert.match(await note.textContent(), /read on the page.*background reader could not start/);
  await v.screenshot('keep-worker-no-start');
  await v.page.close();
});

test('a worker that never answers is given up on after 10 s, not waited on forever', async () => {
  const v = await open();
  await v.page.evaluate(() => window.traceViewerDebug.workers('hang'));
  const started = Date.now();
  await v.pick([fixture('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'), null, { timeout: 30_000 });
  const waitedMs = Date.now() - started;
  assert.ok(waitedMs >= 9_000 && waitedMs < 25_000, `read after ${waitedMs} ms`);
  assert.equal((await v.header()).spans, 7);
  const note = v.page.locator('[data-testid=load-note][data-file="jaeger-checkout.json"]');
  assert.match(await note.textContent(), /did not answer within 10 s/);
  await v.page.close();
});

test('turning keeping off forgets the kept files: a reload starts empty', async () => {
  const v = await open();
  await v.pick([fixture('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'));
  await waitKept(v, 1);
  await v.page.uncheck('[data-testid=keep-toggle]');
  assert.equal(await v.page.locator('[data-testid=forget-files]').count(), 0);
  // A file opened while keeping is off is not kept either.
  await v.drop([fixtureFile('otlp-three-traces.json')]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 4);
  await v.page.waitForTimeout(500);
  assert.equal(await v.page.locator('[data-testid=forget-files]').count(), 0);

  await v.page.reload();
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.page.waitForTimeout(1000);
  assert.equal(await v.page.isChecked('[data-testid=keep-toggle]'), false, 'the choice is remembered');
  assert.equal(await traceCount(v), 0);
  assert.match(await v.page.textContent('main'), /not loaded/, 'the trace address finds nothing');
  await v.screenshot('keep-off-after-reload');

  // On again: files opened from now on are kept.
  await v.page.check('[data-testid=keep-toggle]');
  await v.pick([fixture('jaeger-checkout.json')]);
  await waitKept(v, 1);
  await v.page.close();
});

test('"Forget" empties the kept files: a reload starts empty, keeping stays on', async () => {
  const v = await open();
  await v.pick([fixture('otlp-three-traces.json'), fixture('jaeger-checkout.json')]);
  await waitRows(v, 4);
  await waitKept(v, 2);
  await v.page.click('[data-testid=forget-files]');
  assert.equal(await v.page.locator('[data-testid=forget-files]').count(), 0);
  assert.equal(await traceCount(v), 4, 'what is open stays open');
  const stored = () => v.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names = [];
    for await (const [name] of root.entries()) names.push(name);
    return names;
  });
  for (let i = 0; i < 50 && (await stored()).length > 0; i++) await v.page.waitForTimeout(100);
  assert.deepEqual(await stored(), [], 'the private storage folder is gone');

  await v.page.reload();
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.page.waitForTimeout(1000);
  assert.equal(await traceCount(v), 0);
  assert.equal(await v.page.isChecked('[data-testid=keep-toggle]'), true);
  assert.match(await v.page.textContent('main'), /Drop trace files here/);
  await v.page.close();
});

test('a file of many slices is kept whole once the page is quiet, and reopens the same', async () => {
  // 12 MB: kept in 8 MB slices, each written once the page has had no input
  // for a second, so copying a large file never competes with scrolling.
  const content = manyTraces(7500);
  assert.ok(content.length > 8 * 1024 * 1024);
  const v = await open();
  await v.drop([{ name: 'day.json', content }]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  const count = await traceCount(v);
  assert.equal(count, 7500);
  // Input keeps the copy waiting: while the rows scroll, nothing is kept yet.
  const scrolling = Date.now();
  while (Date.now() - scrolling < 1500) {
    await v.page.mouse.wheel(0, 120);
    await v.page.waitForTimeout(100);
  }
  assert.equal(await v.page.$('[data-testid=forget-files]'), null, 'not kept while the page has input');
  await waitKept(v, 1);
  const stored = await v.page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('kept-files');
    const sizes = [];
    for await (const [, handle] of dir.entries()) sizes.push((await handle.getFile()).size);
    return sizes;
  });
  assert.deepEqual(stored, [new TextEncoder().encode(content).length], 'the whole file, once');
  await v.page.reload();
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === n, count);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
