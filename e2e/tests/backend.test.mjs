// Your own backend: `#/trace/<id>?source=<base>` and the top bar's Backend…
// panel fetch the trace from a Jaeger or Tempo server, here a second local
// server (another port, so another origin than the page's) that replays real
// API answers from ../shared/corpus/public: Jaeger's /api/traces/<id>
// ({"data":[…]}), Tempo's v1 /api/traces/<id> ({"batches":[…]}) and, built
// from that, Tempo's v2 /api/v2/traces/<id> ({"trace":{…}}). A server that
// does not allow the page's origin (CORS) gets an error that says how to
// allow it; one that is down, one without the trace and one answering HTML
// get theirs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { start, Viewer, corpusFile } from '../lib/viewer.mjs';

/** The Jaeger answer's trace (a 64-bit id, which Jaeger prints as 16 digits). */
const JAEGER_ID = '0000000000000000fd227e658f0e37da';
/** The Tempo answer's trace. */
const TEMPO_ID = '5b8efff798038103d269b633813fc60c';
/** A trace no server has. */
const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/**
 * A backend replaying `answers` (path → { status, type, body }), with
 * `Access-Control-Allow-Origin: *` when `cors`. Only GET is answered: the
 * viewer must send a request that needs no preflight. Every request is
 * counted by path in `asked`.
 */
async function backend(answers, { cors = true } = {}) {
  const asked = {};
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    asked[pathname] = (asked[pathname] ?? 0) + 1;
    const headers = cors ? { 'access-control-allow-origin': '*' } : {};
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end();
      return;
    }
    const answer = answers[pathname] ?? {
      status: 404,
      type: 'application/json',
      // What Jaeger's query service answers for an unknown trace.
      body: '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}',
    };
    res.writeHead(answer.status ?? 200, { ...headers, 'content-type': answer.type ?? 'application/json' });
    res.end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, asked, close: () => new Promise((r) => server.close(r)) };
}

/** The real answers, or null after marking the test skipped (see corpusFile). */
function realAnswers(t) {
  const jaeger = corpusFile(t, 'jaeger-query-api-CroixANI.json');
  const tempo = jaeger && corpusFile(t, 'tempo-v1-batches-pkg-tempopb-trace.json');
  if (!tempo) return null;
  const tempoV1 = fs.readFileSync(tempo, 'utf8');
  return {
    jaegerFile: jaeger,
    tempoFile: tempo,
    jaeger: fs.readFileSync(jaeger, 'utf8'),
    tempoV1,
    // Tempo 2.x's /api/v2/traces/<id>: the same resource spans under "trace".
    tempoV2: JSON.stringify({ trace: { resourceSpans: JSON.parse(tempoV1).batches }, status: 'COMPLETE' }),
  };
}

/** The header of `file` dropped on a fresh page: what the backend's trace must show. */
async function headerOfFile(file) {
  const v = await Viewer.open(env);
  await v.pick([file]);
  const header = await v.header();
  await v.page.close();
  return header;
}

const sourceHash = (id, base) => `#/trace/${id}?source=${encodeURIComponent(base)}`;

