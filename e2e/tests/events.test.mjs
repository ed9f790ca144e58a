// The Events view: every span event in time order, exceptions with type,
// message and stack trace, the filters, the find query, the jump to a span,
// and only the rows in view in the DOM. Expected counts are computed here
// from the fixture files, not taken from the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, Viewer, fixture, fixtureFile } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const read = (name) => JSON.parse(fs.readFileSync(fixture(name), 'utf8'));

/** OTLP JSON: every event as { name, attrs: {key: text}, service, op, spanId }. */
function otlpEvents(doc) {
  const text = (v) => v.stringValue ?? (v.intValue !== undefined ? String(v.intValue) : v.boolValue !== undefined ? String(v.boolValue) : '');
  const out = [];
  for (const rs of doc.resourceSpans) {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        for (const e of s.events ?? []) {
          const attrs = Object.fromEntries((e.attributes ?? []).map((a) => [a.key, text(a.value)]));
          out.push({ name: e.name, attrs, service, op: s.name, spanId: s.spanId });
        }
      }
    }
  }
  return out;
}

/** The last line of a stack trace that names a frame (Java `at …`, Python `File …`, Go file:line). */
function lastFrame(stack) {
  const frames = stack.split('\n').filter((l) => /^\s*(at |File |\/)/.test(l));
  return frames[frames.length - 1].trim();
}

