// Many traces: filters, the long-tail plots, RED, comparing two traces and a
// trace against its baseline, on a generated day of 500 traces whose slow
// and failing ones are known (lib/many.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer } from '../lib/viewer.mjs';
import { describe, manyTraces, percentile } from '../lib/many.mjs';

const N = 500;
const all = Array.from({ length: N }, (_, i) => describe(i));
const FILE = { name: 'day.json', content: manyTraces(N) };

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function openDay() {
  const v = await Viewer.open(env);
  await v.drop([FILE]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  return v;
}

const shown = (v) => v.page.getAttribute('[data-testid=trace-count]', 'data-shown').then(Number);

async function setFilter(v, testid, value) {
  await v.page.fill(`[data-testid=${testid}]`, value);
  await v.page.waitForTimeout(30);
}

test('each filter narrows the list to the traces it should', async () => {
  const v = await openDay();
  assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), String(N));
  assert.equal(await shown(v), N);
  // Only the rows in view exist; scrolling to the end brings the oldest.
  const inDom = await v.page.$$eval('[data-testid=trace-row]', (r) => r.length);
  assert.ok(inDom > 5 && inDom < 100, `${inDom} rows in the DOM for ${N} traces`);
  await v.page.$eval('.trace-list', (el) => el.scrollTo(0, el.scrollHeight));
  await v.page.waitForSelector(`[data-testid=trace-row][data-trace-id="${all[0].id}"]`);
  await v.page.$eval('.trace-list', (el) => el.scrollTo(0, 0));

  await v.page.check('[data-testid=filter-errors]');
  assert.equal(await shown(v), all.filter((d) => d.failing).length);
  await v.page.uncheck('[data-testid=filter-errors]');

  await setFilter(v, 'filter-min', '300ms');
  assert.equal(await shown(v), all.filter((d) => d.duration >= 300_000).length);
  assert.equal(await shown(v), all.filter((d) => d.slow).length);
  await v.page.check('[data-testid=filter-errors]');
  assert.equal(await shown(v), all.filter((d) => d.slow && d.failing).length);
  await v.page.uncheck('[data-testid=filter-errors]');
  await setFilter(v, 'filter-min', '');

  await setFilter(v, 'filter-max', '50ms');
  assert.equal(await shown(v), all.filter((d) => d.duration <= 50_000).length);
  await setFilter(v, 'filter-max', '');

  await setFilter(v, 'filter-attribute', 'http.status_code=500');
  assert.equal(await shown(v), all.filter((d) => d.failing).length);
  await setFilter(v, 'filter-attribute', '');

  await setFilter(v, 'filter-text', 'eu');
  assert.equal(await shown(v), all.filter((d) => d.i % 2 === 0).length);
  await setFilter(v, 'filter-text', all[41].id);
  assert.equal(await shown(v), 1);
  await setFilter(v, 'filter-text', all[300].id.slice(0, 31));
  assert.equal(await shown(v), 16, 'a trace id prefix: ids 0x120..0x12f');
  await setFilter(v, 'filter-text', '');

  await v.page.selectOption('[data-testid=filter-service]', 'payment');
  assert.equal(await shown(v), N);
  await v.page.selectOption('[data-testid=filter-operation]', 'charge');
  assert.equal(await shown(v), N);
  await v.page.selectOption('[data-testid=filter-service]', '');
  await v.page.selectOption('[data-testid=filter-operation]', 'SELECT');
  assert.equal(await shown(v), N);
  await v.page.selectOption('[data-testid=filter-operation]', '');

  // A filter that cannot be read says why and keeps the list.
  await setFilter(v, 'filter-min', 'soon');
  assert.match(await v.page.textContent('[data-testid=filter-error]'), /soon/);
  assert.equal(await shown(v), N);
  await setFilter(v, 'filter-min', '');

  // Sorting: the longest first.
  await v.page.selectOption('[data-testid=sort-by]', 'longest');
  const longest = [...all].sort((a, b) => b.duration - a.duration || a.id.localeCompare(b.id))[0];
  const first = await v.page.getAttribute('[data-testid=trace-row] >> nth=0', 'data-trace-id');
  assert.equal(first, longest.id);
  await v.page.selectOption('[data-testid=sort-by]', 'shortest');
  const shortest = [...all].sort((a, b) => a.duration - b.duration || a.id.localeCompare(b.id))[0];
  assert.equal(await v.page.getAttribute('[data-testid=trace-row] >> nth=0', 'data-trace-id'), shortest.id);

  // The filter lives in the URL: reopening it shows the same list.
  await v.page.check('[data-testid=filter-errors]');
  const url = v.page.url();
  assert.match(url, /err=1/);
  assert.match(url, /sort=shortest/);
  const w = await Viewer.open(env, { hash: url.slice(url.indexOf('#')) });
  await w.drop([FILE]);
  await w.page.waitForSelector('[data-testid=trace-row]');
  assert.equal(await shown(w), all.filter((d) => d.failing).length);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
  await w.page.close();
});

