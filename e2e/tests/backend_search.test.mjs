// Searching your own backend from the Backend… panel: Jaeger's search form
// (services and operations asked of the server, tags, durations, time,
// limit) and Tempo's TraceQL (with its tag and value lists). Each is a
// second local server (another origin than the page's, with CORS) that
// answers as that server's own API does (Jaeger query's /api/services,
// /api/services/<s>/operations, /api/traces?…, /api/traces/<id>; Tempo's
// /api/search/tags, /api/v2/search/tag/<t>/values, /api/search?q=…,
// /api/traces/<id>), over the generated day of traces of lib/many.mjs.
// Results are summaries until a trace is opened or ticked; the list views
// then work on what was fetched. A login is sent to its backend only and is
// gone with the session; a 401 explains itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { start, Viewer } from '../lib/viewer.mjs';
import { describe as traceOf, manyTraces } from '../lib/many.mjs';

const N = 60;
/** The generated traces are moved to end ten minutes ago (whole seconds), so
 * that they fall in the searches' windows. */
const SHIFT_US = Math.floor((Date.now() * 1000 - 1_700_000_000_000_000 - N * 1e6 - 600e6) / 1e6) * 1e6;
/** Each trace as described (lib/many.mjs), its start moved. */
const DESCRIBED = new Map(
  Array.from({ length: N }, (_, i) => traceOf(i)).map((d) => [d.id, { ...d, start: d.start + SHIFT_US }]),
);
/** Jaeger's traces, newest first, as its API writes them. */
const JAEGER = JSON.parse(manyTraces(N)).data.reverse();
for (const t of JAEGER) for (const s of t.spans) s.startTime += SHIFT_US;
const hex = (n, width) => n.toString(16).padStart(width, '0');

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** A trace's duration in µs, as the list shows it. */
const durationUs = (d) => d.duration;

/** A Go duration as Jaeger's API reads it, in µs. */
function goDurationUs(text) {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(text ?? '');
  if (!m) return null;
  return Number(m[1]) * { ns: 1e-3, us: 1, µs: 1, ms: 1e3, s: 1e6 }[m[2]];
}

/** The tags of a Jaeger trace's spans, as `key` → [text values]. */
function tagsOf(trace) {
  const tags = new Map();
  for (const s of trace.spans) for (const t of s.tags) tags.set(t.key, [...(tags.get(t.key) ?? []), String(t.value)]);
  return tags;
}

/** Tempo v1's /api/traces/<id>: the trace as OTLP resource spans ("batches"). */
function tempoTrace(d) {
  const byService = new Map();
  d.spans.forEach((s, k) => {
    const attributes = [];
    if (s.status) attributes.push({ key: 'http.status_code', value: { intValue: String(s.status) } }, { key: 'region', value: { stringValue: s.region } });
    const span = {
      traceId: d.id, spanId: hex(d.i * 16 + k + 1, 16), name: s.op, kind: k === 0 ? 2 : 3,
      startTimeUnixNano: String((d.start + s.start) * 1000), endTimeUnixNano: String((d.start + s.start + s.dur) * 1000),
      attributes, status: s.error ? { code: 2 } : {},
    };
    if (k > 0) span.parentSpanId = hex(d.i * 16 + 1, 16);
    byService.set(s.service, [...(byService.get(s.service) ?? []), span]);
  });
  return {
    batches: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'shop' }, spans }],
    })),
  };
}

/** Tempo's search summary of a trace (tempopb.TraceSearchMetadata in JSON). */
function tempoSummary(d) {
  const stats = {};
  for (const s of d.spans) {
    const st = (stats[s.service] ??= { spanCount: 0 });
    st.spanCount += 1;
    if (s.error) st.errorCount = (st.errorCount ?? 0) + 1;
  }
  return {
    traceID: d.id.replace(/^0+/, ''), // Tempo writes ids without leading zeros
    rootServiceName: 'api',
    rootTraceName: 'GET /checkout',
    startTimeUnixNano: String(d.start * 1000),
    durationMs: Math.round(d.duration / 1000),
    spanSets: [{ spans: [], matched: 1 }],
    serviceStats: stats,
  };
}