test('#/trace/<id>?source= opens the trace from a Jaeger query API, and the address keeps the source', async (t) => {
  const real = realAnswers(t);
  if (!real) return;
  const jaeger = await backend({ '/api/traces/fd227e658f0e37da': { body: real.jaeger } });
  try {
    const v = await Viewer.open(env, { hash: sourceHash(JAEGER_ID, jaeger.base) });
    // A link names the backend: asked first, naming its host.
    const prompt = v.page.locator('[data-testid=link-consent]');
    await prompt.waitFor();
    assert.ok((await prompt.textContent()).includes(new URL(jaeger.base).host));
    assert.deepEqual(jaeger.asked, {}, 'nothing asked of the backend before the answer');
    await v.page.click('[data-testid=link-consent-allow]');
    const header = await v.header();
    assert.equal(header.traceId, JAEGER_ID);
    assert.deepEqual(header, await headerOfFile(real.jaegerFile), 'the same header as the file dropped');
    assert.equal(header.spans, 1094);
    assert.equal(await v.page.locator('[data-testid=load-error]').count(), 0);
    assert.deepEqual(jaeger.asked, { '/api/traces/fd227e658f0e37da': 1 });
    // Selecting a span rewrites the address; it still names the backend, so
    // the address is a link that opens the trace from there.
    await v.page.locator('[data-testid=span-row]').first().click();
    await v.page.waitForFunction(() => location.hash.includes('span='));
    const hash = await v.page.evaluate(() => location.hash);
    assert.ok(hash.startsWith(`${sourceHash(JAEGER_ID, jaeger.base)}&span=`), hash);
    // Reloading asks the backend again (rather than opening the copy kept
    // in the browser beside it): the same trace, no duplicate spans.
    const warnings = () => v.page.$$eval('[data-testid=load-warnings] li', (ls) => ls.map((l) => l.textContent));
    const before = await warnings();
    await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=forget-files]')?.dataset.count) === 1);
    await v.page.reload();
    assert.deepEqual(await v.header(), header);
    assert.deepEqual(jaeger.asked, { '/api/traces/fd227e658f0e37da': 2 });
    assert.deepEqual(await warnings(), before);
    assert.ok(!before.some((w) => /duplicate/i.test(w)), before.join('; '));
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  } finally {
    await jaeger.close();
  }
});

test('the Backend… panel opens a Tempo trace (v1 API, then v2) and remembers the address', async (t) => {
  const real = realAnswers(t);
  if (!real) return;
  const v1 = await backend({ [`/api/traces/${TEMPO_ID}`]: { body: real.tempoV1 } });
  const v2 = await backend({ [`/api/v2/traces/${TEMPO_ID}`]: { body: real.tempoV2 } });
  try {
    const expected = await headerOfFile(real.tempoFile);
    const v = await Viewer.open(env);
    await v.page.click('[data-testid=backend-toggle]');
    await v.page.fill('[data-testid=backend-address]', `${v1.base}/`);
    await v.page.fill('[data-testid=backend-trace-id]', TEMPO_ID.toUpperCase());
    await v.page.click('[data-testid=backend-open]');
    assert.deepEqual(await v.header(), expected);
    assert.equal(expected.traceId, TEMPO_ID);
    assert.equal(await v.page.evaluate(() => location.hash), sourceHash(TEMPO_ID, v1.base));
    // The next visit offers the address again (cleaned: no trailing "/").
    await v.page.goto(env.server.url);
    await v.page.click('[data-testid=backend-toggle]');
    assert.equal(await v.page.inputValue('[data-testid=backend-address]'), v1.base, 'remembered');

    // Tempo 2.x without the v1 answer: the v2 API is asked next. Opened
    // with Enter this time, in a fresh browser profile.
    const again = await Viewer.open(env);
    await again.page.click('[data-testid=backend-toggle]');
    assert.equal(await again.page.inputValue('[data-testid=backend-address]'), '');
    await again.page.fill('[data-testid=backend-address]', v2.base);
    await again.page.fill('[data-testid=backend-trace-id]', TEMPO_ID);
    await again.page.press('[data-testid=backend-trace-id]', 'Enter');
    assert.deepEqual(await again.header(), expected);
    // (The panel also asks the search form's list of services: not a trace.)
    const traceAsks = Object.fromEntries(Object.entries(v2.asked).filter(([p]) => p.includes('/traces/')));
    assert.deepEqual(traceAsks, { [`/api/traces/${TEMPO_ID}`]: 1, [`/api/v2/traces/${TEMPO_ID}`]: 1 });
    assert.deepEqual([...v.pageErrors, ...again.pageErrors], []);
    await v.page.close();
    await again.page.close();
  } finally {
    await v1.close();
    await v2.close();
  }
});

