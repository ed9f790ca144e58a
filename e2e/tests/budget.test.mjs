// One memory budget for every way in: open traces, log files and loads still
// in flight all count, and a compressed file is decompressed in the worker
// against what is left of the budget for it. The page is opened with
// `?debug`, whose `traceViewerDebug.budget(bytes)` lowers the budget so that
// small files can test it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { start, Viewer, fixture } from '../lib/viewer.mjs';
import { manyTraces } from '../lib/many.mjs';

let env;
let dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-'));
  env = await start();
});
after(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const JAEGER_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

async function open() {
  const v = await Viewer.open(env, { hash: '?debug' });
  await v.page.waitForFunction(() => typeof window.traceViewerDebug === 'object');
  return v;
}

const traceCount = (v) =>
  v.page.evaluate(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count ?? 0));

const waitCount = (v, n) =>
  v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === n, n);

test('a small gzip file that decompresses past the budget is stopped, naming it; the traces open stay usable', async () => {
  // ~5 MB of traces, under 2 MB compressed (such files were decompressed on
  // the page before, with no limit but 1 GB).
  const text = manyTraces(3000);
  const gz = zlib.gzipSync(text);
  assert.ok(gz.length < 2 * 1024 * 1024 && text.length > 4_000_000, `${gz.length} / ${text.length}`);
  const gzPath = path.join(dir, 'day.json.gz');
  fs.writeFileSync(gzPath, gz);

  // With the usual budget it opens: what stops it below is the budget.
  const plain = await open();
  await plain.pick([gzPath]);
  await waitCount(plain, 3000);
  await plain.page.close();

  const v = await open();
  await v.page.evaluate(() => window.traceViewerDebug.budget(3_000_000));
  await v.pick([fixture('otlp-three-traces.json'), fixture('jaeger-checkout.json')]);
  await waitCount(v, 4);
  await v.page.click('[data-testid=trace-count]');
  await v.page.waitForSelector('[data-testid=trace-row]');
  const rows = await v.traceRows();

  await v.pick([gzPath]);
  const error = v.page.locator('[data-testid=load-error][data-file="day.json.gz"]');
  await error.waitFor({ timeout: 30_000 });
  const message = await error.textContent();
  assert.match(message, /day\.json\.gz is gzip-compressed and decompresses past what this tab can hold/);
  assert.match(message, /stopped after \d+ (kB|MB) of decompressed data/);
  await v.screenshot('budget-gzip-stopped');
  // Nothing of it was added, and the earlier traces are as they were.
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=load-progress]').length === 0);
  assert.equal(await traceCount(v), 4);
  assert.deepEqual(await v.traceRows(), rows);
  await v.page.evaluate((id) => { location.hash = `#/trace/${id}`; }, JAEGER_ID);
  const header = await v.header();
  assert.equal(header.spans, 7);
  assert.equal(await v.page.locator('[data-testid=fatal-error]').count(), 0);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('two large files dropped at once cannot both be admitted when only one fits: the one in flight counts', async () => {
  // Two files of ~0.9 MB each: each needs ~0.77 MB of a 1.2 MB budget.
  const n = 560;
  const a = manyTraces(n);
  const b = a;
  assert.ok(a.length > 800_000 && a.length < 1_100_000, `${a.length}`);
  const v = await open();
  await v.page.evaluate(() => window.traceViewerDebug.budget(1_200_000));
  // Two drops, one right after the other: the first is still being read
  // (nothing of it is open yet) when the second comes.
  await v.page.evaluate((files) => {
    const zone = document.querySelector('[data-testid=drop-zone]');
    for (const f of files) {
      const dt = new DataTransfer();
      dt.items.add(new File([f.content], f.name, { type: 'application/json' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }
  }, [{ name: 'a.json', content: a }, { name: 'b.json', content: b }]);
  const error = v.page.locator('[data-testid=load-error][data-file="b.json"]');
  await error.waitFor();
  const message = await error.textContent();
  assert.match(message, /not opened: b\.json \(\d+ (kB|MB)\) needs about/);
  assert.match(message, /files still loading/, 'the file in flight is what leaves no room');
  await waitCount(v, n);
  assert.equal(await v.page.locator('[data-testid=load-error]').count(), 1, 'a.json opened');
  await v.screenshot('budget-in-flight');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
