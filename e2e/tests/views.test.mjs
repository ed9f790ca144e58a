// The views over the shown traces (Why slow, Structure, Services, RED over
// time) on a generated set of checkouts with a planted cause (lib/slow.mjs):
// every figure is computed here from the OTLP file itself, by brute force.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer } from '../lib/viewer.mjs';
import { checkouts } from '../lib/slow.mjs';
import { percentile } from '../lib/many.mjs';

const N = 240;
const FILE = { name: 'checkouts.json', content: checkouts(N) };

// ---- brute force over the file ----------------------------------------

const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const text = (v) => v.stringValue ?? v.intValue ?? String(v.boolValue ?? v.doubleValue ?? '');

/** Traces of an OTLP JSON file: arrays of spans with everything the views count. */
function read(content) {
  const traces = new Map();
  for (const rs of JSON.parse(content).resourceSpans) {
    const resource = rs.resource.attributes.map((a) => [a.key, text(a.value)]);
    const service = resource.find(([k]) => k === 'service.name')?.[1] ?? 'unknown_service';
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (!traces.has(s.traceId)) traces.set(s.traceId, []);
        const code = s.status?.code ?? 0;
        traces.get(s.traceId).push({
          id: s.spanId, parent: s.parentSpanId ?? null, service, name: s.name, kind: KINDS[s.kind ?? 0],
          status: code === 2 ? 'error' : code === 1 ? 'ok' : 'unset',
          start: BigInt(s.startTimeUnixNano), end: BigInt(s.endTimeUnixNano),
          attrs: s.attributes.map((a) => [a.key, text(a.value)]), resource,
        });
      }
    }
  }
  return [...traces.entries()].map(([id, spans]) => {
    const byId = new Map(spans.map((s) => [s.id, s]));
    for (const s of spans) {
      s.dur = Number(s.end - s.start); // ns
      s.parentSpan = byId.get(s.parent) ?? null;
      const kids = spans.filter((c) => c.parent === s.id)
        .map((c) => [c.start > s.start ? c.start : s.start, c.end < s.end ? c.end : s.end])
        .filter(([a, b]) => b > a).sort((x, y) => (x[0] < y[0] ? -1 : 1));
      let covered = 0n; let at = s.start;
      for (const [a, b] of kids) {
        const from = a > at ? a : at;
        if (b > from) { covered += b - from; at = b; }
      }
      s.self = Number(s.end - s.start - covered);
      const steps = [];
      for (let p = s; p; p = p.parentSpan) steps.unshift(`${p.service}: ${p.name}`);
      s.path = steps.join(' / ');
    }
    const lo = spans.reduce((m, s) => (s.start < m ? s.start : m), spans[0].start);
    const hi = spans.reduce((m, s) => (s.end > m ? s.end : m), spans[0].end);
    return { id, spans, durNs: Number(hi - lo), errors: spans.filter((s) => s.status === 'error').length };
  });
}

const traces = read(FILE.content);
const pairsOf = (t) => {
  const out = new Set();
  for (const s of t.spans) {
    for (const [k, v] of [...s.attrs, ...s.resource]) out.add(`${k}\u0000${v}`);
    out.add(`status\u0000${s.status}`);
    if (s.kind) out.add(`kind\u0000${s.kind}`);
    out.add(`name\u0000${s.service}: ${s.name}`);
  }
  return out;
};

