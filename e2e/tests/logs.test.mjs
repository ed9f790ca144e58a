// Logs beside their trace: a trace file and a log file dropped (in either
// order, or together) → the header counts the trace's records, each span's
// detail lists its own, the bars carry ticks, the Logs view filters by
// severity and text and opens a record's span, find's log~ finds spans by
// their logs, and the file's records for traces that are not loaded are
// counted and listed. Every expected number is computed here from the
// fixture files, not taken from the viewer.
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
const logFile = fixtureFile('otlp-logs-checkout.json');
const TRACE = JSON.parse(checkout.content).data[0].traceID;

// The log file's records, read independently: ids may be hex or base64.
const hexOf = (id) => (id && !/^[0-9a-f]+$/i.test(id) ? Buffer.from(id, 'base64').toString('hex') : id ?? null);
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const levelOf = (r) => {
  if (r.severityNumber) return LEVELS[Math.floor((r.severityNumber - 1) / 4)];
  const t = (r.severityText ?? '').toLowerCase();
  return { information: 'info', warning: 'warn' }[t] ?? t;
};
const RECORDS = JSON.parse(logFile.content).resourceLogs.flatMap((rl) =>
  rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => ({
    trace: hexOf(r.traceId),
    span: hexOf(r.spanId),
    timeUs: Number(BigInt(r.timeUnixNano) / 1000n),
    level: levelOf(r),
    body: r.body.stringValue ?? JSON.stringify(r.body),
  }))));
const MINE = RECORDS.filter((r) => r.trace === TRACE);
const bySpan = (span) => MINE.filter((r) => r.span === span).sort((a, b) => a.timeUs - b.timeUs);

const logsCount = (v) => v.page.$eval('[data-testid=trace-logs]', (e) => Number(e.dataset.count));

async function openSpan(v, spanId) {
  await v.page.click(`[data-testid=span-row][data-span-id="${spanId}"]`);
  await v.page.waitForSelector(`[data-testid=span-detail][data-span-id="${spanId}"]`);
  return v.page.$$eval('[data-testid=span-log]', (ls) => ls.map((l) => ({
    timeUs: Number(l.dataset.timeUs),
    severity: l.dataset.severity,
    text: l.textContent,
  })));
}

test('a trace and its log file: the header counts, each span lists its own records', async () => {
  const v = await Viewer.open(env);
  await v.drop([checkout, logFile]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=trace-logs]')?.dataset.count) === n, MINE.length);
  assert.equal(await logsCount(v), 10);
  const spans = [...new Set(MINE.map((r) => r.span).filter(Boolean))];
  assert.ok(spans.length >= 5);
  for (const span of spans) {
    const got = await openSpan(v, span);
    const want = bySpan(span);
    assert.deepEqual(got.map((l) => l.timeUs), want.map((r) => r.timeUs), span);
    assert.deepEqual(got.map((l) => l.severity), want.map((r) => r.level), span);
    for (const [i, l] of got.entries()) {
      if (!want[i].body.startsWith('{')) assert.ok(l.text.includes(want[i].body), `${span}: ${l.text}`);
    }
  }
  // The map body reads as JSON, its attributes beside it.
  const select = await openSpan(v, '00f067aa0ba902b6');
  assert.match(select[0].text, /"rows":3/);
  assert.match(select[0].text, /db\.system=postgresql/);
  // A span without records has no log list.
  await openSpan(v, '00f067aa0ba902b3');
  assert.equal(await v.page.$$eval('[data-testid=span-log]', (l) => l.length), 0);
  // Ticks on the bars: one per record in view at most, on the spans with records.
  const ticked = await v.page.$$eval('[data-testid=span-row]', (rows) => rows
    .filter((r) => r.querySelector('[data-testid=log-tick]'))
    .map((r) => r.dataset.spanId));
  assert.deepEqual(ticked.sort(), spans.sort());
  await v.screenshot('logs-detail-light');
  // The file's note: records of a trace that is not loaded, and one with none.
  const note = await v.page.$eval('[data-testid=log-file]', (e) => ({ ...e.dataset }));
  assert.equal(Number(note.records), RECORDS.length);
  assert.equal(Number(note.attached), MINE.length);
  const others = RECORDS.filter((r) => r.trace && r.trace !== TRACE);
  assert.equal(Number(note.notLoaded), others.length);
  assert.equal(Number(note.withoutTrace), RECORDS.filter((r) => !r.trace).length);
  const listed = await v.page.$$eval('[data-testid=log-file-trace]', (ls) => ls.map((l) => l.dataset.traceId));
  assert.deepEqual(listed, [...new Set(others.map((r) => r.trace))]);
  await v.page.close();
});

test('logs dropped before their trace attach when the trace arrives, and come back after a reload', async () => {
  const v = await Viewer.open(env);
  await v.drop([logFile]);
  await v.page.waitForSelector('[data-testid=log-file]');
  const note = await v.page.$eval('[data-testid=log-file]', (e) => ({ ...e.dataset }));
  assert.equal(Number(note.attached), 0);
  assert.equal(Number(note.notLoaded), RECORDS.filter((r) => r.trace).length);
  await v.drop([checkout]);
  await v.page.waitForSelector('[data-testid=span-row]');
  assert.equal(await logsCount(v), MINE.length);
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=log-file]').dataset.attached) === n, MINE.length);
  // Both files were kept: a reload reopens the trace with its logs.
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=trace-logs]')?.dataset.count) === n, MINE.length);
  await v.page.close();
});

