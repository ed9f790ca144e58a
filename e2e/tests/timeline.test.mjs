// The trace page: virtualised rows, collapse/expand, span detail.
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

/** A Jaeger trace of `n` spans: a root with `n - 1` children in 50 groups. */
function wideTrace(n) {
  const spans = [];
  const hex = (i) => i.toString(16).padStart(16, '0');
  for (let i = 1; i <= n; i++) {
    const parent = i === 1 ? null : i <= 51 ? 1 : 2 + ((i - 52) % 50);
    spans.push({
      traceID: '00000000000000000000000000000abc', spanID: hex(i), operationName: `op-${i}`,
      references: parent ? [{ refType: 'CHILD_OF', traceID: '00000000000000000000000000000abc', spanID: hex(parent) }] : [],
      startTime: 1_700_000_000_000_000 + i, duration: n * 2 - i, processID: `p${i % 5}`,
      tags: [{ key: 'index', type: 'int64', value: i }],
    });
  }
  const processes = {};
  for (let p = 0; p < 5; p++) processes[`p${p}`] = { serviceName: `service-${p}` };
  return JSON.stringify({ data: [{ traceID: '00000000000000000000000000000abc', spans, processes }] });
}

test('only the rows in view exist in the DOM, and scrolling brings the rest', async () => {
  const v = await Viewer.open(env, { height: 800 });
  await v.drop([{ name: 'wide.json', content: wideTrace(5000) }]);
  await v.page.waitForSelector('[data-testid=span-row]');
  assert.equal((await v.header()).spans, 5000);
  const first = await v.spanRows();
  assert.ok(first.length > 10 && first.length < 100, `${first.length} rows in the DOM`);
  assert.equal(first[0].spanId, '0000000000000001');
  assert.equal(first[0].depth, 1);

  await v.page.$eval('.rows-viewport', (el) => { el.scrollTop = el.scrollHeight; });
  // The last row depth-first (span 4951, under span 51) comes into view.
  await v.page.waitForFunction(() => {
    const last = document.querySelector('[data-testid=span-row][data-span-id="0000000000001357"]');
    return last && last.dataset.depth === '3' && last.getBoundingClientRect().bottom <= innerHeight + 1;
  });
  const last = await v.spanRows();
  assert.ok(last.length < 100);
  assert.ok(!last.some((r) => r.spanId === '0000000000000001'), 'the root row left the DOM');
  await v.page.close();
});

test('collapse and expand hide and show a subtree', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=span-row]');
  const ids = async () => (await v.spanRows()).map((r) => r.spanId);
  assert.equal((await ids()).length, 7);
  // Collapse cart-client (b4): GetCart and SELECT disappear.
  await v.page.click('[data-span-id="00f067aa0ba902b4"] [data-testid=span-toggle]');
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 5);
  assert.deepEqual(await ids(), ['00f067aa0ba902b1', '00f067aa0ba902b2', '00f067aa0ba902b3', '00f067aa0ba902b4', '00f067aa0ba902b7']);
  await v.page.click('[data-span-id="00f067aa0ba902b4"] [data-testid=span-toggle]');
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 7);
  // Collapse all leaves only the root.
  await v.page.click('text=Collapse all');
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 1);
  await v.page.click('text=Expand all');
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 7);
  await v.page.close();
});

test('clicking a span opens its detail', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const v = await Viewer.open(env, { colorScheme });
    await v.drop([fixtureFile('jaeger-checkout.json')]);
    await v.page.click('[data-span-id="00f067aa0ba902b5"]');
    await v.page.waitForSelector('[data-testid=span-detail]');
    const detail = await v.page.textContent('[data-testid=span-detail]');
    for (const expected of [
      'GetCart', 'cart', 'server', 'ERROR', '58ms', '28ms', // operation, service, kind, status, duration, self time
      '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b5', '00f067aa0ba902b4', // ids
      '01 (sampled)', 'cart.items', 'hostname', 'cart-1', 'exception', 'cart store timed out',
    ]) {
      assert.ok(detail.includes(expected), `detail shows ${expected}`);
    }
    assert.equal(await v.page.getAttribute('[data-testid=span-detail]', 'data-span-id'), '00f067aa0ba902b5');
    await v.screenshot(`span-detail-${colorScheme}`);
    await v.page.click('[data-testid=span-detail] .close');
    await v.page.waitForSelector('[data-testid=span-detail]', { state: 'detached' });
    await v.page.close();
  }
});

test('the critical path is highlighted on the bars and listed', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=critical-path]');
  // root 0-5, 20-25, 90-110 ms; auth-client 5-6, 18-20; cart-client 25-27, 85-90 …
  // send-analytics (a producer, FOLLOWS_FROM the root) 110-150, clipped to
  // 110-120: it is waited for like any child (TESTIDS.md); only a consumer
  // under a producer is not.
  const onPath = await v.page.$$eval('[data-testid=span-row]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.spanId.slice(-2), Number(r.dataset.criticalUs)])));
  assert.deepEqual(onPath, { b1: 30000, b2: 3000, b3: 12000, b4: 7000, b5: 28000, b6: 30000, b7: 10000 });
  assert.equal(await v.page.getAttribute('[data-testid=critical-path]', 'data-count'), '7');
  await v.page.click('[data-testid=critical-path] summary');
  await v.page.waitForSelector('[data-testid=critical-item]');
  const items = await v.page.$$eval('[data-testid=critical-item]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(items, ['frontend: GET /checkout', 'frontend: auth-client', 'auth: POST /verify', 'frontend: cart-client', 'cart: GetCart', 'cart: SELECT cart', 'frontend: send-analytics']);
  assert.ok((await v.page.$$('.crit')).length >= 11, 'one highlight per section');
  await v.page.click('[data-testid=critical-item] >> nth=4');
  assert.match(await v.page.textContent('[data-testid=span-detail]'), /Critical path\s*28ms on it/);
  await v.screenshot('critical-path');
  await v.page.click('[data-testid=critical-toggle]');
  await v.page.waitForFunction(() => document.querySelectorAll('.crit').length === 0);
  await v.page.close();
});

test('the statistics view lists operations and sorts by any column', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.click('[data-testid=view-tab-stats]');
  await v.page.waitForSelector('[data-testid=stats-row]');
  const rows = () => v.page.$$eval('[data-testid=stats-row]', (rs) =>
    rs.map((r) => `${r.dataset.service}:${r.dataset.operation}=${r.dataset.selfTotalUs}`));
  // Self time, largest first (ties by service, then operation).
  assert.deepEqual(await rows(), [
    'frontend:send-analytics=40000', 'cart:SELECT cart=30000', 'frontend:GET /checkout=30000',
    'cart:GetCart=28000', 'auth:POST /verify=12000', 'frontend:cart-client=7000', 'frontend:auth-client=3000',
  ]);
  await v.screenshot('statistics');
  await v.page.click('[data-testid=stats-sort][data-column=Operation]');
  const ops = await v.page.$$eval('[data-testid=stats-row]', (rs) => rs.map((r) => r.dataset.operation));
  assert.deepEqual(ops, ['GET /checkout', 'GetCart', 'POST /verify', 'SELECT cart', 'auth-client', 'cart-client', 'send-analytics']);
  await v.page.click('[data-testid=stats-sort][data-column=Operation]');
  assert.equal(await v.page.$eval('[data-testid=stats-row]', (r) => r.dataset.operation), 'send-analytics');
  await v.page.click('[data-testid=view-tab-timeline]');
  await v.page.waitForSelector('[data-testid=span-row]');
  await v.page.close();
});