/**
 * A backend answering as Jaeger's query service (`kind: 'jaeger'`) or
 * Tempo (`'tempo'`), from another origin, with CORS (preflight included).
 * With `token`, a request without `Authorization: Bearer <token>` gets a
 * 401, as a proxy in front of it answers. With `delayMs`, every answer
 * waits that long. Every request is kept in `asked`
 * (path, query, authorization header).
 */
async function backend(kind, { token = null, delayMs = 0 } = {}) {
  const asked = [];
  const json = (res, status, body) => {
    res.writeHead(status, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const text = (res, status, body) => {
    res.writeHead(status, { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'authorization, accept',
        'access-control-allow-methods': 'GET',
      });
      res.end();
      return;
    }
    asked.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization ?? null });
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      text(res, 401, 'Unauthorized\n');
      return;
    }
    setTimeout(() => (kind === 'jaeger' ? jaeger : tempo)(url, res, json, text), delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, asked, close: () => new Promise((r) => server.close(r)) };
}

const JAEGER_EMPTY = { total: 0, limit: 0, offset: 0, errors: null };

function jaeger(url, res, json) {
  const path = url.pathname;
  if (path === '/api/services') return json(res, 200, { data: ['api', 'cache', 'db', 'payment'], ...JAEGER_EMPTY, total: 4 });
  const ops = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
  if (ops) {
    const names = { api: ['GET /checkout'], db: ['SELECT'], cache: ['GET'], payment: ['charge'] }[decodeURIComponent(ops[1])] ?? [];
    return json(res, 200, { data: names, ...JAEGER_EMPTY, total: names.length });
  }
  const one = /^\/api\/traces\/([0-9a-f]+)$/.exec(path);
  if (one) {
    const trace = JAEGER.find((t) => t.traceID === one[1].padStart(32, '0'));
    if (trace) return json(res, 200, { data: [trace], ...JAEGER_EMPTY });
    return json(res, 404, { data: null, ...JAEGER_EMPTY, errors: [{ code: 404, msg: 'trace not found' }] });
  }
  if (path === '/api/traces') {
    const q = Object.fromEntries(url.searchParams);
    if (!q.service) return json(res, 400, { data: null, ...JAEGER_EMPTY, errors: [{ code: 400, msg: "parameter 'service' is required" }] });
    const tags = q.tags ? JSON.parse(q.tags) : {};
    const min = goDurationUs(q.minDuration);
    const max = goDurationUs(q.maxDuration);
    const end = Number(q.end);
    const data = JAEGER.filter((t) => {
      const root = t.spans[0];
      const d = DESCRIBED.get(t.traceID);
      const all = tagsOf(t);
      return (
        t.spans.some((s) => s.processID === q.service && (!q.operation || s.operationName === q.operation)) &&
        Object.entries(tags).every(([k, v]) => (all.get(k) ?? []).includes(v)) &&
        (min === null || durationUs(d) >= min) &&
        (max === null || durationUs(d) <= max) &&
        root.startTime <= end
      );
    }).slice(0, Number(q.limit));
    return json(res, 200, { data, ...JAEGER_EMPTY });
  }
  return json(res, 404, { data: null, ...JAEGER_EMPTY, errors: [{ code: 404, msg: 'not found' }] });
}

function tempo(url, res, json, text) {
  const path = url.pathname;
  const described = [...DESCRIBED.values()].reverse(); // newest first
  if (path === '/api/search/tags') return json(res, 200, { tagNames: ['http.status_code', 'region', 'service.name'] });
  if (path === '/api/v2/search/tag/.region/values') {
    return json(res, 200, { tagValues: [{ type: 'string', value: 'eu' }, { type: 'string', value: 'us' }], metrics: { inspectedBytes: '1024' } });
  }
  const one = /^\/api\/traces\/([0-9a-f]+)$/.exec(path);
  if (one) {
    const d = DESCRIBED.get(one[1].padStart(32, '0'));
    return d ? json(res, 200, tempoTrace(d)) : text(res, 404, 'trace not found');
  }
  if (path === '/api/search') {
    const q = url.searchParams.get('q');
    // The TraceQL this replay understands; anything else is refused as
    // Tempo refuses a query it cannot parse.
    const region = /^\{ \.region = "(\w+)" \}$/.exec(q);
    if (q !== '{}' && !region) {
      return text(res, 400, 'invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER\n');
    }
    const endS = Number(url.searchParams.get('end'));
    const traces = described
      .filter((d) => !region || d.spans[0].region === region[1])
      .filter((d) => d.start / 1e6 <= endS)
      .slice(0, Number(url.searchParams.get('limit')))
      .map(tempoSummary);
    return json(res, 200, { traces, metrics: { inspectedTraces: traces.length, inspectedBytes: '52345', completedJobs: 1, totalJobs: 1 } });
  }
  return text(res, 404, '404 page not found\n');
}