function why(selected) {
  const sel = traces.filter(selected);
  const rest = traces.filter((t) => !selected(t));
  const counts = new Map();
  for (const [group, ts] of [[0, sel], [1, rest]]) {
    for (const t of ts) {
      for (const p of pairsOf(t)) {
        if (!counts.has(p)) counts.set(p, [0, 0]);
        counts.get(p)[group] += 1;
      }
    }
  }
  // A key is folded when it has more than two values and at least 4 in 5
  // are held by one trace only.
  const values = new Map(); const single = new Map();
  for (const [p, [s, r]] of counts) {
    const k = p.split('\u0000')[0];
    values.set(k, (values.get(k) ?? 0) + 1);
    single.set(k, (single.get(k) ?? 0) + (s + r === 1 ? 1 : 0));
  }
  const folded = (k) => values.get(k) > 2 && single.get(k) * 5 >= values.get(k) * 4;
  const share = (c, n) => (n ? c / n : 0);
  const rows = [...counts.entries()].map(([p, [s, r]]) => {
    const [key, value] = p.split('\u0000');
    return { key, value, selected: s, rest: r, s: share(s, sel.length), r: share(r, rest.length) };
  }).filter((x) => x.s > x.r && !folded(x.key));
  // Compared in integers over the common denominators, so equal
  // differences tie exactly and go by ratio (larger first), then key, value.
  const [ns, nr] = [Math.max(sel.length, 1), Math.max(rest.length, 1)];
  const diff = (x) => x.selected * nr - x.rest * ns;
  const ratioCmp = (a, b) => {
    if (a.rest === 0 || b.rest === 0) return (a.rest === 0 ? 1 : 0) - (b.rest === 0 ? 1 : 0) || 0;
    return a.selected * b.rest - b.selected * a.rest;
  };
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => diff(b) - diff(a) || ratioCmp(b, a) || cmp(a.key, b.key) || cmp(a.value, b.value));
  const foldedKeys = [...values.keys()].filter(folded).sort();
  return { selected: sel.length, rest: rest.length, rows, foldedKeys };
}

const durations = traces.map((t) => t.durNs).sort((a, b) => a - b);
const p90 = percentile(durations, 90);

