// The span table view: every span a row, sortable by each column, limited
// by find, attribute columns picked and removed, a click opens the span in
// the timeline; at 100k spans only the rows in view exist.
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

const checkout = fixtureFile('jaeger-checkout.json');
// Read independently of the viewer: span id → duration (µs), from the JSON.
const SPANS = JSON.parse(checkout.content).data[0].spans;
const DURATION_US = Object.fromEntries(SPANS.map((s) => [s.spanID, s.duration]));

async function openTable(options = {}) {
  const v = await Viewer.open(env, options);
  await v.drop([checkout]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.click('[data-testid=view-tab-table]');
  await v.page.waitForSelector('[data-testid=span-table-row]');
  return v;
}

const table = (v) => v.page.evaluate(() => {
  const t = document.querySelector('[data-testid=span-table]');
  return { count: Number(t.dataset.count), total: Number(t.dataset.total) };
});

const rows = (v) => v.page.$$eval('[data-testid=span-table-row]', (rs) => rs.map((r) => ({
  spanId: r.dataset.spanId,
  durationUs: Number(r.dataset.durationUs),
  selfUs: Number(r.dataset.selfUs),
  startUs: Number(r.dataset.startUs),
  error: r.classList.contains('error'),
  text: r.textContent,
})));

test('the table shows every span and sorts by duration both ways', async () => {
  const v = await openTable();
  assert.deepEqual(await table(v), { count: SPANS.length, total: SPANS.length });
  const opened = await rows(v);
  assert.equal(opened.length, SPANS.length);
  // Opens by start offset, earliest first.
  const starts = opened.map((r) => r.startUs);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  assert.equal(starts[0], 0);
  for (const r of opened) assert.equal(r.durationUs, DURATION_US[r.spanId], r.spanId);
  // The error span is marked.
  const errors = opened.filter((r) => r.error);
  assert.deepEqual(errors.map((r) => r.spanId), ['00f067aa0ba902b5']);
  assert.match(errors[0].text, /ERROR/);

  const byDuration = Object.entries(DURATION_US).sort((a, b) => b[1] - a[1]);
  await v.page.click('[data-testid=span-table-sort][data-column=Duration]');
  let sorted = await rows(v);
  assert.equal(sorted[0].spanId, byDuration[0][0], 'longest first');
  assert.deepEqual(sorted.map((r) => r.durationUs), byDuration.map((d) => d[1]));
  assert.match(await v.page.textContent('[data-testid=span-table-sort][data-column=Duration]'), /▾/);
  await v.screenshot('span-table-light');

  await v.page.click('[data-testid=span-table-sort][data-column=Duration]');
  sorted = await rows(v);
  assert.equal(sorted[0].spanId, byDuration.at(-1)[0], 'shortest first');
  assert.match(await v.page.textContent('[data-testid=span-table-sort][data-column=Duration]'), /▴/);

  await v.page.click('[data-testid=span-table-sort][data-column=Operation]');
  const ops = (await rows(v)).map((r) => r.text);
  const names = SPANS.map((s) => s.operationName).sort();
  assert.deepEqual(ops.map((t) => names.find((n) => t.includes(n))), names);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('find limits the rows to its matches', async () => {
  const v = await openTable();
  const found = await v.findCount('service=cart');
  assert.equal(found, 2);
  await v.page.waitForFunction(() => document.querySelector('[data-testid=span-table]').dataset.count === '2');
  assert.deepEqual(await table(v), { count: 2, total: SPANS.length });
  assert.equal((await rows(v)).length, 2);
  assert.match(await v.page.textContent('[data-testid=span-table-count]'), /2 of 7 spans/);
  await v.page.fill('[data-testid=find-input]', '');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=span-table]').dataset.count === '7');
  await v.page.close();
});

test('an attribute column shows its values, sorts, and can be removed', async () => {
  const v = await openTable();
  const options = await v.page.$$eval('[data-testid=span-table-add-column] option', (os) => os.map((o) => o.value));
  assert.ok(options.includes('http.status_code'), options.join(','));
  await v.page.selectOption('[data-testid=span-table-add-column]', 'http.status_code');
  await v.page.waitForSelector('[data-testid=span-table-attr][data-key="http.status_code"]');
  const values = await v.page.$$eval('[data-testid=span-table-row]', (rs) => Object.fromEntries(rs.map((r) =>
    [r.dataset.spanId, r.querySelector('[data-testid=span-table-attr]').textContent.trim()])));
  const expected = Object.fromEntries(SPANS.map((s) =>
    [s.spanID, String(s.tags.find((t) => t.key === 'http.status_code')?.value ?? '')]));
  assert.deepEqual(values, expected);
  // The picked key is no longer offered.
  const after = await v.page.$$eval('[data-testid=span-table-add-column] option', (os) => os.map((o) => o.value));
  assert.ok(!after.includes('http.status_code'));

  // Sorting by it: the spans that have it first, either way.
  await v.page.click('[data-testid=span-table-sort][data-column="http.status_code"]');
  let first = (await rows(v))[0].spanId;
  assert.equal(expected[first], '500');
  await v.page.click('[data-testid=span-table-sort][data-column="http.status_code"]');
  first = (await rows(v))[0].spanId;
  assert.equal(expected[first], '500');
  await v.screenshot('span-table-column');

  await v.page.click('[data-testid=span-table-remove-column][data-key="http.status_code"]');
  await v.page.waitForSelector('[data-testid=span-table-attr]', { state: 'detached' });
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('clicking a row opens the span in the timeline with its detail', async () => {
  const v = await openTable();
  await v.page.click('[data-testid=span-table-sort][data-column=Duration]');
  await v.page.selectOption('[data-testid=span-table-add-column]', 'http.status_code');
  await v.page.click('[data-testid=span-table-row][data-span-id="00f067aa0ba902b5"]');
  await v.page.waitForSelector('[data-testid=span-detail][data-span-id="00f067aa0ba902b5"]');
  assert.equal(await v.selectedSpan(), '00f067aa0ba902b5');
  assert.ok(await v.page.$('[data-testid=view-tab-timeline].active'));
  // Back to the table: as it was left, the clicked row marked.
  await v.page.click('[data-testid=view-tab-table]');
  await v.page.waitForSelector('[data-testid=span-table-row].selected[data-span-id="00f067aa0ba902b5"]');
  assert.match(await v.page.textContent('[data-testid=span-table-sort][data-column=Duration]'), /▾/);
  assert.ok(await v.page.$('[data-testid=span-table-attr][data-key="http.status_code"]'));
  await v.page.close();
});

test('the dark theme draws the table in its colours', async () => {
  const v = await openTable({ colorScheme: 'dark' });
  await v.page.selectOption('[data-testid=span-table-add-column]', 'http.status_code');
  const [bg, fg] = await v.page.$eval('[data-testid=span-table] th', (th) => {
    const s = getComputedStyle(th);
    return [s.backgroundColor, s.color];
  });
  assert.notEqual(bg, 'rgb(255, 255, 255)', 'header not white in dark mode');
  assert.notEqual(fg, bg);
  await v.screenshot('span-table-dark');
  await v.page.close();
});

test('at 100k spans the table opens, sorts, and builds only the rows in view', async () => {
  const v = await Viewer.open(env);
  const spans = 100_000;
  await v.page.evaluate((spans) => {
    const trace = '00000000000000000000000000abcdef';
    const parts = [`{"data":[{"traceID":"${trace}","spans":[`];
    for (let i = 1; i <= spans; i++) {
      const id = i.toString(16).padStart(16, '0');
      const parent = Math.max(1, i >> 1).toString(16).padStart(16, '0');
      const refs = i > 1 ? `{"refType":"CHILD_OF","traceID":"${trace}","spanID":"${parent}"}` : '';
      parts.push(`${i > 1 ? ',' : ''}{"traceID":"${trace}","spanID":"${id}","operationName":"op ${i % 50}","references":[${refs}],"startTime":${1700000000000000 + i},"duration":${1000 + (i % 977)},"tags":[{"key":"http.status_code","type":"int64","value":${200 + (i % 5)}}],"processID":"p${i % 4}"}`);
    }
    parts.push('],"processes":{"p0":{"serviceName":"a"},"p1":{"serviceName":"b"},"p2":{"serviceName":"c"},"p3":{"serviceName":"d"}}}]}');
    const dt = new DataTransfer();
    dt.items.add(new File(parts, 'big.json', { type: 'application/json' }));
    document.querySelector('[data-testid=drop-zone]').dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
  }, spans);
  await v.page.waitForSelector('[data-testid=span-row]', { timeout: 90_000 });
  let t0 = Date.now();
  await v.page.click('[data-testid=view-tab-table]');
  await v.page.waitForSelector('[data-testid=span-table-row]');
  const openMs = Date.now() - t0;
  assert.deepEqual(await table(v), { count: spans, total: spans });
  const inDom = await v.page.$$eval('[data-testid=span-table-row]', (rs) => rs.length);
  assert.ok(inDom > 10 && inDom < 200, `${inDom} rows in the DOM`);
  // Rows are as tall as the padding rows assume, so the scroll bar is true.
  const heights = await v.page.$$eval('[data-testid=span-table-row]', (rs) => rs.map((r) => r.getBoundingClientRect().height));
  assert.ok(heights.every((h) => Math.abs(h - 27) < 0.6), heights.join(','));

  t0 = Date.now();
  await v.page.click('[data-testid=span-table-sort][data-column=Duration]');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=span-table-row]').dataset.durationUs === '1976');
  const sortMs = Date.now() - t0;
  // Scrolled to the bottom: the shortest spans, still only rows in view.
  await v.page.$eval('[data-testid=span-table]', (el) => { el.scrollTop = el.scrollHeight; });
  await v.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=span-table-row]')].at(-1)?.dataset.durationUs === '1000');
  assert.ok((await v.page.$$('[data-testid=span-table-row]')).length < 200);
  await v.page.selectOption('[data-testid=span-table-add-column]', 'http.status_code');
  await v.page.waitForSelector('[data-testid=span-table-attr]');
  console.log(`# 100k spans: table opened in ${openMs} ms, sorted by duration in ${sortMs} ms`);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