/** The found rows present, as data. */
function foundRows(v) {
  return v.page.$$eval('[data-testid=found-row]', (rows) =>
    rows.map((r) => ({
      traceId: r.dataset.traceId,
      state: r.dataset.state,
      spanCount: Number(r.dataset.spanCount),
      durationUs: Number(r.dataset.durationUs),
      startUs: Number(r.dataset.startUs),
      name: r.querySelector('[data-testid=found-name]').textContent,
    })),
  );
}

/** Opens the panel on `base` as `kind` (the lists are asked on leaving the address). */
async function panelOn(v, base, kind) {
  if (!(await v.page.locator('[data-testid=backend-panel]').count())) await v.page.click('[data-testid=backend-toggle]');
  await v.page.fill('[data-testid=backend-address]', base);
  await v.page.press('[data-testid=backend-address]', 'Tab');
  await v.page.selectOption('[data-testid=backend-kind]', kind);
}

const status = async (v) => {
  const s = v.page.locator('[data-testid=found-status]');
  return { count: Number(await s.getAttribute('data-count')), fetched: Number(await s.getAttribute('data-fetched')) };
};

test('Jaeger search: services and operations from the server, every field sent, results fetched when opened or ticked, older pages, list views on what was fetched', async () => {
  const j = await backend('jaeger');
  try {
    const v = await Viewer.open(env);
    await panelOn(v, j.base, 'Jaeger');
    await v.page.waitForSelector('[data-testid=backend-service][data-count="4"]');
    assert.deepEqual(
      await v.page.$$eval('[data-testid=backend-service] option', (os) => os.map((o) => o.value)),
      ['', 'api', 'cache', 'db', 'payment'],
    );
    await v.page.selectOption('[data-testid=backend-service]', 'api');
    await v.page.waitForSelector('[data-testid=backend-operation][data-count="1"]');
    await v.page.selectOption('[data-testid=backend-operation]', 'GET /checkout');
    await v.page.fill('[data-testid=backend-tags]', 'region=us');
    await v.page.fill('[data-testid=backend-min]', '1ms');
    await v.page.fill('[data-testid=backend-max]', '2s');
    await v.page.selectOption('[data-testid=backend-lookback]', '172800');
    await v.page.fill('[data-testid=backend-limit]', '5');
    await v.screenshot('backend-search-jaeger-form');
    await v.page.click('[data-testid=backend-search-button]');
    await v.page.waitForSelector('[data-testid=found-row]');
    const search = j.asked.find((a) => a.path === '/api/traces');
    assert.equal(search.query.service, 'api');
    assert.equal(search.query.operation, 'GET /checkout');
    assert.deepEqual(JSON.parse(search.query.tags), { region: 'us' });
    assert.equal(search.query.minDuration, '1ms');
    assert.equal(search.query.maxDuration, '2s');
    assert.equal(search.query.limit, '5');
    assert.equal(Number(search.query.end) - Number(search.query.start), 172800e6, 'the last two days, in µs');
    assert.ok(Math.abs(Number(search.query.end) / 1000 - Date.now()) < 60_000, 'ending now');
    assert.deepEqual(await v.page.evaluate(() => location.hash), '#/');

    // Five summaries, not yet fetched: what Jaeger answered, newest first.
    const usTraces = JAEGER.filter((t) => DESCRIBED.get(t.traceID).spans[0].region === 'us');
    let rows = await foundRows(v);
    assert.deepEqual(rows.map((r) => r.traceId), usTraces.slice(0, 5).map((t) => t.traceID));
    for (const r of rows) {
      const d = DESCRIBED.get(r.traceId);
      assert.deepEqual([r.state, r.spanCount, r.durationUs, r.startUs, r.name], ['found', 5, d.duration, d.start, 'api: GET /checkout']);
    }
    assert.deepEqual(await status(v), { count: 5, fetched: 0 });
    assert.equal(await v.page.locator('[data-testid=trace-row]').count(), 0, 'nothing loaded yet');
    assert.equal(j.asked.filter((a) => /^\/api\/traces\/./.test(a.path)).length, 0, 'no trace fetched yet');
    await v.screenshot('backend-search-found');

    // Older results: the window's end moves to the oldest start; that trace
    // comes again and is not repeated.
    await v.page.click('[data-testid=found-older]');
    await v.page.waitForSelector('[data-testid=found-status][data-count="9"]');
    const second = j.asked.filter((a) => a.path === '/api/traces')[1];
    assert.equal(Number(second.query.end), DESCRIBED.get(usTraces[4].traceID).start);
    assert.equal(second.query.start, search.query.start);
    rows = await foundRows(v);
    assert.deepEqual(rows.map((r) => r.traceId), usTraces.slice(0, 9).map((t) => t.traceID));

    // Opening one fetches it (its page opens); ticking another fetches it.
    await v.page.click('[data-testid=found-name] >> nth=0');
    const header = await v.header();
    assert.equal(header.traceId, rows[0].traceId);
    assert.equal(header.spans, 5);
    assert.equal(header.durationUs, rows[0].durationUs);
    await v.page.goBack();
    await v.page.waitForSelector('[data-testid=found-row][data-state=loaded]');
    // A click, not check(): check() reads the box back at once, and the
    // table may still be drawing its rows anew just after the list opened.
    await v.page.click('[data-testid=found-fetch] >> nth=1');
    await v.page.waitForSelector('[data-testid=found-status][data-fetched="2"]');
    assert.ok(await v.page.isChecked('[data-testid=found-fetch] >> nth=1'), 'the ticked row stays ticked');
    assert.equal(await v.page.evaluate(() => location.hash), '#/', 'a ticked trace is fetched in the background: the list stays');
    assert.deepEqual(
      j.asked.filter((a) => /^\/api\/traces\/./.test(a.path)).map((a) => a.path),
      [rows[0], rows[1]].map((r) => `/api/traces/${r.traceId.slice(16)}`),
      'each fetched once, by its 64-bit id',
    );
    assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), '2');

    // A wider search (every api trace, 40), all fetched: the list views
    // work on them. The slow ones (a 400 ms SELECT) are 1 in 20, all in
    // region us: Why slow finds it.
    await v.page.click('[data-testid=backend-toggle]');
    await v.page.waitForSelector('[data-testid=backend-service][data-count="4"]');
    await v.page.selectOption('[data-testid=backend-service]', 'api');
    await v.page.selectOption('[data-testid=backend-lookback]', '604800');
    await v.page.fill('[data-testid=backend-limit]', '40');
    await v.page.click('[data-testid=backend-search-button]');
    await v.page.waitForSelector('[data-testid=found-status][data-count="40"]');
    await v.page.click('[data-testid=found-fetch-all]');
    await v.page.waitForSelector('[data-testid=found-status][data-fetched="40"]', { timeout: 60_000 });
    await v.page.waitForSelector('[data-testid=trace-count][data-count="40"]');
    assert.equal(await v.page.getAttribute('[data-testid=scatter-plot]', 'data-points'), '40');
    const fetchedIds = JAEGER.slice(0, 40).map((t) => t.traceID);
    const slow = fetchedIds.filter((id) => DESCRIBED.get(id).slow);
    await v.page.evaluate(() => (location.hash = '#/why?slow=300000'));
    await v.page.waitForSelector('[data-testid=why-view]');
    const why = v.page.locator('[data-testid=why-view]');
    assert.equal(Number(await why.getAttribute('data-selected')), slow.length);
    assert.equal(Number(await why.getAttribute('data-rest')), 40 - slow.length);
    const top = v.page.locator('[data-testid=why-row] >> nth=0');
    assert.deepEqual([await top.getAttribute('data-key'), await top.getAttribute('data-value')], ['region', 'us']);
    await v.page.click('[data-testid=list-tab-red]');
    await v.page.waitForSelector('[data-testid=red-row]');
    assert.equal(await v.page.getAttribute('[data-testid=red-row][data-operation="GET /checkout"]', 'data-requests'), '40');
    await v.screenshot('backend-search-fetched');
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  } finally {
    await j.close();
  }
});

