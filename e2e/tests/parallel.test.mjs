// A large file read by several workers at once (`?workers=N`) opens exactly
// as when one worker reads it: the same header, rows, find counts and trace
// list; and the progress bar says how many workers parsed it. The native
// tests compare the models byte for byte; this proves the page takes the
// cut path (helpers started by the loading worker, runs read from slices
// of the file) and gets the same model through it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer } from '../lib/viewer.mjs';
import { shapeFile } from '../lib/shapes.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Opens `file` with `workers` readers; what the page shows of it, and
 * every worker count the progress bar announced while parsing. */
async function openWith(file, workers, traces) {
  const v = await Viewer.open(env, { query: `?workers=${workers}` });
  // Record every data-readers value the progress bar takes.
  await v.page.evaluate(() => {
    window.seenReaders = [];
    new MutationObserver(() => {
      for (const e of document.querySelectorAll('[data-testid=load-progress][data-readers]')) {
        window.seenReaders.push(Number(e.dataset.readers));
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-readers'] });
  });
  await v.pick([file]);
  let list = null;
  if (traces) {
    await v.page.waitForSelector('[data-testid=trace-row]', { timeout: 120_000 });
    await v.page.waitForSelector('[data-testid=trace-count]');
    list = await v.page.$$eval('[data-testid=trace-row]', (rows) => ({
      count: Number(document.querySelector('[data-testid=trace-count]').dataset.count),
      first: rows.slice(0, 20).map((r) => ({ ...r.dataset })),
    }));
    await v.page.click('[data-testid=trace-row] >> nth=0');
  }
  await v.page.waitForSelector('[data-testid=span-row]', { timeout: 120_000 });
  const header = await v.header();
  const rows = (await v.spanRows()).slice(0, 30);
  const finds = [];
  for (const q of ['service=frontend', 'user-42', '-kind=server duration>2ms']) finds.push(await v.findCount(q));
  const seen = await v.page.evaluate(() => window.seenReaders);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
  return { header, rows, finds, list, seen };
}

// The bar shows once a load has run for 0.4 s, so each file must still be
// parsing then with three workers: files of 40k spans were read too soon
// under CI (2026-12-07), so each has 150k.
for (const [shape, format, traces, spans] of [
  ['default', 'jaeger', false, 150_000],
  ['traces', 'jaeger', true, 150_000],
  ['traces', 'otlp', true, 150_000],
]) {
  test(`a ${shape} ${format} file read by 3 workers opens as when read by one`, { timeout: 300_000 }, async () => {
    const file = shapeFile(shape, spans, format);
    const one = await openWith(file, 1, traces);
    const three = await openWith(file, 3, traces);
    assert.ok(one.header.spans > 0);
    assert.deepEqual(three.header, one.header);
    assert.deepEqual(three.rows, one.rows);
    assert.deepEqual(three.finds, one.finds);
    assert.deepEqual(three.list, one.list);
    // The bar said so: one worker parsed alone, three at once.
    assert.ok(!one.seen.some((n) => n > 1), `one worker: ${one.seen}`);
    assert.ok(three.seen.includes(3), `three workers: ${three.seen}`);
  });
}
