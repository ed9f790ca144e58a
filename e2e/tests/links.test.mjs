// Ways in from other tools: a W3C traceparent (or a bare trace id) pasted
// into find or Paste opens its trace and span, or says which trace to load;
// Jaeger UI's `uiFind` links select what Jaeger would highlight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixtureFile } from '../lib/viewer.mjs';

const A = '0af7651916cd43dd8448eb211c80319c';
const B = '0bf7651916cd43dd8448eb211c80319d';
const MISSING = '4bf92f3577b34da6a3ce929d0e0e4736';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** The three-trace fixture loaded, trace A open. */
async function threeTraces() {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('otlp-three-traces.json')]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 3);
  await v.page.click(`[data-testid=trace-row][data-trace-id="${A}"] [data-testid=trace-name]`);
  assert.equal((await v.header()).traceId, A);
  return v;
}

const openSpan = (v) => v.page.getAttribute('[data-testid=span-detail]', 'data-span-id');
const waitForTrace = (v, id) =>
  v.page.waitForFunction((id) => document.querySelector('[data-testid=trace-header]')?.dataset.traceId === id, id);

test('a traceparent pasted into find opens its trace and span', async () => {
  const v = await threeTraces();
  await v.page.fill('[data-testid=find-input]', `traceparent: 00-${B}-b000000000000003-01`);
  await waitForTrace(v, B);
  await v.page.waitForSelector('[data-testid=span-detail][data-span-id=b000000000000003]');
  assert.equal(await openSpan(v), 'b000000000000003');
  assert.equal(await v.page.inputValue('[data-testid=find-input]'), '');
  // Back returns to where the paste was made.
  await v.page.click('[data-testid=nav-back]');
  await waitForTrace(v, A);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('a traceparent of a trace not loaded says which trace to load; a bare trace id opens its trace', async () => {
  const v = await threeTraces();
  await v.page.fill('[data-testid=find-input]', `00-${MISSING}-00f067aa0ba902b7-01`);
  const note = await v.page.textContent('[data-testid=trace-context]');
  assert.match(note, new RegExp(`version 00, trace ${MISSING}, parent span 00f067aa0ba902b7, flags 01 \\(sampled\\)`));
  assert.match(note, new RegExp(`Trace ${MISSING} is not loaded`));
  assert.equal((await v.header()).traceId, A, 'the open trace stays');
  await v.screenshot('trace-context-not-loaded');

  await v.page.fill('[data-testid=find-input]', B.toUpperCase());
  await waitForTrace(v, B);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('Paste takes a traceparent and tracestate header block', async () => {
  const v = await threeTraces();
  await v.page.click('[data-testid=paste-toggle]');
  await v.page.fill('[data-testid=paste-input]', `traceparent: 00-${B}-b000000000000002-01\ntracestate: congo=t61rcWkgMzE`);
  await v.page.click('[data-testid=paste-load]');
  await waitForTrace(v, B);
  await v.page.waitForSelector('[data-testid=span-detail][data-span-id=b000000000000002]');

  // Not loaded: the panel stays open and says so, with the trace state read.
  await v.page.click('[data-testid=paste-toggle]');
  await v.page.fill('[data-testid=paste-input]', `traceparent: 00-${MISSING}-00f067aa0ba902b7-00\ntracestate: congo=t61rcWkgMzE`);
  await v.page.click('[data-testid=paste-load]');
  const note = await v.page.textContent('[data-testid=paste-panel] [data-testid=trace-context]');
  assert.match(note, /flags 00 \(not sampled\), tracestate congo=t61rcWkgMzE/);
  assert.match(note, new RegExp(`Trace ${MISSING} is not loaded`));
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test("Jaeger's uiFind selects the spans Jaeger highlights", async () => {
  // As Jaeger UI links a trace: its find words, any of which may match.
  const v = await Viewer.open(env, { hash: `#/trace/${A}?uiFind=fetch%20query` });
  await v.drop([fixtureFile('otlp-three-traces.json')]);
  assert.equal((await v.header()).traceId, A);
  await v.page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.dataset.count === '2');
  assert.equal(await v.page.inputValue('[data-testid=find-input]'), 'fetch|query');
  // A span id, as Grafana's and Jaeger's span links carry it.
  const w = await Viewer.open(env, { hash: `#/trace/${A}?uiFind=a000000000000002` });
  await w.drop([fixtureFile('otlp-three-traces.json')]);
  await w.page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.dataset.count === '1');
  assert.deepEqual([...v.pageErrors, ...w.pageErrors], []);
  await v.page.close();
  await w.page.close();
});
