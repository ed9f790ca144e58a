// Traces out: the trace page downloads the open trace as OTLP, Jaeger or
// Zipkin JSON, and each download opens again with the same header; the
// note says what a format could not hold; the list downloads the ticked or
// the shown traces; "Copy as JSON" puts one span on the clipboard as an
// OTLP document that Paste opens again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, Viewer, fixtureFile } from '../lib/viewer.mjs';
import { manyTraces } from '../lib/many.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Clicks `testid` and returns the download it starts: { name, content }. */
async function download(v, testid) {
  const [dl] = await Promise.all([v.page.waitForEvent('download'), v.page.click(`[data-testid=${testid}]`)]);
  return { name: dl.suggestedFilename(), content: fs.readFileSync(await dl.path(), 'utf8') };
}

async function opened(files) {
  const v = await Viewer.open(env);
  await v.drop(files);
  return v;
}

test('each format downloads and opens again with the same header', async () => {
  const v = await opened([fixtureFile('jaeger-checkout.json')]);
  const header = await v.header();
  assert.equal(header.spans, 7);
  for (const format of ['otlp', 'jaeger', 'zipkin']) {
    const file = await download(v, `export-${format}`);
    assert.match(file.name, new RegExp(`^trace-[0-9a-f]+\\.${format}\\.json$`));
    const again = await opened([file]);
    assert.deepEqual(await again.header(), header, format);
    assert.deepEqual(again.pageErrors, []);
    await again.page.close();
  }
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('OTLP keeps nanoseconds; the note says what Zipkin and Jaeger cannot hold', async () => {
  const v = await opened([fixtureFile('otlp-every-field.json')]);
  const header = await v.header();
  const otlp = await download(v, 'export-otlp');
  const note = () => v.page.textContent('[data-testid=export-note]');
  assert.match(await note(), /Saved trace-5b8efff798038103d269b633813fc60c\.otlp\.json: 1 trace as OTLP JSON\./);
  assert.match(await note(), /Nothing was left out/);
  const again = await opened([otlp]);
  assert.deepEqual(await again.header(), header);
  // The span with every field still has them: its detail, opened from the row.
  await again.page.click('[data-testid=span-row][data-span-id=eee19b7ec3c1b174]');
  const detail = await again.page.textContent('[data-testid=span-detail]');
  for (const text of ['vendor=a1,other=b2', 'inventory timeout', 'TimeoutError', 'link.reason', 'io.opentelemetry.http 1.32.0']) {
    assert.ok(detail.includes(text), `${text} in the detail after the round trip`);
  }
  await again.page.close();

  await download(v, 'export-zipkin');
  const zipkin = await note();
  assert.match(zipkin, /as Zipkin v2 JSON\. It cannot hold everything/);
  assert.match(zipkin, /Span links left out: 2/);
  assert.match(zipkin, /Times rounded down to whole microseconds: 2/);
  await download(v, 'export-jaeger');
  assert.match(await note(), /Span links written as FOLLOWS_FROM references: 1/);
  await v.screenshot('export-note');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('the list downloads the shown traces, or the ticked ones', async () => {
  const v = await Viewer.open(env);
  await v.drop([{ name: 'day.json', content: manyTraces(30) }]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 30);
  const all = await download(v, 'list-export-otlp');
  assert.equal(all.name, 'traces-30.otlp.json');
  const ids = (text) => new Set(JSON.parse(text).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))));
  assert.equal(ids(all.content).size, 30);

  const [first, second] = await v.traceRows();
  for (const row of [first, second]) {
    await v.page.check(`[data-testid=trace-row][data-trace-id="${row.traceId}"] [data-testid=compare-check]`);
  }
  const ticked = await download(v, 'list-export-jaeger');
  assert.equal(ticked.name, 'traces-2.jaeger.json');
  const data = JSON.parse(ticked.content).data;
  assert.deepEqual(data.map((t) => t.traceID).sort(), [first.traceId, second.traceId].sort());
  assert.match(await v.page.textContent('[data-testid=list-export-note]'), /2 traces as Jaeger JSON/);
  await v.screenshot('export-list-note');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('Copy as JSON copies one span that Paste opens again', async () => {
  const v = await opened([fixtureFile('otlp-every-field.json')]);
  await v.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await v.header();
  await v.page.click('[data-testid=span-row][data-span-id=bbb19b7ec3c1b176]');
  await v.page.click('[data-testid=copy-span-json]');
  await v.page.waitForFunction(() => document.querySelector('[data-testid=copy-span-json]')?.textContent === 'Copied');
  const text = await v.page.evaluate(() => navigator.clipboard.readText());
  const doc = JSON.parse(text);
  const spans = doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  assert.deepEqual(spans.map((s) => [s.spanId, s.name]), [['bbb19b7ec3c1b176', 'SELECT stock']]);
  assert.ok(text.includes('\n  '), 'indented for reading');

  const p = await Viewer.open(env);
  await p.page.click('[data-testid=paste-toggle]');
  await p.page.fill('[data-testid=paste-input]', text);
  await p.page.click('[data-testid=paste-load]');
  const header = await p.header();
  assert.equal(header.spans, 1);
  assert.equal(header.traceId, '5b8efff798038103d269b633813fc60c');
  assert.deepEqual([...v.pageErrors, ...p.pageErrors], []);
  await p.page.close();
  await v.page.close();
});
