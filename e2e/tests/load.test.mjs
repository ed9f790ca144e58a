// Loading files: real drops and the picker, the trace list, the trace header,
// and bad files that must not disturb what is already loaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixture, fixtureFile } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

// Known values of the project's fixtures (see tests/model.rs for the same in Rust).
const OTLP_ROWS = [
  { traceId: '0af7651916cd43dd8448eb211c80319c', spanCount: 4, serviceCount: 2, depth: 3, durationUs: 50000, errorCount: 0, startUs: 1700000100000000, name: 'api: GET /users' },
  { traceId: '0bf7651916cd43dd8448eb211c80319d', spanCount: 4, serviceCount: 3, depth: 4, durationUs: 200000, errorCount: 3, startUs: 1700000101000000, name: 'api: POST /orders' },
  { traceId: '0cf7651916cd43dd8448eb211c80319e', spanCount: 2, serviceCount: 1, depth: 2, durationUs: 80000, errorCount: 0, startUs: 1700000105000000, name: 'worker: process-job' },
];
const JAEGER_ROW = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanCount: 7, serviceCount: 3, depth: 4, durationUs: 150000, errorCount: 1, startUs: 1700000000000000, name: 'frontend: GET /checkout' };
const JAEGER_HEADER = { traceId: JAEGER_ROW.traceId, startUs: 1700000000000000, durationUs: 150000, services: 3, depth: 4, spans: 7, errors: 1 };

async function waitRows(viewer, n) {
  await viewer.page.waitForFunction((n) => document.querySelectorAll('[data-testid=trace-row]').length === n, n);
}

test('drop a multi-trace file, then pick a single-trace file', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('otlp-three-traces.json')]);
  await waitRows(v, 3);
  assert.deepEqual(await v.traceRows(), OTLP_ROWS);
  await v.screenshot('trace-list');

  await v.pick([fixture('jaeger-checkout.json')]);
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/4bf92f'));
  assert.deepEqual(await v.header(), JAEGER_HEADER);
  const headerText = await v.page.textContent('[data-testid=trace-header]');
  for (const label of ['Trace Start', 'Duration', 'Services', 'Depth', 'Total Spans', 'Errors']) {
    assert.ok(headerText.includes(label), `header shows ${label}`);
  }
  assert.match(headerText, /2023-11-14 22:13:20\.000 UTC/);
  assert.match(headerText, /150ms/);

  await v.page.click('[data-testid=trace-count]');
  await waitRows(v, 4);
  const rows = await v.traceRows();
  assert.deepEqual(rows, [JAEGER_ROW, ...OTLP_ROWS]);
  assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), '4');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('pick a multi-trace file, then drop a single-trace file; open a trace from the list', async () => {
  const v = await Viewer.open(env);
  await v.pick([fixture('otlp-three-traces.json')]);
  await waitRows(v, 3);
  assert.deepEqual(await v.traceRows(), OTLP_ROWS);

  await v.drop([fixtureFile('jaeger-checkout.json')]);
  assert.deepEqual(await v.header(), JAEGER_HEADER);

  await v.page.goBack();
  await waitRows(v, 4);
  await v.page.click('[data-trace-id="0bf7651916cd43dd8448eb211c80319d"] [data-testid=trace-name]');
  assert.deepEqual(await v.header(), {
    traceId: '0bf7651916cd43dd8448eb211c80319d', startUs: 1700000101000000, durationUs: 200000,
    services: 3, depth: 4, spans: 4, errors: 3,
  });
  await v.page.close();
});

test('dropping several files at once loads them all', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('otlp-three-traces.json'), fixtureFile('jaeger-checkout.json')]);
  await waitRows(v, 4);
  assert.deepEqual(await v.traceRows(), [JAEGER_ROW, ...OTLP_ROWS]);
  await v.page.close();
});

test('bad files get a load-error naming the file; the loaded trace stays', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  assert.deepEqual(await v.header(), JAEGER_HEADER);

  await v.drop([
    { name: 'garbage.json', content: 'this is not a trace at all' },
    { name: 'truncated.json', content: fixtureFile('jaeger-checkout.json').content.slice(0, 700) },
    { name: 'shape.json', content: '{"hello": "world", "items": [1, 2]}' },
    { name: 'empty.json', content: '' },
  ]);
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=load-error]').length === 4);
  const errors = await v.page.$$eval('[data-testid=load-error]', (els) =>
    els.map((e) => ({ role: e.getAttribute('role'), text: e.textContent })),
  );
  const byFile = Object.fromEntries(errors.map((e) => [e.text.split(':')[0], e]));
  assert.match(byFile['garbage.json'].text, /not valid JSON at line 1, column \d+: it starts with "this is not a trace at all"/);
  assert.match(byFile['truncated.json'].text, /truncated/);
  assert.match(byFile['shape.json'].text, /not a trace or log format.*"hello", "items"/);
  assert.match(byFile['empty.json'].text, /empty/);
  for (const e of errors) assert.equal(e.role, 'alert');

  // The earlier trace is still open and intact.
  assert.deepEqual(await v.header(), JAEGER_HEADER);
  assert.equal((await v.spanRows()).length, 7);
  await v.screenshot('load-errors');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('import warnings are listed per file', async () => {
  const v = await Viewer.open(env);
  const orphan = JSON.stringify({
    traceID: 'abc', processes: { p1: { serviceName: 'svc' } },
    spans: [
      { traceID: 'abc', spanID: '01', operationName: 'root', startTime: 10, duration: 100, processID: 'p1' },
      { traceID: 'abc', spanID: '02', operationName: 'lost', startTime: 20, duration: 5, processID: 'p1',
        references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: 'ff' }] },
    ],
  });
  await v.drop([{ name: 'orphan.json', content: orphan }]);
  await v.page.waitForSelector('[data-testid=load-warnings]');
  const text = await v.page.textContent('[data-testid=load-warnings]');
  assert.match(text, /orphan\.json/);
  assert.match(text, /parent is not in the file/);
  assert.equal((await v.header()).spans, 2);
  await v.page.close();
});
