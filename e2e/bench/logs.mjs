// Browser benchmark of a log file beside its trace, in headless Chromium
// against the release build (files from `gen-trace --logs`). Two scenarios,
// each in a fresh browser:
//  - "then": the trace file picked (→ header and first rows painted), then
//    the log file picked → the header's record count [data-testid=trace-logs]
//    equal to the expected count; then the Logs view opened (tab click →
//    first log row painted) and the detail of the root span, which has
//    records (row click → detail with its records painted);
//  - "together": both files picked at once → trace open and the count right.
// Each with the renderer's peak memory (memory.mjs). One run each.
// The expected count comes from the generator's rule (src/bin/support/
// logs_json.rs): of every hundred records, the 98th names another trace and
// the 99th none; the rest are on the trace's spans.
// usage: node bench/logs.mjs TRACE_FILE LOG_FILE RECORDS   (prints one JSON object)
import fs from 'node:fs';
import path from 'node:path';
import { start } from '../lib/viewer.mjs';
import { rendererPeakMb } from './memory.mjs';

const [traceFile, logFile, recordsArg] = process.argv.slice(2);
if (!traceFile || !logFile || !recordsArg) {
  console.error('usage: node bench/logs.mjs TRACE_FILE LOG_FILE RECORDS');
  process.exit(2);
}
const records = Number(recordsArg);
const otherTraces = Math.floor(records / 100) + (records % 100 > 98 ? 1 : 0);
const withoutTrace = Math.floor(records / 100);
const expected = records - otherTraces - withoutTrace;
const ROOT = '0000000000000001'; // gen-trace's first span id: span_id(0)

/** Opens a fresh page; returns { env, page }. */
async function fresh() {
  const env = await start();
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(600_000);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  await page.waitForTimeout(1000); // a user takes this long to pick a file
  return { env, page };
}

/**
 * Picks `files` and waits, frame by frame, until the trace is open and, when
 * `count` is given, the header counts that many records: ms from the pick.
 */
async function pickAndWait(page, files, count = null) {
  await page.evaluate(() => {
    window.__picked = null;
    if (!window.__listening) {
      window.__listening = true;
      document.addEventListener('change', () => (window.__picked ??= performance.now()), true);
    }
  });
  await page.setInputFiles('[data-testid=file-input]', files.map((f) => path.resolve(f)));
  return page.evaluate(async (count) => {
    const q = (id) => document.querySelector(`[data-testid=${id}]`);
    const done = () => q('span-row') && q('trace-header')
      && (count === null || Number(q('trace-logs')?.dataset.count) === count);
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    for (;;) {
      await frame();
      const err = document.querySelector('[data-testid=load-error]');
      if (err) throw new Error(err.textContent);
      if (done()) break;
    }
    await frame();
    return performance.now() - window.__picked;
  }, count);
}

/** ms from `action` to `selector` present, plus a frame. */
async function timed(page, action, selector) {
  const t0 = await page.evaluate(() => performance.now());
  await action();
  return page.evaluate(async ([selector, t0]) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    while (!document.querySelector(selector)) await frame();
    await frame();
    return performance.now() - t0;
  }, [selector, t0]);
}

const out = {
  trace: path.basename(traceFile),
  trace_bytes: fs.statSync(traceFile).size,
  logs: path.basename(logFile),
  log_bytes: fs.statSync(logFile).size,
  records,
  expected,
  runs: 1,
};

// The trace, then its logs.
{
  const { env, page } = await fresh();
  try {
    out.trace_open_ms = Math.round(await pickAndWait(page, [traceFile]));
    out.trace_peak_mb = rendererPeakMb();
    out.logs_open_ms = Math.round(await pickAndWait(page, [logFile], expected));
    out.then_peak_mb = rendererPeakMb();
    out.logs_view_ms = Math.round(await timed(page, () => page.click('[data-testid=view-tab-logs]'), '[data-testid=log-row]'));
    out.logs_view_total = await page.$eval('[data-testid=logs-view]', (e) => Number(e.dataset.total));
    await page.click('[data-testid=view-tab-timeline]');
    await page.waitForSelector(`[data-testid=span-row][data-span-id="${ROOT}"]`);
    out.span_detail_ms = Math.round(await timed(
      page,
      () => page.click(`[data-testid=span-row][data-span-id="${ROOT}"]`),
      `[data-testid=span-detail][data-span-id="${ROOT}"] [data-testid=span-log]`,
    ));
    out.span_detail_logs = await page.$$eval('[data-testid=span-log]', (l) => l.length);
  } catch (e) {
    out.then_error = String(e.message ?? e).split('\n')[0].slice(0, 200);
  } finally {
    await env.close();
  }
}

// Both at once.
{
  const { env, page } = await fresh();
  try {
    out.together_ms = Math.round(await pickAndWait(page, [traceFile, logFile], expected));
    out.together_peak_mb = rendererPeakMb();
  } catch (e) {
    out.together_error = String(e.message ?? e).split('\n')[0].slice(0, 200);
  } finally {
    await env.close();
  }
}

console.log(JSON.stringify(out));