test('the plots are drawn on canvas; clicking a point opens its trace', async () => {
  const v = await openDay();
  const pixels = await v.page.evaluate(() => {
    const count = (sel) => {
      const c = document.querySelector(sel);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 150 && d[i + 1] < 100 && d[i + 2] < 100) red++;
        if (d[i + 2] > 150 && d[i] < 120) blue++;
      }
      return { red, blue };
    };
    return { scatter: count('[data-testid=scatter-plot]'), histogram: count('[data-testid=duration-histogram]') };
  });
  assert.ok(pixels.scatter.red > 100, `error points drawn (${pixels.scatter.red} red pixels)`);
  assert.ok(pixels.scatter.blue > 1000, `other points drawn (${pixels.scatter.blue})`);
  assert.ok(pixels.histogram.blue > 500, `bars drawn (${pixels.histogram.blue})`);

  // The histogram's percentile marks, against an independent computation.
  const durations = all.map((d) => d.duration).sort((a, b) => a - b);
  const marks = await v.page.evaluate(() => {
    const c = document.querySelector('[data-testid=duration-histogram]');
    return [c.dataset.p50Us, c.dataset.p90Us, c.dataset.p99Us].map(Number);
  });
  assert.deepEqual(marks, [percentile(durations, 50), percentile(durations, 90), percentile(durations, 99)]);

  // Click the point of a slow trace (where the plot's axes put it).
  const target = all[7];
  const at = await v.page.evaluate((t) => {
    const c = document.querySelector('[data-testid=scatter-plot]');
    const d = c.dataset;
    const x = Number(d.plotLeft) + ((t.start - Number(d.xMinUs)) / (Number(d.xMaxUs) - Number(d.xMinUs))) * (Number(d.plotRight) - Number(d.plotLeft));
    const y = Number(d.plotBottom) - (t.duration / 1000 / Number(d.yMaxMs)) * (Number(d.plotBottom) - Number(d.plotTop));
    const r = c.getBoundingClientRect();
    return { x: r.left + x, y: r.top + y };
  }, { start: target.start, duration: target.duration });
  await v.page.mouse.click(at.x, at.y);
  await v.page.waitForSelector(`[data-testid=trace-header][data-trace-id="${target.id}"]`);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('RED per service and operation matches an independent count', async () => {
  const v = await openDay();
  await v.page.click('[data-testid=list-tab-red]');
  await v.page.waitForSelector('[data-testid=red-row]');
  const rows = await v.page.$$eval('[data-testid=red-row]', (rs) =>
    Object.fromEntries(rs.map((r) => [`${r.dataset.service}: ${r.dataset.operation}`, {
      requests: Number(r.dataset.requests), errors: Number(r.dataset.errors),
      p: [r.dataset.p50Us, r.dataset.p90Us, r.dataset.p99Us].map(Number),
    }])),
  );
  const expect = (service, op) => {
    const spans = all.flatMap((d) => d.spans.filter((s) => s.service === service && s.op === op));
    const durs = spans.map((s) => s.dur).sort((a, b) => a - b);
    return { requests: spans.length, errors: spans.filter((s) => s.error).length, p: [50, 90, 99].map((p) => percentile(durs, p)) };
  };
  for (const [service, op] of [['db', 'SELECT'], ['payment', 'charge'], ['api', 'GET /checkout'], ['cache', 'GET']]) {
    assert.deepEqual(rows[`${service}: ${op}`], expect(service, op), `${service}: ${op}`);
  }
  const payment = await v.page.$eval('[data-testid=red-service-row][data-service=payment]', (r) => [r.dataset.requests, r.dataset.errors]);
  assert.deepEqual(payment, ['500', '20']);
  // RED follows the filter.
  await v.page.check('[data-testid=filter-errors]');
  assert.equal(await v.page.getAttribute('[data-testid=red-row][data-operation=charge]', 'data-requests'), '20');
  await v.screenshot('red');
  await v.page.close();
});

test('comparing a slow trace with a normal one ranks the slowed path first', async () => {
  const v = await openDay();
  const [normal, slow] = [all[0], all[7]];
  for (const d of [normal, slow]) {
    await setFilter(v, 'filter-text', d.id);
    await v.page.check(`[data-testid=trace-row][data-trace-id="${d.id}"] [data-testid=compare-check]`);
  }
  await v.page.click('[data-testid=compare-button]');
  await v.page.waitForSelector('[data-testid=compare-view]');
  assert.equal(await v.page.getAttribute('[data-testid=compare-view]', 'data-trace-a'), normal.id);
  assert.equal(await v.page.getAttribute('[data-testid=compare-view]', 'data-trace-b'), slow.id);
  assert.match(v.page.url(), new RegExp(`#/compare/${normal.id}\\.\\.\\.${slow.id}`));
  const first = await v.page.$eval('[data-testid=slower-row]', (r) => [r.dataset.path, Number(r.dataset.selfDeltaUs)]);
  const selects = (d) => d.spans.filter((s) => s.op === 'SELECT').reduce((a, s) => a + s.dur, 0);
  assert.deepEqual(first, ['api: GET /checkout / db: SELECT', selects(slow) - selects(normal)]);
  const select = await v.page.$eval('[data-testid=diff-row][data-path="api: GET /checkout / db: SELECT"]', (r) => [r.dataset.countA, r.dataset.countB]);
  assert.deepEqual(select, ['2', '2']);
  const lanes = await v.page.$$eval('[data-testid=compare-lane]', (cs) => cs.map((c) => c.width));
  assert.equal(lanes.length, 2);
  await v.screenshot('compare');

  // The slow trace against every trace of its root operation.
  await v.page.goto(`${env.server.url}#/trace/${slow.id}`);
  await v.page.waitForSelector('[data-testid=trace-header]');
  await v.page.selectOption('[data-testid=compare-with]', 'baseline');
  await v.page.waitForSelector('[data-testid=baseline-view]');
  assert.equal(await v.page.getAttribute('[data-testid=baseline-view]', 'data-group'), String(N - 1));
  const top = await v.page.getAttribute('[data-testid=baseline-top] >> nth=0', 'data-path');
  assert.equal(top, 'api: GET /checkout / db: SELECT');
  const outlier = await v.page.getAttribute('[data-testid=baseline-row][data-path="api: GET /checkout / db: SELECT"]', 'data-outlier');
  assert.equal(outlier, 'true');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