async function openEvents(name, options = {}) {
  const v = await Viewer.open(env, options);
  await v.drop([fixtureFile(name)]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.click('[data-testid=view-tab-events]');
  await v.page.waitForSelector('[data-testid=events-view]');
  return v;
}

async function view(v) {
  return v.page.$eval('[data-testid=events-view]', (el) => ({
    count: Number(el.dataset.count),
    total: Number(el.dataset.total),
    exceptions: Number(el.dataset.exceptions),
  }));
}

/** Waits until the list shows `n` events. */
const waitCount = (v, n) => v.page.waitForSelector(`[data-testid=events-view][data-count="${n}"]`);

async function rows(v) {
  return v.page.$$eval('[data-testid=event-row]', (rs) =>
    rs.map((r) => ({
      timeUs: Number(r.dataset.timeUs),
      spanId: r.dataset.spanId,
      name: r.dataset.name,
      exception: r.dataset.exception === 'true',
      type: r.querySelector('[data-testid=event-exception-type]')?.textContent ?? null,
      message: r.querySelector('[data-testid=event-exception-message]')?.textContent ?? null,
    })),
  );
}

test('OTLP exceptions: counts, time order, type and message, stack trace, filters, jump to the span', async () => {
  const events = otlpEvents(read('otlp-exceptions.json'));
  const exceptions = events.filter((e) => e.name === 'exception');
  const v = await openEvents('otlp-exceptions.json');
  assert.deepEqual(await view(v), { count: events.length, total: events.length, exceptions: exceptions.length });

  const all = await rows(v);
  assert.equal(all.length, events.length);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].timeUs <= all[i].timeUs, `row ${i} is out of time order`);
  // A span with status error and no event has no row.
  assert.ok(!all.some((r) => r.spanId === 'a1b2c3d4e5f60002'));

  // Exceptions show their type and message.
  const card = exceptions.find((e) => e.attrs['exception.type'] === 'stripe.error.CardError');
  const cardRow = all.find((r) => r.type === 'stripe.error.CardError');
  assert.equal(cardRow.message, card.attrs['exception.message']);
  assert.equal(cardRow.spanId, card.spanId);
  assert.equal(all.filter((r) => r.exception).length, exceptions.length);

  // The summary by type; a type filters the list to it, and back.
  const types = await v.page.$$eval('[data-testid=events-type]', (ts) => ts.map((t) => [t.dataset.type, Number(t.dataset.count)]));
  const want = {};
  for (const e of exceptions) want[e.attrs['exception.type']] = (want[e.attrs['exception.type']] ?? 0) + 1;
  assert.deepEqual(Object.fromEntries(types), want);
  await v.page.click('[data-testid=events-type][data-type="requests.exceptions.ReadTimeout"]');
  await waitCount(v, 2);
  let shown = await rows(v);
  assert.equal(shown.length, 2);
  assert.ok(shown.every((r) => r.type === 'requests.exceptions.ReadTimeout'));
  await v.page.click('[data-testid=events-type][data-type="requests.exceptions.ReadTimeout"]');
  await waitCount(v, events.length);
  assert.equal((await rows(v)).length, events.length);

  // Exceptions only.
  await v.page.check('[data-testid=events-exceptions-only]');
  await waitCount(v, exceptions.length);
  shown = await rows(v);
  assert.equal(shown.length, exceptions.length);
  assert.ok(shown.every((r) => r.exception));
  assert.equal((await view(v)).count, exceptions.length);
  await v.page.uncheck('[data-testid=events-exceptions-only]');
  await waitCount(v, events.length);

  // Selecting an exception shows its whole stack trace, to the last frame.
  await v.page.click('[data-testid=event-row] [data-testid=event-exception-type]:text("stripe.error.CardError")');
  const stack = await v.page.textContent('[data-testid=event-stacktrace]');
  assert.ok(stack.includes(lastFrame(card.attrs['exception.stacktrace'])), stack);
  assert.equal(stack.trim(), card.attrs['exception.stacktrace'].trim());
  await v.screenshot('events-otlp-light');

  // The text filter narrows, as a search over the fixture does.
  await v.page.fill('[data-testid=events-filter]', 'Stripe');
  const hay = (e) => [e.name, e.service, e.op, ...Object.values(e.attrs)].join('\n').toLowerCase();
  const stripe = events.filter((e) => hay(e).includes('stripe'));
  assert.ok(stripe.length > 0 && stripe.length < events.length);
  await waitCount(v, stripe.length);
  assert.equal((await rows(v)).length, stripe.length);
  await v.page.fill('[data-testid=events-filter]', '');
  await waitCount(v, events.length);

  // The span name opens the timeline with that span's detail.
  await v.page.click(`[data-testid=event-row][data-span-id="${card.spanId}"] [data-testid=event-span]`);
  await v.page.waitForSelector('[data-testid=span-detail]');
  assert.equal(await v.page.getAttribute('[data-testid=span-detail]', 'data-span-id'), card.spanId);
  assert.equal(await v.page.getAttribute('.trace-page', 'data-view'), 'timeline');
  assert.equal(await v.selectedSpan(), card.spanId);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('the find query limits the list to its spans\' events and says so', async () => {
  const events = otlpEvents(read('otlp-exceptions.json'));
  const v = await openEvents('otlp-exceptions.json');
  assert.equal(await v.page.$('[data-testid=events-find-note]'), null);
  await v.page.fill('[data-testid=find-input]', 'service=payment');
  await v.page.waitForSelector('[data-testid=events-find-note]');
  const payment = events.filter((e) => e.service === 'payment');
  await waitCount(v, payment.length);
  const ids = new Set(payment.map((e) => e.spanId));
  assert.ok((await rows(v)).every((r) => ids.has(r.spanId)));
  assert.match(await v.page.textContent('[data-testid=events-find-note]'), /matching the find query/);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('Jaeger event=error logs are exceptions with error.kind, message and stack', async () => {
  const doc = read('jaeger-error-logs.json');
  const logs = doc.data[0].spans.flatMap((s) => s.logs.map((l) => ({ spanId: s.spanID, fields: Object.fromEntries(l.fields.map((f) => [f.key, f.value])) })));
  const errors = logs.filter((l) => l.fields.event === 'error');
  const v = await openEvents('jaeger-error-logs.json', { colorScheme: 'dark' });
  assert.deepEqual(await view(v), { count: logs.length, total: logs.length, exceptions: errors.length });
  const all = await rows(v);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].timeUs <= all[i].timeUs);
  const npe = errors.find((l) => l.fields['error.kind'] === 'java.lang.NullPointerException');
  const row = all.find((r) => r.type === 'java.lang.NullPointerException');
  assert.equal(row.message, npe.fields.message);
  assert.equal(row.spanId, npe.spanId);
  await v.page.click(`[data-testid=event-row][data-span-id="${npe.spanId}"][data-exception=true]`);
  const stack = await v.page.textContent('[data-testid=event-stacktrace]');
  assert.ok(stack.includes(lastFrame(npe.fields.stack)), stack);
  await v.screenshot('events-jaeger-dark');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

/** An OTLP trace of `spans` spans with `per` events each (every 10th an exception). */
function manyEvents(spans, per) {
  const t0 = 1_700_000_000_000_000_000n;
  const list = [];
  for (let i = 0; i < spans; i++) {
    const events = [];
    for (let k = 0; k < per; k++) {
      const at = t0 + BigInt(((k * 7919 + i * 104729) % 1_000_000) * 1000);
      events.push(k % 10 === 0
        ? { timeUnixNano: String(at), name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: `E${k % 3}` } }, { key: 'exception.stacktrace', value: { stringValue: `E: boom\n  at f${k}\n  at g${k}` } }] }
        : { timeUnixNano: String(at), name: `step-${k}`, attributes: [{ key: 'k', value: { intValue: String(k) } }] });
    }
    list.push({ traceId: '0000000000000000000000000000e7e7', spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: i ? '0000000000000001' : undefined, name: `op-${i % 20}`, startTimeUnixNano: String(t0), endTimeUnixNano: String(t0 + 1_000_000_000n), events });
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'busy' } }] }, scopeSpans: [{ spans: list }] }] });
}

test('a trace with 40k events keeps only the rows in view in the DOM', async () => {
  const v = await Viewer.open(env, { height: 800 });
  await v.drop([{ name: 'busy.json', content: manyEvents(2000, 20) }]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.click('[data-testid=view-tab-events]');
  await v.page.waitForSelector('[data-testid=event-row]');
  assert.deepEqual(await view(v), { count: 40000, total: 40000, exceptions: 4000 });
  let shown = await rows(v);
  assert.ok(shown.length > 10 && shown.length < 120, `${shown.length} rows in the DOM`);
  await v.page.$eval('.events-scroll', (el) => { el.scrollTop = el.scrollHeight; });
  await v.page.waitForTimeout(200);
  shown = await rows(v);
  assert.ok(shown.length < 120);
  let last = 0;
  for (let i = 0; i < 2000; i++) for (let k = 0; k < 20; k++) last = Math.max(last, (k * 7919 + i * 104729) % 1_000_000);
  assert.equal(shown[shown.length - 1].timeUs, last);
  await v.page.check('[data-testid=events-exceptions-only]');
  await waitCount(v, 4000);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
