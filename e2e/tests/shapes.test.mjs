// Every shape a real system produces opens at 100k spans (the JSON Lines
// file at 100k lines): header and first rows painted, a span's detail
// opens, the page answers. The time limits are generous: they only catch a
// hang; speed is measured by scripts/bench.sh (BENCHMARKS.md, "Shapes").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer } from '../lib/viewer.mjs';
import { shapeFile } from '../lib/shapes.mjs';

const HANG_MS = 90_000;
let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** The page still runs scripts and paints: a frame comes within 5 s. */
async function answers(v) {
  const frame = v.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true))));
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('the page stopped answering')), 5_000));
  assert.equal(await Promise.race([frame, late]), true);
  assert.equal(await v.page.$('[data-testid=fatal-error]'), null, 'no crash banner');
  assert.deepEqual(v.pageErrors, []);
}

/** Opens `file` and checks the trace page works; returns the header. */
async function openShape(name, file) {
  const v = await Viewer.open(env);
  const t0 = Date.now();
  await v.pick([file]);
  if (name === 'traces') {
    await v.page.waitForSelector('[data-testid=trace-row]', { timeout: HANG_MS });
    await v.page.click('[data-testid=trace-row] >> nth=0');
  }
  await v.page.waitForSelector('[data-testid=trace-header]', { timeout: HANG_MS });
  await v.page.waitForSelector('[data-testid=span-row]', { timeout: HANG_MS });
  const openMs = Date.now() - t0;
  const header = await v.header();
  // Open the detail of the second row.
  const rows = await v.spanRows();
  assert.ok(rows.length > 1, `${name}: rows painted`);
  await v.page.click(`[data-testid=span-row][data-span-id="${rows[1].spanId}"]`);
  await v.page.waitForSelector(`[data-testid=span-detail][data-span-id="${rows[1].spanId}"]`, { timeout: HANG_MS });
  await answers(v);
  console.log(`# ${name}: opened in ${openMs} ms`);
  return { v, header };
}

const SHAPES = [
  ['default', (h) => assert.equal(h.spans, 100_000)],
  ['deep', (h) => assert.equal(h.depth, 100_000)],
  ['wide', (h) => assert.equal(h.depth, 2)],
  ['services', (h) => assert.equal(h.services, 50_000)],
  ['operations', (h) => assert.equal(h.spans, 100_000)],
  ['traces', (h) => assert.equal(h.spans, 20)],
  ['jsonl', (h) => assert.equal(h.spans, 100_000)],
  ['extreme', (h) => assert.equal(h.spans, 100_000)],
  ['long', (h) => assert.equal(h.spans, 100_000)],
  ['links', (h) => assert.equal(h.spans, 100_000)],
];

for (const [name, check] of SHAPES) {
  test(`the ${name} shape opens at 100k spans`, { timeout: 4 * HANG_MS }, async () => {
    const { v, header } = await openShape(name, shapeFile(name, 100_000));
    check(header);
    if (name === 'deep') {
      // The critical-path list of a 100k chain opens, capped.
      await v.page.click('[data-testid=critical-path] summary');
      await v.page.waitForSelector('[data-testid=critical-item]');
      assert.equal((await v.page.$$('[data-testid=critical-item]')).length, 100);
      assert.match(await v.page.textContent('[data-testid=critical-show-all]'), /Show all 100000/);
      await answers(v);
    }
    if (name === 'services') {
      // 50k services: the legend draws a few, and its filter finds any.
      const items = await v.page.$$('[data-testid=legend-item]');
      assert.ok(items.length <= 40, `${items.length} legend items`);
      await v.page.fill('[data-testid=legend-filter]', 'service-49998');
      await v.page.waitForSelector('[data-testid=legend-item][data-service=service-49998]');
      await v.page.click('[data-testid=legend-item][data-service=service-49998]');
      await answers(v);
      // The statistics and the service graph of 50k services open too.
      await v.page.click('[data-testid=view-tab-stats]');
      await v.page.waitForSelector('[data-testid=stats-row]', { timeout: HANG_MS });
      await v.page.click('[data-testid=view-tab-graph]');
      await v.page.waitForSelector('[data-view=graph]', { timeout: HANG_MS });
      // The graph draws the busiest services and says so; the calls table
      // holds every call but only the rows in view exist.
      const capped = await v.page.$eval('[data-testid=graph-capped]', (e) => [Number(e.dataset.drawn), Number(e.dataset.services)]);
      assert.deepEqual(capped, [150, 50_000]);
      assert.equal((await v.page.$$('[data-testid=graph-node]')).length, 150);
      const calls = Number(await v.page.getAttribute('[data-testid=service-calls]', 'data-count'));
      assert.ok(calls >= 1_000, `${calls} calls`);
      const callRows = await v.page.$$('[data-testid=service-calls] tbody tr:not(.pad)');
      assert.ok(callRows.length > 0 && callRows.length < 200, `${callRows.length} call rows in the page`);
      await answers(v);
    }
    if (name === 'extreme') {
      const ticks = await v.page.$$('[data-testid=timeline] .tick');
      assert.ok(ticks.length > 0 && ticks.length <= 10, `${ticks.length} ticks`);
    }
    await v.screenshot(`shape-${name}`);
    await v.page.close();
  });
}

test('a 64 MB attribute value opens folded', { timeout: 4 * HANG_MS }, async () => {
  const file = shapeFile('long', 1_000, 'otlp', ['--long-bytes', String(64 << 20)]);
  const v = await Viewer.open(env);
  await v.pick([file]);
  await v.page.waitForSelector('[data-testid=span-row]', { timeout: HANG_MS });
  const root = (await v.spanRows())[0];
  await v.page.click(`[data-testid=span-row][data-span-id="${root.spanId}"]`);
  await v.page.waitForSelector('[data-testid=span-detail] [data-testid=folded-value]', { timeout: HANG_MS });
  const summary = await v.page.textContent('[data-testid=span-detail] [data-testid=folded-value] summary');
  assert.match(summary, /67108864 characters/);
  await v.page.click('[data-testid=span-detail] [data-testid=folded-value] summary');
  await v.page.waitForSelector('[data-testid=value-show-all]');
  const shown = await v.page.$eval('[data-testid=span-detail] [data-testid=folded-value] pre', (p) => p.textContent.length);
  assert.ok(shown <= 20_000, `${shown} characters on the page`);
  await answers(v);
  await v.screenshot('long-value');
  await v.page.close();
});

test('a 1 MB find query in the address is refused with a message', async () => {
  const query = 'x'.repeat(1 << 20);
  const v = await Viewer.open(env, { hash: `#/trace/4bf92f3577b34da6a3ce929d0e0e4736?q=${query}` });
  await v.pick([new URL('../../tests/fixtures/jaeger-checkout.json', import.meta.url).pathname]);
  await v.page.waitForSelector('[data-testid=trace-header]');
  await v.page.waitForFunction(() => /characters long/.test(document.querySelector('[data-testid=find-error]')?.textContent ?? ''));
  assert.match(await v.page.textContent('[data-testid=find-error]'), /1048576 characters long; at most 2000/);
  await answers(v);
  // The find box still works once the query is replaced.
  assert.equal(await v.findCount('service=cart'), 2);
  await v.page.close();
});