test('the Logs view lists the records by time, filters by severity and text, and opens a span', async () => {
  const v = await Viewer.open(env, { colorScheme: 'dark' });
  await v.drop([checkout, logFile]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.click('[data-testid=view-tab-logs]');
  await v.page.waitForSelector('[data-testid=log-row]');
  const rows = () => v.page.$$eval('[data-testid=log-row]', (rs) => rs.map((r) => ({
    timeUs: Number(r.dataset.timeUs), severity: r.dataset.severity, span: r.dataset.spanId ?? null, text: r.textContent,
  })));
  const view = () => v.page.$eval('[data-testid=logs-view]', (e) => ({ count: Number(e.dataset.count), total: Number(e.dataset.total) }));
  const sorted = [...MINE].sort((a, b) => a.timeUs - b.timeUs);
  const all = await rows();
  assert.deepEqual(all.map((r) => r.timeUs), sorted.map((r) => r.timeUs));
  assert.deepEqual(await view(), { count: MINE.length, total: MINE.length });
  await v.screenshot('logs-view-dark');

  // Warnings and worse.
  await v.page.selectOption('[data-testid=logs-level]', 'warn');
  const severe = MINE.filter((r) => ['warn', 'error', 'fatal'].includes(r.level));
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=logs-view]').dataset.count) === n, severe.length);
  assert.deepEqual((await rows()).map((r) => r.severity).sort(), severe.map((r) => r.level).sort());

  // And text, any case, in the body.
  await v.page.fill('[data-testid=logs-filter]', 'TIMEOUT');
  const timeouts = severe.filter((r) => r.body.toLowerCase().includes('timeout'));
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=logs-view]').dataset.count) === n, timeouts.length);
  const [row] = await rows();
  assert.equal(row.span, timeouts[0].span);

  // A click opens the span in the timeline, its detail listing the record.
  await v.page.click('[data-testid=log-row]');
  await v.page.waitForSelector(`[data-testid=span-detail][data-span-id="${row.span}"]`);
  assert.equal(await v.page.$eval('[data-testid=view-tab-timeline]', (t) => t.classList.contains('active')), true);
  const listed = await v.page.$$eval('[data-testid=span-log]', (ls) => ls.map((l) => l.textContent));
  assert.ok(listed.some((t) => t.includes(timeouts[0].body)));
  await v.page.close();
});

test('a record opened from the Logs view under folded parents shows its span selected and in view', async () => {
  const v = await Viewer.open(env);
  await v.drop([checkout, logFile]);
  await v.page.waitForSelector('[data-testid=span-row]');
  // Every span folded: only the root's row is left.
  await v.page.keyboard.press(']');
  assert.equal(Number(await v.page.getAttribute('[data-testid=row-count]', 'data-count')), 1);
  await v.page.click('[data-testid=view-tab-logs]');
  await v.page.waitForSelector('[data-testid=log-row][data-span-id]');
  const target = await v.page.$$eval('[data-testid=log-row][data-span-id]', (rs) => rs.map((r) => r.dataset.spanId));
  // The last record's span; its depth is checked below (its parents were folded).
  const span = target[target.length - 1];
  await v.page.click(`[data-testid=log-row][data-span-id="${span}"]`);
  await v.page.waitForSelector(`.span-row.selected[data-span-id="${span}"]`);
  assert.ok(await v.page.isVisible(`.span-row.selected[data-span-id="${span}"]`));
  assert.ok(Number(await v.page.getAttribute(`[data-span-id="${span}"]`, 'data-depth')) > 1, 'a span under a folded parent');
  assert.equal(await v.page.getAttribute('[data-testid=span-detail]', 'data-span-id'), span);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('find log~ selects the spans whose records match', async () => {
  const v = await Viewer.open(env);
  await v.drop([checkout, logFile]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-logs]')?.dataset.count) > 0);
  const want = new Set(MINE.filter((r) => r.span && /cart/.test(r.body)).map((r) => r.span));
  assert.equal(await v.findCount('log~cart'), want.size);
  const marked = await v.page.$$eval('[data-testid=span-row].match', (rs) => rs.map((r) => r.dataset.spanId));
  assert.deepEqual(marked.sort(), [...want].sort());
  assert.equal(await v.findCount('log=REPLICA'), 1);
  await v.page.close();
});

test('a log file too big for the page is read in a worker and attaches the same', async () => {
  // ~4 MB of application JSON Lines: past the size read on the page.
  const spans = JSON.parse(checkout.content).data[0].spans;
  const lines = [];
  for (let i = 0; i < 24000; i += 1) {
    const s = spans[i % spans.length];
    const level = ['debug', 'info', 'warn', 'error'][i % 4];
    lines.push(JSON.stringify({
      time: new Date(s.startTime / 1000 + (i % 10)).toISOString(),
      level, msg: `step ${i} of the checkout, padded to look like a real line ${'x'.repeat(60)}`,
      trace_id: TRACE, span_id: s.spanID, attempt: i % 3,
    }));
  }
  const big = { name: 'app.log.jsonl', content: lines.join('\n') + '\n' };
  assert.ok(big.content.length > 3e6, `${big.content.length} bytes`);
  const v = await Viewer.open(env);
  await v.drop([checkout, big]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=trace-logs]')?.dataset.count) === n, lines.length, { timeout: 30000 });
  const got = await openSpan(v, spans[1].spanID);
  // The detail lists the first 200 of the span's records, all of them its own.
  const want = lines.filter((_, i) => i % spans.length === 1).length;
  assert.equal(got.length, Math.min(200, want));
  assert.match(await v.page.textContent('[data-testid=span-detail]'), new RegExp(`Logs \\(${want}\\)`));
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