test('Tempo search: TraceQL from the tag and value lists, results fetched when opened, older pages, nothing found, a query Tempo refuses', async () => {
  const t = await backend('tempo');
  try {
    const v = await Viewer.open(env);
    await panelOn(v, t.base, 'Tempo');
    await v.page.waitForSelector('[data-testid=backend-tag][data-count="3"]');
    await v.page.selectOption('[data-testid=backend-tag]', 'region');
    await v.page.waitForSelector('[data-testid=backend-tag-value][data-count="2"]');
    await v.page.selectOption('[data-testid=backend-tag-value]', 'us');
    await v.page.click('[data-testid=backend-add-condition]');
    assert.equal(await v.page.inputValue('[data-testid=backend-traceql]'), '{ .region = "us" }');
    await v.page.fill('[data-testid=backend-limit]', '4');
    await v.screenshot('backend-search-tempo-form');
    await v.page.click('[data-testid=backend-search-button]');
    await v.page.waitForSelector('[data-testid=found-row]');
    const search = t.asked.find((a) => a.path === '/api/search');
    assert.equal(search.query.q, '{ .region = "us" }');
    assert.equal(search.query.limit, '4');
    const span = Number(search.query.end) - Number(search.query.start);
    assert.ok(span >= 3600 && span <= 3601, `the last hour, in whole seconds around it: ${span}`);

    const us = [...DESCRIBED.values()].reverse().filter((d) => d.spans[0].region === 'us');
    let rows = await foundRows(v);
    assert.deepEqual(rows.map((r) => r.traceId), us.slice(0, 4).map((d) => d.id), 'ids written whole (32 digits)');
    for (const r of rows) {
      const d = DESCRIBED.get(r.traceId);
      assert.deepEqual([r.state, r.spanCount, r.durationUs, r.name], ['found', 5, Math.round(d.duration / 1000) * 1000, 'api: GET /checkout']);
    }
    await v.page.click('[data-testid=found-older]');
    await v.page.waitForSelector('[data-testid=found-status][data-count="7"]');
    rows = await foundRows(v);
    assert.deepEqual(rows.map((r) => r.traceId), us.slice(0, 7).map((d) => d.id));

    await v.page.click('[data-testid=found-name] >> nth=2');
    const header = await v.header();
    assert.equal(header.traceId, rows[2].traceId);
    assert.equal(header.spans, 5);
    assert.equal(header.services, 4);
    // A 64-bit id is asked as 16 digits (as Jaeger prints it; Tempo reads either).
    assert.deepEqual(t.asked.filter((a) => a.path.startsWith('/api/traces/')).map((a) => a.path), [`/api/traces/${rows[2].traceId.replace(/^0{16}/, '')}`]);

    // Nothing found says so; a query Tempo cannot parse shows Tempo's words.
    await panelOn(v, t.base, 'Tempo');
    await v.page.fill('[data-testid=backend-traceql]', '{ .region = "mars" }');
    await v.page.click('[data-testid=backend-search-button]');
    await v.page.waitForSelector('[data-testid=found-none]');
    assert.deepEqual(await status(v), { count: 0, fetched: 0 });
    await panelOn(v, t.base, 'Tempo');
    await v.page.fill('[data-testid=backend-traceql]', '{ region = us');
    await v.page.press('[data-testid=backend-traceql]', 'Enter');
    const problem = v.page.locator('[data-testid=backend-error]');
    await problem.waitFor();
    const said = await problem.textContent();
    assert.match(said, /400/);
    assert.match(said, /invalid TraceQL query: parse error at line 1, col 3/);
    await v.screenshot('backend-search-tempo-refused');
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  } finally {
    await t.close();
  }
});

