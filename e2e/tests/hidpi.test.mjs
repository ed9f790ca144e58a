// Sharp canvases on HiDPI screens: at a device pixel ratio of 2, every
// canvas (minimap, flame graph, Compare's lanes, the list's scatter plot and
// histogram) has a backing store twice its CSS size in each direction, and
// what is drawn still lines up with the page (a click on the flame graph
// selects the box under it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixtureFile } from '../lib/viewer.mjs';
import { manyTraces, describe } from '../lib/many.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function openAt2x(files) {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 2 });
  const v = new Viewer(page, env.server.url);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  await v.drop(files);
  return v;
}

/** Backing store and CSS size of every canvas matching `selector`. */
const sizes = (v, selector) =>
  v.page.$$eval(selector, (cs) =>
    cs.map((c) => {
      const r = c.getBoundingClientRect();
      return { width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height };
    }),
  );

function assertTwice(found, what) {
  assert.ok(found.length > 0, `${what}: no canvas`);
  for (const s of found) {
    assert.ok(s.cssWidth > 0 && s.cssHeight > 0, `${what}: laid out`);
    assert.ok(Math.abs(s.width - 2 * s.cssWidth) <= 1, `${what}: width ${s.width} for ${s.cssWidth} CSS px`);
    assert.ok(Math.abs(s.height - 2 * s.cssHeight) <= 1, `${what}: height ${s.height} for ${s.cssHeight} CSS px`);
  }
}

test('at a device pixel ratio of 2, the minimap and the flame graph draw at twice their CSS size', async () => {
  const v = await openAt2x([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.waitForTimeout(100); // the minimap draws a frame after the rows
  assertTwice(await sizes(v, '[data-testid=minimap-canvas]'), 'minimap');
  await v.page.click('[data-testid=view-tab-flame]');
  await v.page.waitForSelector('[data-testid=flame-canvas]');
  assertTwice(await sizes(v, '[data-testid=flame-canvas]'), 'flame graph');
  // The root's box spans the top row: a click there selects the root.
  const box = await v.page.$eval('[data-testid=flame-canvas]', (c) => c.getBoundingClientRect().toJSON());
  await v.page.mouse.click(box.x + 20, box.y + 8);
  await v.page.waitForSelector('[data-testid=span-detail]');
  assert.match(await v.page.textContent('[data-testid=span-detail]'), /GET \/checkout/);
  await v.screenshot('hidpi-flame');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('at a device pixel ratio of 2, the plots and the Compare lanes draw at twice their CSS size', async () => {
  const v = await openAt2x([{ name: 'day.json', content: manyTraces(500) }]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  await v.page.waitForSelector('[data-testid=scatter-plot]');
  assertTwice(await sizes(v, '[data-testid=scatter-plot]'), 'scatter plot');
  assertTwice(await sizes(v, '[data-testid=duration-histogram]'), 'histogram');
  await v.screenshot('hidpi-plots');
  const [a, b] = [describe(0).id, describe(7).id];
  await v.page.evaluate(([a, b]) => { location.hash = `#/compare/${a}...${b}`; }, [a, b]);
  await v.page.waitForSelector('[data-testid=compare-lane]');
  assertTwice(await sizes(v, '[data-testid=compare-lane]'), 'Compare lanes');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