// ---- the page ---------------------------------------------------------

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function openSet(options = {}) {
  const v = await Viewer.open(env, { height: 1000, ...options });
  await v.drop([FILE]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  return v;
}

const shown = (v) => v.page.getAttribute('[data-testid=trace-count]', 'data-shown').then(Number);
const hash = (v) => v.page.evaluate(() => decodeURIComponent(location.hash));
const data = (v, sel) => v.page.$$eval(sel, (els) => els.map((e) => ({ ...e.dataset })));


test('Why slow: the planted flag ranks first, the decoys do not rank, every row as counted from the file', async () => {
  const v = await openSet();
  await v.page.click('[data-testid=list-tab-why]');
  await v.page.waitForSelector('[data-testid=why-view]');
  assert.equal(await hash(v), '#/why');
  const want = why((t) => t.durNs >= p90);
  const view = (await data(v, '[data-testid=why-view]'))[0];
  assert.deepEqual([Number(view.selected), Number(view.rest)], [want.selected, want.rest]);
  const rows = await data(v, '[data-testid=why-row]');
  assert.deepEqual(
    rows.map((r) => [r.key, r.value, Number(r.selected), Number(r.rest)]),
    want.rows.slice(0, rows.length).map((r) => [r.key, r.value, r.selected, r.rest]),
  );
  assert.deepEqual([rows[0].key, rows[0].value], ['feature.flag', 'new-cart']);
  const flagged = traces.filter((t) => t.spans.some((s) => s.attrs.some(([k, x]) => k === 'feature.flag' && x === 'new-cart')));
  assert.equal(Number(rows[0].selected) + Number(rows[0].rest), flagged.length);
  for (const decoy of ['region', 'deployment.environment', 'user.id', 'request.id']) {
    assert.ok(!rows.some((r) => r.key === decoy), `${decoy} is ranked`);
  }
  const folded = (await data(v, '[data-testid=why-folded]')).map((f) => f.key).sort();
  assert.deepEqual(folded, want.foldedKeys);
  assert.ok(folded.includes('user.id') && folded.includes('request.id'));
  // Where the extra time goes: the N+1's SELECTs first.
  const time = await data(v, '[data-testid=why-time-row]');
  assert.equal(time[0].name, 'db: SELECT item');
  const selfOf = (ts, name) => ts.reduce((n, t) => n + t.spans.filter((s) => `${s.service}: ${s.name}` === name).reduce((m, s) => m + s.self, 0), 0);
  const sel = traces.filter((t) => t.durNs >= p90);
  const rest = traces.filter((t) => t.durNs < p90);
  assert.ok(Math.abs(Number(time[0].selectedUs) - selfOf(sel, 'db: SELECT item') / sel.length / 1000) < 0.01);
  assert.ok(Math.abs(Number(time[0].restUs) - selfOf(rest, 'db: SELECT item') / rest.length / 1000) < 0.01);
  await v.docShot('why-slow');

  // A click lists the traces holding the pair; Back returns to the view.
  await v.page.click('[data-testid=why-row] >> nth=0');
  await v.page.waitForSelector('[data-testid=trace-row]');
  assert.equal(await hash(v), '#/?has=feature.flag=new-cart');
  assert.equal(await shown(v), flagged.length);
  assert.equal(await v.page.getAttribute('[data-testid=filter-chip]', 'data-name'), 'has');
  await v.page.goBack();
  await v.page.waitForSelector('[data-testid=why-view]');
  assert.equal(await shown(v), N);

  // Errors mode: the failing payments' pairs.
  await v.page.check('[data-testid=why-mode-errors]');
  await v.page.waitForFunction(() => location.hash.includes('select=errors'));
  const errors = why((t) => t.errors > 0);
  await v.page.waitForFunction((n) => document.querySelector('[data-testid=why-view]')?.dataset.selected === String(n), errors.selected);
  const erows = await data(v, '[data-testid=why-row]');
  assert.deepEqual(erows.map((r) => [r.key, r.value, Number(r.selected), Number(r.rest)]).slice(0, 5),
    errors.rows.slice(0, 5).map((r) => [r.key, r.value, r.selected, r.rest]));
  assert.equal(erows[0].key, 'status');
  assert.deepEqual(v.pageErrors, []);
});

test('Why slow: the threshold is typed or dragged on the histogram, and kept in the address across a reload', async () => {
  const v = await openSet();
  await v.page.click('[data-testid=list-tab-why]');
  await v.page.waitForSelector('[data-testid=why-view]');
  await v.page.fill('[data-testid=why-slow]', '100ms');
  await v.page.press('[data-testid=why-slow]', 'Enter');
  await v.page.waitForFunction(() => location.hash === '#/why?slow=100000');
  const at100 = traces.filter((t) => t.durNs >= 100_000_000).length;
  await v.page.waitForFunction((n) => document.querySelector('[data-testid=why-view]')?.dataset.selected === String(n), at100);
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=why-view]');
  assert.equal(await hash(v), '#/why?slow=100000');
  assert.equal(Number(await v.page.getAttribute('[data-testid=why-view]', 'data-selected')), at100);

  // A drag across the histogram sets the threshold where it started.
  const box = await v.page.locator('[data-testid=duration-histogram]').boundingBox();
  await v.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await v.page.mouse.down();
  await v.page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 4 });
  await v.page.mouse.up();
  await v.page.waitForFunction(() => /slow=\d+/.test(location.hash) && location.hash !== '#/why?slow=100000');
  const slowUs = Number((await hash(v)).match(/slow=(\d+)/)[1]);
  const want = traces.filter((t) => t.durNs >= slowUs * 1000).length;
  await v.page.waitForFunction((n) => document.querySelector('[data-testid=why-view]')?.dataset.selected === String(n), want);
  assert.equal(Number(await v.page.getAttribute('[data-testid=duration-histogram]', 'data-threshold-us')), slowUs);
  assert.deepEqual(v.pageErrors, []);
});