test('a login: a 401 explains itself, the token goes to its backend only, never into the address or local storage, and is gone with the session', async () => {
  const locked = await backend('jaeger', { token: 's3cret' });
  const open = await backend('jaeger');
  try {
    const v = await Viewer.open(env);
    await panelOn(v, locked.base, 'Jaeger');
    const problem = v.page.locator('[data-testid=backend-error]');
    await problem.waitFor();
    const said = await problem.textContent();
    assert.match(said, /401 Unauthorized/);
    assert.match(said, /wants a login: under Login, choose Bearer token/);
    await v.screenshot('backend-search-401');

    await v.page.selectOption('[data-testid=backend-auth]', 'bearer');
    await v.page.fill('[data-testid=backend-token]', 'wrong');
    await v.page.press('[data-testid=backend-token]', 'Tab');
    await v.page.waitForFunction(() => /refused the login sent/.test(document.querySelector('[data-testid=backend-error]')?.textContent ?? ''));
    await v.page.fill('[data-testid=backend-token]', 's3cret');
    await v.page.press('[data-testid=backend-token]', 'Tab');
    await v.page.waitForSelector('[data-testid=backend-service][data-count="4"]');
    assert.equal(await problem.count(), 0, 'the problem is gone');
    assert.equal(locked.asked.at(-1).authorization, 'Bearer s3cret');
    await v.page.selectOption('[data-testid=backend-service]', 'api');
    await v.page.click('[data-testid=backend-search-button]');
    await v.page.click('[data-testid=found-name] >> nth=0');
    await v.header();
    const fetched = locked.asked.filter((a) => a.path.startsWith('/api/traces/'));
    assert.equal(fetched.length, 1);
    assert.equal(fetched[0].authorization, 'Bearer s3cret', 'the trace is fetched with the login too');

    // Kept for this tab only: not in the address, nor in local storage, nor
    // in the kept files' names.
    await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=forget-files]')?.dataset.count) === 1);
    const kept = await v.page.evaluate(() => ({
      href: location.href,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
    }));
    assert.ok(!kept.href.includes('s3cret') && !kept.local.includes('s3cret'), JSON.stringify(kept));
    assert.ok(kept.session.includes('s3cret'), 'in session storage');

    // Another backend gets no login.
    await panelOn(v, open.base, 'Jaeger');
    await v.page.waitForSelector('[data-testid=backend-service][data-count="4"]');
    assert.match(await v.page.textContent('[data-testid=backend-login-kept]'), new RegExp(`kept for ${locked.base.replace(/[.]/g, '\\.')}`));
    assert.deepEqual(open.asked.map((a) => a.authorization), [null]);
    await v.page.close();

    // A new session (a fresh browser context): the login is gone.
    const again = await Viewer.open(env);
    await panelOn(again, locked.base, 'Jaeger');
    await again.page.locator('[data-testid=backend-error]').waitFor();
    assert.match(await again.page.textContent('[data-testid=backend-error]'), /401/);
    assert.equal(locked.asked.at(-1).authorization, null);
    assert.equal(await again.page.locator('[data-testid=backend-login-kept]').count(), 0);
    assert.deepEqual([...v.pageErrors, ...again.pageErrors], []);
    await again.page.close();
  } finally {
    await locked.close();
    await open.close();
  }
});

test('closing the panel while its question is out leaves the page working', async () => {
  const slow = await backend('jaeger', { delayMs: 800 });
  try {
    const v = await Viewer.open(env);
    await panelOn(v, slow.base, 'Jaeger');
    await v.page.waitForSelector('[data-testid=backend-busy]');
    await v.page.press('[data-testid=backend-address]', 'Escape');
    assert.equal(await v.page.locator('[data-testid=backend-panel]').count(), 0);
    await v.page.waitForTimeout(1500); // the answer arrives after the panel is gone
    // The page still works: the panel opens again and asks again.
    await v.page.click('[data-testid=backend-toggle]');
    await v.page.waitForSelector('[data-testid=backend-service][data-count="4"]');
    assert.ok(slow.asked.filter((a) => a.path === '/api/services').length >= 2);
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  } finally {
    await slow.close();
  }
});