test('the panel says what is wrong with an address or an id before asking anything', async () => {
  const v = await Viewer.open(env);
  await v.page.click('[data-testid=backend-toggle]');
  await v.page.fill('[data-testid=backend-address]', 'javascript:alert(1)');
  await v.page.fill('[data-testid=backend-trace-id]', TEMPO_ID);
  await v.page.click('[data-testid=backend-open]');
  const problem = v.page.locator('[data-testid=backend-error]');
  assert.match(await problem.textContent(), /only http:\/\/ and https:\/\//);
  await v.page.fill('[data-testid=backend-address]', 'localhost:16686');
  await v.page.fill('[data-testid=backend-trace-id]', 'not-an-id');
  await v.page.click('[data-testid=backend-open]');
  assert.match(await problem.textContent(), /"not-an-id" is not a trace id/);
  assert.equal(await v.page.evaluate(() => location.hash), '', 'nothing opened');
  await v.page.close();
});

test('a server without CORS gets an error naming the page origin and how to allow it', async (t) => {
  const real = realAnswers(t);
  if (!real) return;
  const closed = await backend({ '/api/traces/fd227e658f0e37da': { body: real.jaeger } }, { cors: false });
  try {
    for (const colorScheme of ['light', 'dark']) {
      const v = await Viewer.open(env, { colorScheme, width: 1200, hash: sourceHash(JAEGER_ID, closed.base) });
      await v.page.click('[data-testid=link-consent-allow]');
      const error = v.page.locator('[data-testid=load-error]');
      await error.waitFor();
      assert.equal(await error.getAttribute('role'), 'alert');
      const text = await error.textContent();
      for (const part of [
        `${closed.base}/api/traces/fd227e658f0e37da`, // the name: what was asked
        `${closed.base} answered, but the browser did not let this page read the answer`,
        `Access-Control-Allow-Origin: ${env.server.origin}`,
        `--query.additional-headers "Access-Control-Allow-Origin: ${env.server.origin}"`,
        'Tempo: put a reverse proxy in front of its HTTP API that adds the header',
        'yourself and drop the file here',
      ]) {
        assert.ok(text.includes(part), `missing "${part}" in: ${text}`);
      }
      assert.equal(await v.page.locator('[data-testid=trace-header]').count(), 0);
      await v.page.getByText('could not be opened from').waitFor();
      await v.screenshot(`backend-cors-${colorScheme}`);
      assert.deepEqual(v.pageErrors, []);
      await v.page.close();
    }
  } finally {
    await closed.close();
  }
});

test('a server that is down, one without the trace, and one answering HTML each say so', async () => {
  const down = await backend({});
  await down.close();
  const html = await backend({ [`/api/traces/${TEMPO_ID}`]: { type: 'text/html', body: '<!DOCTYPE html>\n<html><body>Grafana</body></html>' } });
  const empty = await backend({});
  try {
    for (const [hash, says] of [
      [sourceHash(TEMPO_ID, down.base), `no answer from ${down.base}`],
      [sourceHash(TEMPO_ID, html.base), 'is not JSON (it starts with "<!DOCTYPE html>")'],
      [sourceHash(UNKNOWN_ID, empty.base), `trace ${UNKNOWN_ID} was not found at ${empty.base}`],
    ]) {
      const v = await Viewer.open(env, { hash });
      await v.page.click('[data-testid=link-consent-allow]');
      const error = v.page.locator('[data-testid=load-error]');
      await error.waitFor();
      const text = await error.textContent();
      assert.ok(text.includes(says), `${hash}: missing "${says}" in: ${text}`);
      assert.deepEqual(v.pageErrors, []);
      await v.page.close();
    }
    // Both APIs were asked before "not found".
    assert.deepEqual(empty.asked, { [`/api/traces/${UNKNOWN_ID}`]: 1, [`/api/v2/traces/${UNKNOWN_ID}`]: 1 });
  } finally {
    await html.close();
    await empty.close();
  }
});

test('the Backend… panel, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const v = await Viewer.open(env, { colorScheme, width: 1200, height: 600 });
    await v.page.click('[data-testid=backend-toggle]');
    await v.page.fill('[data-testid=backend-address]', 'http://localhost:16686');
    await v.page.fill('[data-testid=backend-trace-id]', 'xyz');
    await v.page.click('[data-testid=backend-open]');
    await v.page.locator('[data-testid=backend-error]').waitFor();
    await v.screenshot(`backend-panel-${colorScheme}`);
    await v.page.close();
  }
});