test('Structure: every path as counted from the file; sorting; a click lists the traces on the path', async () => {
  const v = await openSet();
  await v.page.click('[data-testid=list-tab-structure]');
  await v.page.waitForSelector('[data-testid=structure-row]');
  const paths = new Map();
  for (const t of traces) {
    for (const s of t.spans) {
      if (!paths.has(s.path)) paths.set(s.path, { traces: new Set(), durs: [], self: 0 });
      const p = paths.get(s.path);
      p.traces.add(t.id); p.durs.push(s.dur); p.self += s.self;
    }
  }
  const rows = await data(v, '[data-testid=structure-row]');
  assert.equal(rows.length, paths.size);
  for (const r of rows) {
    const p = paths.get(r.path);
    assert.ok(p, `no path ${r.path}`);
    const d = p.durs.sort((a, b) => a - b);
    assert.deepEqual(
      [Number(r.traces), Number(r.count), Number(r.selfUs), Number(r.p50Us), Number(r.p90Us)],
      [p.traces.size, d.length, p.self / 1000, percentile(d, 50) / 1000, percentile(d, 90) / 1000],
      r.path,
    );
  }
  // The N+1 shows as the largest count.
  const nPlusOne = rows.find((r) => r.path.endsWith('db: SELECT item'));
  assert.equal(Number(nPlusOne.count), Math.max(...rows.map((r) => Number(r.count))));
  // Sorting by p90: siblings largest first, kept in the address.
  await v.page.click('[data-testid=structure-sort][data-column=p90]');
  await v.page.waitForFunction(() => location.hash === '#/structure?by=p90');
  const sorted = await data(v, '[data-testid=structure-row]');
  const cart = sorted.filter((r) => r.depth === '3');
  assert.deepEqual(cart.map((r) => Number(r.p90Us)), cart.map((r) => Number(r.p90Us)).sort((a, b) => b - a));
  await v.docShot('structure');
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=structure-row]');
  assert.equal(await v.page.getAttribute('[data-testid=structure-sort].active', 'data-column'), 'p90');
  // A click on the cache path lists the traces holding it.
  const cachePath = 'frontend: GET /checkout / cart: GetCart / cache: GET';
  await v.page.click(`[data-testid=structure-row][data-path="${cachePath}"]`);
  await v.page.waitForSelector('[data-testid=trace-row]');
  assert.equal(await shown(v), paths.get(cachePath).traces.size);
  const listed = (await v.traceRows()).map((r) => r.traceId);
  for (const id of listed) assert.ok(paths.get(cachePath).traces.has(id), id);
  assert.deepEqual(v.pageErrors, []);
});

test('Services: one graph over every trace as counted from the file; a click on a call lists the traces making it', async () => {
  const v = await openSet();
  await v.page.click('[data-testid=list-tab-services]');
  await v.page.waitForSelector('[data-testid=service-node]');
  const nodes = new Map(); const edges = new Map();
  for (const t of traces) {
    for (const s of t.spans) {
      const n = nodes.get(s.service) ?? { spans: 0, errors: 0 };
      n.spans += 1; n.errors += s.status === 'error' ? 1 : 0;
      nodes.set(s.service, n);
      const p = s.parentSpan;
      if (p && p.service !== s.service) {
        const key = `${p.service}>${s.service}`;
        const e = edges.get(key) ?? { calls: 0, errors: 0, traces: new Set() };
        e.calls += 1; e.errors += s.status === 'error' ? 1 : 0; e.traces.add(t.id);
        edges.set(key, e);
      }
    }
  }
  const gotNodes = await data(v, '[data-testid=service-node]');
  assert.deepEqual(
    gotNodes.map((n) => [n.service, Number(n.spans), Number(n.errors)]).sort(),
    [...nodes.entries()].map(([k, n]) => [k, n.spans, n.errors]).sort(),
  );
  const gotEdges = await data(v, '[data-testid=service-edge]');
  assert.deepEqual(
    gotEdges.map((e) => [`${e.from}>${e.to}`, Number(e.calls), Number(e.errors)]).sort(),
    [...edges.entries()].map(([k, e]) => [k, e.calls, e.errors]).sort(),
  );
  await v.docShot('services');
  // The address keeps the view: a reload shows the same graph.
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=service-node]');
  assert.equal(await hash(v), '#/services');
  assert.equal((await data(v, '[data-testid=service-edge]')).length, edges.size);
  await v.page.dispatchEvent('[data-testid=service-edge][data-from=cart][data-to=cache]', 'click');
  await v.page.waitForSelector('[data-testid=trace-row]');
  assert.equal(await hash(v), '#/?call=cart → cache');
  assert.equal(await shown(v), edges.get('cart>cache').traces.size);
  assert.deepEqual(v.pageErrors, []);
});

