// Working in a big trace with the mouse and keys people know (wheel, drags,
// w a s d) and folding it down to what matters: repeated siblings grouped,
// short spans hidden, one subtree focused, the critical path alone, an
// attribute beside each name, a resizable name column. Every expected number
// is computed here from the generated file.
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

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T0 = 1_700_000_000_000_000_000n;
const hex = (i) => i.toString(16).padStart(16, '0');

/**
 * A cart request with an N+1: `GET /cart` (cart-api) calls auth (which has
 * three children), then 300 `SELECT item` queries one after another, then
 * the cache and a render. Durations in µs.
 */
function nPlusOne(n = 300) {
  const spans = [];
  const add = (id, parent, service, name, startUs, durUs, attrs = {}) =>
    spans.push({ id, parent, service, name, start: startUs, dur: durUs, attrs });
  add(1, 0, 'cart-api', 'GET /cart', 0, 1_000_000, { 'http.route': '/cart' });
  add(2, 1, 'auth', 'Verify', 1_000, 40_000, { 'http.route': '/verify' });
  add(3, 2, 'auth', 'load key', 2_000, 5_000);
  add(4, 2, 'auth', 'check', 8_000, 20_000);
  add(5, 2, 'auth', 'cache get', 30_000, 600);
  for (let i = 0; i < n; i++) {
    // 0.4 ms to 2.9 ms: some under the 1 ms threshold, some over.
    add(10 + i, 1, 'cart-api', 'SELECT item', 50_000 + i * 3_000, 400 + ((i * 37) % 26) * 100, { 'db.system': 'postgres', 'db.row': String(i) });
  }
  add(10 + n, 1, 'cache', 'GET cache', 960_000, 10_000);
  add(11 + n, 1, 'cart-api', 'render', 975_000, 20_000);
  const byService = new Map();
  for (const s of spans) {
    if (!byService.has(s.service)) byService.set(s.service, []);
    byService.get(s.service).push({
      traceId: TRACE, spanId: hex(s.id), parentSpanId: s.parent ? hex(s.parent) : '', name: s.name, kind: 1,
      startTimeUnixNano: String(T0 + BigInt(s.start) * 1000n),
      endTimeUnixNano: String(T0 + BigInt(s.start + s.dur) * 1000n),
      attributes: Object.entries(s.attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
    });
  }
  const content = JSON.stringify({
    resourceSpans: [...byService.entries()].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ spans: list }],
    })),
  });
  return { spans, content };
}

const FIXTURE = nPlusOne();
const FILE = { name: 'n-plus-one.json', content: FIXTURE.content };

async function open(hash = '', options = {}) {
  const v = await Viewer.open(env, { hash, ...options });
  await v.drop([FILE]);
  await v.page.waitForSelector('[data-testid=span-row]');
  return v;
}

const rowCount = async (v) => Number(await v.page.getAttribute('[data-testid=row-count]', 'data-count'));
const range = async (v, id = 'timeline') =>
  v.page.$eval(`[data-testid=${id}]`, (t) => [Number(t.dataset.viewStartUs), Number(t.dataset.viewEndUs)]);
const box = async (v, selector) => v.page.$eval(selector, (e) => e.getBoundingClientRect().toJSON());

/** Ctrl + wheel at `f` of the axis keeps the time under the pointer, within a pixel. */
async function wheelZoomKeepsThePointer(v, id, ruler, over) {
  const r = await box(v, ruler);
  const area = await box(v, over);
  const [s, e] = await range(v, id);
  const f = 0.3;
  const at = s + f * (e - s);
  await v.page.mouse.move(r.x + f * r.width, area.y + Math.min(area.height / 2, 60));
  await v.page.keyboard.down('Control');
  await v.page.mouse.wheel(0, -300);
  await v.page.keyboard.up('Control');
  await v.page.waitForFunction(([id, s, e]) => {
    const t = document.querySelector(`[data-testid=${id}]`);
    return Number(t.dataset.viewEndUs) - Number(t.dataset.viewStartUs) < e - s;
  }, [id, s, e]);
  const [s2, e2] = await range(v, id);
  const after = s2 + f * (e2 - s2);
  const pixel = (e - s) / r.width;
  assert.ok(e2 - s2 < (e - s) * 0.8, `narrowed: ${s}..${e} → ${s2}..${e2}`);
  assert.ok(Math.abs(after - at) <= pixel, `the time under the pointer stays: ${at} → ${after} (a pixel is ${pixel} µs)`);
}

