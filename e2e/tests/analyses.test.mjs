// Analyses as defined in ../shared/TESTIDS.md, seen on the page: the
// critical path of a real Grafana download, the trace name of a trace with
// an earlier orphan, one short-id rule for 64-bit ids (list and "Compare
// with…"), and service colours that follow the service's name across traces
// and both lanes of Compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, corpusFile } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** A Jaeger span: id, parent (or null), service process, operation, start and duration in µs. */
function span(traceID, spanID, parent, processID, operationName, startTime, duration) {
  const references = parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [];
  return { traceID, spanID, operationName, references, startTime, duration, processID, tags: [] };
}

const T0 = 1_700_000_000_000_000;
// Two traces with 64-bit ids. "db" is the 2nd service of the first trace
// and the 3rd of the second, so a colour by position would differ.
const TRACE_A = 'a1b2c3d4e5f60718';
const TRACE_B = '0f1e2d3c4b5a6978';
const TWO_TRACES = {
  name: 'two-64-bit.json',
  content: JSON.stringify({
    data: [
      {
        traceID: TRACE_A,
        processes: { p1: { serviceName: 'api' }, p2: { serviceName: 'db' } },
        spans: [
          span(TRACE_A, '0000000000000001', null, 'p1', 'GET /cart', T0, 100_000),
          span(TRACE_A, '0000000000000002', '0000000000000001', 'p2', 'SELECT', T0 + 10_000, 50_000),
        ],
      },
      {
        traceID: TRACE_B,
        processes: { p1: { serviceName: 'api' }, p2: { serviceName: 'auth' }, p3: { serviceName: 'db' }, p4: { serviceName: 'cache' } },
        spans: [
          span(TRACE_B, '0000000000000001', null, 'p1', 'GET /cart', T0 + 1e6, 120_000),
          span(TRACE_B, '0000000000000002', '0000000000000001', 'p2', 'check', T0 + 1e6 + 1_000, 5_000),
          span(TRACE_B, '0000000000000003', '0000000000000001', 'p3', 'SELECT', T0 + 1e6 + 10_000, 80_000),
          span(TRACE_B, '0000000000000004', '0000000000000001', 'p4', 'get', T0 + 1e6 + 95_000, 1_000),
        ],
      },
    ],
  }),
};

const legendColours = (v, testid) =>
  v.page.$$eval(`[data-testid=${testid}]`, (items) =>
    Object.fromEntries(items.map((i) => [i.dataset.service, [i.dataset.colour, getComputedStyle(i.querySelector('.svc-swatch')).backgroundColor]])));

test('the Grafana download shows a critical path that ends when its root ends', async (t) => {
  const file = corpusFile(t, 'grafana-download-otlp-batches-CroixANI.json');
  if (!file) return;
  const v = await Viewer.open(env);
  await v.pick([file]);
  await v.header();
  const cp = await v.page.$eval('[data-testid=critical-path]', (e) => ({ count: Number(e.dataset.count), endUs: e.dataset.endUs, text: e.textContent }));
  // The root "New Conversation" (2.7 ms) ends before any child starts: it alone is the path.
  assert.equal(cp.count, 1, cp.text);
  assert.equal(cp.endUs, '1778835368112685.6');
  assert.match(cp.text, /Critical path: 1 span, 2\.68ms/);
  await v.page.click('[data-testid=critical-path] summary');
  // The list is built on the details' toggle event, which comes a task later.
  await v.page.waitForSelector('[data-testid=critical-item]');
  const items = await v.page.$$eval('[data-testid=critical-item]', (a) => a.map((x) => x.textContent));
  assert.deepEqual(items, ['nimbusteamsdriver: New Conversation']);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('a trace is named after its true root, not an orphan that started earlier', async () => {
  const id = '00000000000000aa';
  const file = {
    name: 'orphan-first.json',
    content: JSON.stringify({
      data: [{
        traceID: id,
        processes: { p1: { serviceName: 'shop' }, p2: { serviceName: 'unknown-service' } },
        spans: [
          span(id, '0000000000000009', '00000000000000ff', 'p2', 'late-arrival', T0, 10),
          span(id, '0000000000000001', null, 'p1', 'GET /', T0 + 100, 1_000),
          span(id, '0000000000000002', '0000000000000001', 'p1', 'render', T0 + 200, 500),
        ],
      }, {
        traceID: '00000000000000bb',
        processes: { p1: { serviceName: 'other' } },
        spans: [span('00000000000000bb', '0000000000000001', null, 'p1', 'x', T0, 10)],
      }],
    }),
  };
  const v = await Viewer.open(env);
  await v.drop([file]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  const rows = await v.traceRows();
  assert.equal(rows.find((r) => r.traceId.endsWith('aa')).name, 'shop: GET /');
  await v.page.close();
});

test('64-bit trace ids read the same in the list and in "Compare with…", and colours follow service names', async () => {
  const v = await Viewer.open(env);
  await v.drop([TWO_TRACES]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  const shorts = await v.page.$$eval('[data-testid=trace-row]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.traceId, r.querySelector('.trace-id').textContent])));
  const full = (id) => id.padStart(32, '0');
  assert.equal(shorts[full(TRACE_A)], TRACE_A.slice(0, 7));
  assert.equal(shorts[full(TRACE_B)], TRACE_B.slice(0, 7));

  // Trace A: its legend, and the picker naming trace B by the same short id.
  await v.page.click(`[data-testid=trace-row][data-trace-id="${full(TRACE_A)}"] [data-testid=trace-name]`);
  await v.header();
  const inA = await legendColours(v, 'legend-item');
  const option = await v.page.$eval(`[data-testid=compare-with] option[value="${full(TRACE_B)}"]`, (o) => o.textContent);
  assert.ok(option.endsWith(` · ${TRACE_B.slice(0, 7)}`), option);
  assert.ok(!option.includes('0000000'), option);

  // Trace B: the shared services keep their colours.
  await v.page.goto(`${env.server.url}#/trace/${full(TRACE_B)}`);
  await v.page.waitForSelector(`[data-testid=trace-header][data-trace-id="${full(TRACE_B)}"]`);
  const inB = await legendColours(v, 'legend-item');
  assert.deepEqual(Object.keys(inB).sort(), ['api', 'auth', 'cache', 'db']);
  for (const s of ['api', 'db']) assert.deepEqual(inB[s], inA[s], `${s} in trace B`);
  // Four services, four different colours.
  assert.equal(new Set(Object.values(inB).map((c) => c[1])).size, 4);

  // Compare: one legend for both lanes, with the same colours.
  await v.page.selectOption('[data-testid=compare-with]', full(TRACE_A));
  await v.page.waitForSelector('[data-testid=compare-view]');
  const lanes = await legendColours(v, 'compare-legend-item');
  for (const s of Object.keys(inB)) assert.deepEqual(lanes[s], inB[s], `${s} under the lanes`);
  // The lanes draw "db" in that colour: sample the canvases where its bar is.
  const [r, g, b] = inB.db[1].match(/\d+/g).map(Number);
  const found = await v.page.$$eval('[data-testid=compare-lane]', (canvases, rgb) =>
    canvases.map((c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) < 3 && Math.abs(data[i + 1] - rgb[1]) < 3 && Math.abs(data[i + 2] - rgb[2]) < 3) return true;
      }
      return false;
    }), [r, g, b]);
  assert.deepEqual(found, [true, true], 'both lanes draw db in its colour');
  await v.screenshot('compare-colours');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