test('RED over time: buckets per service as counted from the file; a click on a bucket lists its traces', async () => {
  const v = await openSet();
  await v.page.click('[data-testid=list-tab-red]');
  await v.page.waitForSelector('[data-testid=red-chart]');
  const starts = traces.flatMap((t) => t.spans.map((s) => s.start));
  const lo = starts.reduce((a, b) => (b < a ? b : a));
  const hi = starts.reduce((a, b) => (b > a ? b : a));
  const SIZES = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => BigInt(s) * 1_000_000_000n);
  const bucket = SIZES.find((b) => (hi - lo) / b < 60n) ?? SIZES[SIZES.length - 1];
  const first = lo - (lo % bucket);
  const count = Number((hi - first) / bucket) + 1;
  const charts = await data(v, '[data-testid=red-chart]');
  const services = [...new Set(traces.flatMap((t) => t.spans.map((s) => s.service)))].sort();
  assert.deepEqual(charts.map((c) => c.service), services);
  for (const c of charts) {
    const requests = traces.flatMap((t) => t.spans).filter((s) => s.service === c.service && (!s.parentSpan || s.parentSpan.service !== s.service));
    assert.equal(Number(c.buckets), count, c.service);
    assert.equal(Number(c.bucketUs), Number(bucket / 1000n));
    assert.equal(Number(c.requests), requests.length, c.service);
    assert.equal(Number(c.errors), requests.filter((s) => s.status === 'error').length, c.service);
  }
  await v.docShot('red-over-time');
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=red-chart]');
  assert.equal(await hash(v), '#/?view=red');
  assert.equal((await data(v, '[data-testid=red-chart]')).length, services.length);
  // Bucket 3 of the frontend's chart.
  const canvas = v.page.locator('[data-testid=red-chart][data-service=frontend]');
  const left = Number(await canvas.getAttribute('data-plot-left'));
  const right = Number(await canvas.getAttribute('data-plot-right'));
  await canvas.click({ position: { x: left + ((3 + 0.5) * (right - left)) / count, y: 60 } });
  await v.page.waitForSelector('[data-testid=trace-row]');
  const from = first + 3n * bucket; const to = from + bucket;
  const want = traces.filter((t) => t.spans.some((s) => s.service === 'frontend')
    && t.spans.some((s) => s.start >= from && s.start < to));
  assert.equal(await hash(v), `#/?svc=frontend&window=${from / 1000n}-${to / 1000n}`);
  assert.equal(await shown(v), want.length);
  assert.ok(want.length > 0);
  assert.deepEqual(v.pageErrors, []);
});

test('dark theme: each view draws in the dark colours', async () => {
  const v = await openSet({ colorScheme: 'dark' });
  for (const [tab, hook] of [['why', 'why-row'], ['structure', 'structure-row'], ['services', 'service-node'], ['red', 'red-chart']]) {
    await v.page.click(`[data-testid=list-tab-${tab}]`);
    await v.page.waitForSelector(`[data-testid=${hook}]`);
    await v.page.waitForTimeout(300);
    const bg = await v.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, 'rgb(255, 255, 255)', `${tab}: white in dark mode`);
    // The canvases are drawn on the dark background, not white.
    const corner = await v.page.evaluate((hook) => {
      const c = document.querySelector(`canvas[data-testid=${hook === 'red-chart' ? 'red-chart' : 'duration-histogram'}]`);
      const [r, g, b] = c.getContext('2d').getImageData(2, 2, 1, 1).data;
      return r + g + b;
    }, hook);
    assert.ok(corner < 3 * 128, `${tab}: canvas corner is light (${corner})`);
    await v.screenshot(`view-${tab}-dark`);
  }
  assert.deepEqual(v.pageErrors, []);
});

test('10k traces load and each view answers', { timeout: 600_000 }, async () => {
  const big = { name: 'checkouts-10k.json', content: checkouts(10_000) };
  const v = await Viewer.open(env);
  await v.drop([big]);
  await v.page.waitForSelector('[data-testid=trace-row]', { timeout: 180_000 });
  assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), '10000');
  for (const [tab, hook] of [['why', 'why-row'], ['structure', 'structure-row'], ['services', 'service-node'], ['red', 'red-chart']]) {
    await v.page.click(`[data-testid=list-tab-${tab}]`);
    await v.page.waitForSelector(`[data-testid=${hook}]`, { timeout: 120_000 });
  }
  await v.page.click('[data-testid=list-tab-why]');
  await v.page.waitForSelector('[data-testid=why-row]', { timeout: 120_000 });
  assert.equal(await v.page.getAttribute('[data-testid=why-row] >> nth=0', 'data-key'), 'feature.flag');
  const all = read(big.content).map((t) => t.durNs).sort((a, b) => a - b);
  const threshold = percentile(all, 90);
  assert.equal(Number(await v.page.getAttribute('[data-testid=why-view]', 'data-selected')), all.filter((d) => d >= threshold).length);
  assert.deepEqual(v.pageErrors, []);
});