/** A drag on the ruler from a to b (fractions) zooms to that range. */
async function rulerDragZooms(v, id, ruler) {
  const r = await box(v, ruler);
  const [s, e] = await range(v, id);
  const y = r.y + r.height / 2;
  await v.page.mouse.move(r.x + 0.25 * r.width, y);
  await v.page.mouse.down();
  await v.page.mouse.move(r.x + 0.4 * r.width, y, { steps: 4 });
  await v.page.mouse.move(r.x + 0.5 * r.width, y, { steps: 4 });
  await v.page.mouse.up();
  const [s2, e2] = await range(v, id);
  const pixel = (e - s) / r.width;
  assert.ok(Math.abs(s2 - (s + 0.25 * (e - s))) <= pixel + 1, `start ${s2}`);
  assert.ok(Math.abs(e2 - (s + 0.5 * (e - s))) <= pixel + 1, `end ${e2}`);
}

test('the timeline zooms about the pointer with Ctrl + wheel, pans with d, a drag with the middle button, and zooms to a ruler drag', async () => {
  const v = await open();
  assert.deepEqual(await range(v), [0, 1_000_000]);
  await wheelZoomKeepsThePointer(v, 'timeline', '[data-testid=time-ruler]', '.rows-viewport');
  // d: a fifth of the view later.
  const [s, e] = await range(v);
  await v.page.mouse.move(5, 5);
  await v.page.keyboard.press('d');
  const [s2, e2] = await range(v);
  assert.ok(Math.abs(s2 - (s + 0.2 * (e - s))) <= 1 && Math.abs((e2 - s2) - (e - s)) <= 1, `${s}..${e} → ${s2}..${e2}`);
  // Shift + wheel pans too.
  const r = await box(v, '[data-testid=time-ruler]');
  const rows = await box(v, '.rows-viewport');
  await v.page.mouse.move(r.x + r.width / 2, rows.y + 50);
  await v.page.keyboard.down('Shift');
  await v.page.mouse.wheel(0, 100);
  await v.page.keyboard.up('Shift');
  const [s3, e3] = await range(v);
  assert.ok(s3 > s2 && Math.abs((e3 - s3) - (e2 - s2)) <= 1, `shift+wheel pans: ${s2} → ${s3}`);
  // A middle-button drag 100 px to the right shows 100 px earlier.
  await v.page.mouse.move(r.x + r.width / 2, rows.y + 50);
  await v.page.mouse.down({ button: 'middle' });
  await v.page.mouse.move(r.x + r.width / 2 + 100, rows.y + 50, { steps: 5 });
  await v.page.mouse.up({ button: 'middle' });
  const [s4, e4] = await range(v);
  const moved = ((e3 - s3) * 100) / r.width;
  assert.ok(Math.abs(s3 - s4 - moved) <= 2, `dragged ${s3 - s4} µs, ${moved} expected`);
  // Space held, a left drag 100 px to the left shows 100 px later, and
  // selects nothing.
  const selected = await v.selectedSpan();
  await v.page.keyboard.down(' ');
  await v.page.mouse.move(r.x + r.width / 2, rows.y + 50);
  await v.page.mouse.down();
  await v.page.mouse.move(r.x + r.width / 2 - 100, rows.y + 50, { steps: 5 });
  await v.page.mouse.up();
  await v.page.keyboard.up(' ');
  const [s5] = await range(v);
  assert.ok(Math.abs(s5 - s4 - moved) <= 2, `Space + drag moved ${s5 - s4} µs, ${moved} expected`);
  assert.equal(await v.selectedSpan(), selected, 'a pan is not a click');
  await v.page.keyboard.press('0');
  await rulerDragZooms(v, 'timeline', '[data-testid=time-ruler]');
  await v.screenshot('navigation-ruler-zoomed');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('the flame graph zooms about the pointer, pans and zooms to a ruler drag the same way', async () => {
  const v = await open('', {});
  await v.page.keyboard.press('3');
  await v.page.waitForSelector('[data-testid=flame-canvas]');
  assert.deepEqual(await range(v, 'flame-view'), [0, 1_000_000]);
  await wheelZoomKeepsThePointer(v, 'flame-view', '[data-testid=flame-ruler]', '[data-testid=flame-canvas]');
  const [s, e] = await range(v, 'flame-view');
  await v.page.mouse.move(5, 5);
  await v.page.keyboard.press('a');
  const [s2] = await range(v, 'flame-view');
  assert.ok(Math.abs(s2 - Math.max(0, s - 0.2 * (e - s))) <= 1, `a pans left: ${s} → ${s2}`);
  await v.page.keyboard.press('0');
  await rulerDragZooms(v, 'flame-view', '[data-testid=flame-ruler]');
  // The flame graph and the timeline show the same range.
  const flame = await range(v, 'flame-view');
  await v.page.keyboard.press('1');
  assert.deepEqual(await range(v), flame);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('300 repeated siblings fold into one group row with their count and total, and unfold on a click', async () => {
  const v = await open(`#/trace/${TRACE}?group=1`);
  const selects = FIXTURE.spans.filter((s) => s.name === 'SELECT item');
  const total = selects.reduce((a, s) => a + s.dur, 0);
  await v.page.waitForSelector('[data-testid=span-group-row]');
  const groups = await v.page.$$eval('[data-testid=span-group-row]', (rows) => rows.map((r) => ({ ...r.dataset })));
  assert.deepEqual(groups, [{
    testid: 'span-group-row', parentSpanId: hex(1), name: 'cart-api: SELECT item',
    count: '300', totalUs: String(total), depth: '2',
  }]);
  // Root, auth and its 3 children, the group, cache, render.
  assert.equal(await rowCount(v), 8);
  assert.equal(await v.page.isChecked('[data-testid=group-siblings]'), true);
  await v.screenshot('grouped-n-plus-one');
  // Off: every query is a row again, and the address says so.
  await v.page.click('[data-testid=group-siblings]');
  assert.equal(await rowCount(v), FIXTURE.spans.length);
  assert.ok(!v.page.url().includes('group=1'));
  await v.page.click('[data-testid=group-siblings]');
  assert.equal(await rowCount(v), 8);
  assert.ok(v.page.url().includes('group=1'));
  // A click unfolds the group.
  await v.page.click('[data-testid=span-group-row]');
  assert.equal(await rowCount(v), FIXTURE.spans.length);
  assert.equal(await v.page.$('[data-testid=span-group-row]'), null);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('hiding short spans, focusing a subtree and the critical path alone change the rows as defined', async () => {
  const v = await open();
  const all = FIXTURE.spans.length;
  // Hide < 1ms: spans shorter than 1 ms go, with everything under them.
  await v.page.fill('[data-testid=hide-short]', '1ms');
  await v.page.press('[data-testid=hide-short]', 'Enter');
  const parentOf = new Map(FIXTURE.spans.map((s) => [s.id, s.parent]));
  const durOf = new Map(FIXTURE.spans.map((s) => [s.id, s.dur]));
  const hidden = FIXTURE.spans.filter((s) => {
    for (let at = s.id; at; at = parentOf.get(at)) if (durOf.get(at) < 1000) return true;
    return false;
  }).length;
  assert.ok(hidden > 10);
  await v.page.waitForFunction((n) => Number(document.querySelector('[data-testid=row-count]').dataset.count) === n, all - hidden);
  assert.equal(Number(await v.page.getAttribute('[data-testid=short-hidden]', 'data-count')), hidden);
  assert.match(await v.page.textContent('[data-testid=short-hidden]'), new RegExp(`${hidden} hidden`));
  assert.ok(v.page.url().includes('hide=1ms'));
  await v.page.fill('[data-testid=hide-short]', '');
  await v.page.press('[data-testid=hide-short]', 'Enter');
  assert.equal(await rowCount(v), all);

  // Focus auth's subtree: it and its three children, with a way back.
  await v.page.click(`[data-span-id="${hex(2)}"]`);
  await v.page.click('[data-testid=focus-subtree]');
  assert.equal(await rowCount(v), 4);
  assert.deepEqual(await v.page.$$eval('[data-testid=span-row]', (r) => r.map((x) => x.dataset.spanId)), [2, 3, 4, 5].map(hex));
  assert.match(await v.page.textContent('[data-testid=focus-crumbs]'), /Whole trace.*cart-api: GET \/cart.*auth: Verify/);
  assert.deepEqual(await range(v), [1_000, 41_000]);
  await v.screenshot('focused-subtree');
  await v.page.click('[data-testid=focus-whole]');
  assert.equal(await rowCount(v), all);
  assert.deepEqual(await range(v), [0, 1_000_000]);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();

  // The critical path alone: root (0–100 ms) waits on A (0–90), A on C
  // (10–80); B (10–20) and D (5–15, ended after C began) are not waited on.
  const spans = [[1, 0, 0, 100], [2, 1, 0, 90], [3, 1, 10, 20], [4, 2, 5, 15], [5, 2, 10, 80]];
  const content = JSON.stringify({ resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
    scopeSpans: [{ spans: spans.map(([id, parent, a, b]) => ({
      traceId: '0000000000000000000000000000c417', spanId: hex(id), parentSpanId: parent ? hex(parent) : '', name: `op${id}`,
      startTimeUnixNano: String(T0 + BigInt(a) * 1_000_000n), endTimeUnixNano: String(T0 + BigInt(b) * 1_000_000n),
    })) }],
  }] });
  const w = await Viewer.open(env);
  await w.drop([{ name: 'parallel.json', content }]);
  await w.page.waitForSelector('[data-testid=span-row]');
  const onPath = await w.page.$$eval('[data-testid=span-row]', (rows) =>
    rows.filter((r) => Number(r.dataset.criticalUs) > 0).map((r) => r.dataset.spanId));
  assert.deepEqual(onPath, [1, 2, 5].map(hex));
  await w.page.click('[data-testid=critical-only]');
  assert.equal(await rowCount(w), 3);
  assert.deepEqual(await w.page.$$eval('[data-testid=span-row]', (r) => r.map((x) => x.dataset.spanId)), onPath);
  assert.ok(w.page.url().includes('crit=1'));
  await w.page.click('[data-testid=critical-only]');
  assert.equal(await rowCount(w), 5);
  assert.deepEqual(w.pageErrors, []);
  await w.page.close();
});

test('a label column shows the chosen attribute, and the name column resizes and stays resized', async () => {
  const v = await open();
  await v.page.selectOption('[data-testid=row-label-key]', 'db.system');
  const labelled = await v.page.$$eval('[data-testid=span-row]', (rows) => rows.map((r) => [
    r.dataset.spanId, r.querySelector('[data-testid=span-row-label]')?.textContent ?? null,
  ]));
  const want = new Map(FIXTURE.spans.map((s) => [hex(s.id), s.attrs['db.system'] ?? null]));
  assert.ok(labelled.length > 10);
  for (const [id, label] of labelled) assert.equal(label, want.get(id), id);
  assert.ok(labelled.some(([, l]) => l === 'postgres'));
  assert.ok(v.page.url().includes('label=db.system'));
  // The label survives a reload of the address.
  await v.page.selectOption('[data-testid=row-label-key]', 'http.route');
  assert.equal(await v.page.textContent(`[data-span-id="${hex(2)}"] [data-testid=span-row-label]`), '/verify');
  await v.screenshot('row-labels');

  const before = (await box(v, '.timeline-head .name-col')).width;
  const handle = await box(v, '[data-testid=name-col-resize]');
  await v.page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await v.page.mouse.down();
  await v.page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + handle.height / 2, { steps: 5 });
  await v.page.mouse.up();
  const after = (await box(v, '.timeline-head .name-col')).width;
  assert.ok(Math.abs(after - before - 120) <= 2, `${before} → ${after}`);
  const rowName = (await box(v, '.span-row .name-col')).width;
  assert.ok(Math.abs(rowName - after) <= 1, 'the rows follow the header');
  // Reloaded (same browser profile): the width is remembered, the label
  // comes back from the address.
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.drop([FILE]);
  await v.page.waitForSelector(`[data-span-id="${hex(2)}"] [data-testid=span-row-label]`);
  assert.ok(Math.abs((await box(v, '.timeline-head .name-col')).width - after) <= 2, 'the width is remembered');
  assert.equal(await v.page.textContent(`[data-span-id="${hex(2)}"] [data-testid=span-row-label]`), '/verify');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('the keys help, the README and the handler agree: digits switch views, w/s zoom', async () => {
  const v = await open();
  await v.page.keyboard.press('?');
  const help = await v.page.textContent('[data-testid=keyboard-help]');
  for (const s of ['w s', 'a d', '1 – 7', 'Ctrl/⌘ + wheel']) assert.ok(help.includes(s), s);
  await v.page.keyboard.press('Escape');
  for (const [key, view] of [['2', 'stats'], ['5', 'table'], ['1', 'timeline']]) {
    await v.page.keyboard.press(key);
    await v.page.waitForSelector(`[data-testid=view-tab-${view}].active`);
  }
  await v.page.keyboard.press('w');
  const [s, e] = await range(v);
  assert.ok(Math.abs((s + e) / 2 - 500_000) <= 1 && e - s < 1_000_000, `${s}..${e}`);
  await v.page.keyboard.press('s');
  assert.deepEqual(await range(v), [0, 1_000_000]);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test("Compare's lanes zoom about the pointer and to a ruler drag, both lanes together", async () => {
  const other = '0af7651916cd43dd8448eb211c8031ff';
  const v = await Viewer.open(env, { hash: `#/compare/${TRACE}...${other}` });
  await v.drop([FILE, { name: 'other.json', content: FILE.content.replaceAll(TRACE, other) }]);
  await v.page.waitForSelector('[data-testid=compare-lane]');
  assert.deepEqual(await range(v, 'compare-lanes'), [0, 1_000_000]);
  await wheelZoomKeepsThePointer(v, 'compare-lanes', '[data-testid=compare-ruler]', '[data-testid=compare-lane]');
  await rulerDragZooms(v, 'compare-lanes', '[data-testid=compare-ruler]');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('grouped rows and labels in the dark theme', async () => {
  const v = await open(`#/trace/${TRACE}?group=1&label=http.route`, { colorScheme: 'dark' });
  await v.page.waitForSelector('[data-testid=span-group-row]');
  assert.equal(await v.page.textContent(`[data-span-id="${hex(2)}"] [data-testid=span-row-label]`), '/verify');
  const bg = await v.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, `a dark page: ${bg}`);
  await v.screenshot('grouped-n-plus-one-dark');
  // The keyboard reaches the group's row and → unfolds it.
  await v.page.click(`[data-span-id="${hex(1)}"]`);
  await v.page.keyboard.press('Escape');
  for (let i = 0; i < 5; i++) await v.page.keyboard.press('ArrowDown');
  assert.ok(await v.page.$('[data-testid=span-group-row].selected'), 'the group row is selected');
  await v.page.keyboard.press('ArrowRight');
  assert.equal(await rowCount(v), FIXTURE.spans.length);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
