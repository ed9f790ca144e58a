// UTC or local time: the switch in the top bar changes every absolute time
// on the page (the trace list's start column and its scatter plot's axis,
// the trace header, the span detail), each naming its clock, and the choice
// is remembered. The browser runs in Europe/Paris (UTC+01:00 in November).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixtureFile } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const OTLP = fixtureFile('otlp-three-traces.json');
const CHECKOUT = fixtureFile('jaeger-checkout.json');

test('the switch shows every absolute time in local time, naming it, and back; the choice is remembered', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  const v = new Viewer(page, env.server.url);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  await v.drop([OTLP, CHECKOUT]);
  await page.waitForSelector('[data-testid=trace-row]');
  const starts = () => page.$$eval('[data-testid=trace-row] td:last-child', (tds) => tds.map((t) => t.textContent));
  const plot = () => page.$eval('[data-testid=scatter-plot]', (c) => c.toDataURL());

  assert.equal(await page.getAttribute('[data-testid=time-zone-toggle]', 'data-zone'), 'utc', 'UTC by default');
  const utc = await starts();
  assert.ok(utc.includes('2023-11-14 22:13:20.000 UTC'), utc.join(' | '));
  const utcPlot = await plot();
  assert.match(await page.textContent('figure:has([data-testid=scatter-plot]) figcaption'), /Duration by start time \(UTC\)/);

  await page.click('[data-testid=time-zone-toggle]');
  await page.waitForFunction(() => document.querySelector('[data-testid=time-zone-toggle]').dataset.zone === 'local');
  const local = await starts();
  assert.ok(local.includes('2023-11-14 23:13:20.000 UTC+01:00'), local.join(' | '));
  assert.equal(local.length, utc.length);
  for (const s of local) assert.match(s, /UTC\+01:00$/);
  assert.notEqual(await plot(), utcPlot, 'the plot axis is redrawn on the local clock');
  assert.match(await page.textContent('figure:has([data-testid=scatter-plot]) figcaption'), /Duration by start time \(local time\)/);
  await v.screenshot('time-local-list');

  // The trace page and the span detail follow; the choice survives a reload.
  await page.click('[data-testid=trace-row][data-trace-id="4bf92f3577b34da6a3ce929d0e0e4736"] a');
  await page.waitForSelector('[data-testid=trace-header]');
  assert.equal((await page.textContent('[data-testid=trace-start]')).trim(), 'Trace Start2023-11-14 23:13:20.000 UTC+01:00');
  await page.click('[data-testid=span-row] >> nth=1');
  await page.waitForSelector('[data-testid=span-detail]');
  assert.match(await page.textContent('[data-testid=span-detail]'), /\+\d+(\.\d+)?ms \(2023-11-14 23:13:20\.\d{3} UTC\+01:00\)/);
  await page.reload();
  await page.waitForSelector('[data-testid=time-zone-toggle]');
  assert.equal(await page.getAttribute('[data-testid=time-zone-toggle]', 'data-zone'), 'local');

  await v.drop([CHECKOUT]);
  await page.waitForSelector('[data-testid=trace-start]');
  await page.click('[data-testid=time-zone-toggle]');
  await page.waitForFunction(() => document.querySelector('[data-testid=trace-start]').textContent.endsWith(' UTC'));
  assert.equal((await page.textContent('[data-testid=trace-start]')).trim(), 'Trace Start2023-11-14 22:13:20.000 UTC');
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});
