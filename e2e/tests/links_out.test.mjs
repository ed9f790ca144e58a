// Links out from a span (docs/using.md: "Links out"): a template written in the
// header's Links… editor shows in the span detail filled from the span, opens
// its address in a new tab, survives a reload, and travels in `#links=` —
// which the page adds only when the user says so.
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

const STORAGE_KEY = 'trace-viewer.links';
const LOGS_HOST = 'https://logs.example.test';
const LOGS = `${LOGS_HOST}/explore?trace=\${trace_id}&from=\${start_ms}&to=\${end_ms}&svc=\${service}&host=\${attr:hostname}`;
const QUERY = 'https://db.example.test/?sql=${attr:db.statement}';

/** The checkout fixture's spans, as the file writes them (Jaeger: microseconds). */
function checkoutSpans() {
  const trace = JSON.parse(fixtureFile('jaeger-checkout.json').content).data[0];
  return trace.spans.map((s) => {
    const process = trace.processes[s.processID];
    const tag = (tags, key) => tags?.find((t) => t.key === key)?.value;
    return {
      id: s.spanID,
      traceId: trace.traceID,
      name: s.operationName,
      startUs: s.startTime,
      endUs: s.startTime + s.duration,
      service: process.serviceName,
      attr: (key) => tag(s.tags, key) ?? tag(process.tags, key),
    };
  });
}

/** The Logs template filled from `s` by hand. */
function logsUrl(s) {
  const e = encodeURIComponent;
  return `${LOGS_HOST}/explore?trace=${e(s.traceId)}&from=${Math.floor(s.startUs / 1000)}`
    + `&to=${Math.ceil(s.endUs / 1000)}&svc=${e(s.service)}&host=${e(String(s.attr('hostname')))}`;
}

async function openCheckout(options = {}) {
  const v = await Viewer.open(env, options);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=span-row]');
  return v;
}

async function openSpan(v, id) {
  await v.page.click(`[data-testid=span-row][data-span-id="${id}"]`);
  await v.page.waitForSelector(`[data-testid=span-detail][data-span-id="${id}"]`);
}

/** Links in the open span's detail: label → href. */
const linksShown = (v) => v.page.$$eval('[data-testid=link-out]', (as) =>
  Object.fromEntries(as.map((a) => [a.dataset.template, a.getAttribute('href')])));

/** Fills editor row `n` (0-based). */
async function fillRow(v, n, { label, url, scope = 'span', key }) {
  const row = v.page.locator('[data-testid=links-row]').nth(n);
  await row.locator('[data-testid=links-label]').fill(label);
  await row.locator('[data-testid=links-url]').fill(url);
  await row.locator('[data-testid=links-scope]').selectOption(scope);
  if (key !== undefined) await row.locator('[data-testid=links-key]').fill(key);
}

/** Opens the editor and writes the Logs (every span) and Query (db.statement) templates. */
async function writeTemplates(v) {
  await v.page.click('[data-testid=links-edit]');
  await v.page.waitForSelector('[data-testid=links-editor]');
  assert.match(await v.page.textContent('[data-testid=links-help]'), /\$\{attr:key\}/);
  await fillRow(v, 0, { label: 'Logs', url: LOGS });
  await v.page.click('[data-testid=links-add]');
  await fillRow(v, 1, { label: 'Query', url: QUERY, scope: 'key', key: 'db.statement' });
}

test('a template written in the editor links each span to its address, opens in a new tab and survives a reload', async () => {
  const v = await openCheckout();
  await v.page.context().route(`${LOGS_HOST}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>logs stub</title>stub' }));
  const spans = checkoutSpans();
  const db = spans.find((s) => s.name === 'SELECT cart');
  const root = spans.find((s) => s.name === 'GET /checkout');

  await writeTemplates(v);
  // A javascript: address is refused where it is written, and nothing is saved.
  await v.page.locator('[data-testid=links-url]').nth(0).fill('javascript:alert(1)');
  await v.page.click('[data-testid=links-save]');
  assert.match(await v.page.textContent('[data-testid=links-error][role=alert]'), /Link 1 \("Logs"\).*http:\/\/ or https:\/\//);
  assert.equal(await v.page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY), null);
  await v.page.locator('[data-testid=links-url]').nth(0).fill(LOGS);
  await v.page.click('[data-testid=links-save]');
  await v.page.waitForSelector('[data-testid=links-editor]', { state: 'detached' });

  await openSpan(v, db.id);
  const expected = {
    Logs: logsUrl(db),
    Query: `https://db.example.test/?sql=${encodeURIComponent(db.attr('db.statement'))}`,
  };
  assert.deepEqual(await linksShown(v), expected);
  const link = v.page.locator('[data-testid=link-out][data-template=Logs]');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  // The key template shows only on the span holding db.statement.
  await openSpan(v, root.id);
  assert.deepEqual(await linksShown(v), { Logs: logsUrl(root) });

  // Following the link opens a new tab at exactly that address.
  const [popup] = await Promise.all([
    v.page.waitForEvent('popup'),
    v.page.click('[data-testid=link-out][data-template=Logs]'),
  ]);
  await popup.waitForLoadState();
  assert.equal(popup.url(), logsUrl(root));
  assert.equal(await popup.title(), 'logs stub');
  await popup.close();

  // Kept in local storage: after a reload the same links show.
  await v.page.reload();
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=span-row]');
  await openSpan(v, db.id);
  assert.deepEqual(await linksShown(v), expected);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('#links= in the address asks first: Ignore adds nothing, Add them adds them once', async () => {
  // Make the share link in one browser…
  const v = await openCheckout();
  await v.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await writeTemplates(v);
  await v.page.click('[data-testid=links-share]');
  const shared = await v.page.inputValue('[data-testid=links-share-url]');
  assert.equal(await v.page.evaluate(() => navigator.clipboard.readText()), shared);
  const [page, fragment] = shared.split('#');
  assert.equal(page, v.page.url().split('#')[0]);
  assert.match(fragment, /^links=%5B/);
  const carried = JSON.parse(decodeURIComponent(fragment.slice('links='.length)));
  assert.deepEqual(carried.map((t) => t.label), ['Logs', 'Query']);
  assert.equal(await v.page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY), null, 'sharing does not save');
  await v.page.close();

  // …and open it in another (a fresh profile: nothing stored).
  const w = await Viewer.open(env, { hash: `#${fragment}` });
  await w.page.waitForSelector('[data-testid=links-import-prompt]');
  const text = await w.page.textContent('[data-testid=links-import-prompt]');
  assert.match(text, /This address carries 2 link templates/);
  assert.ok(text.includes(LOGS) && text.includes(QUERY), 'each address is shown');
  await w.page.click('[data-testid=links-import-ignore]');
  await w.page.waitForSelector('[data-testid=links-import-prompt]', { state: 'detached' });
  assert.ok(!w.page.url().includes('links='), w.page.url());
  assert.equal(await w.page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY), null);

  // The same address again, over the open page: Add them.
  await w.page.evaluate((f) => { location.hash = f; }, fragment);
  await w.page.waitForSelector('[data-testid=links-import-prompt]');
  await w.page.click('[data-testid=links-import-accept]');
  await w.page.waitForSelector('[data-testid=links-import-prompt]', { state: 'detached' });
  assert.ok(!w.page.url().includes('links='), w.page.url());
  const stored = () => w.page.evaluate((k) => JSON.parse(localStorage.getItem(k)), STORAGE_KEY);
  assert.deepEqual((await stored()).map((t) => [t.label, t.url, t.scope, t.key]), [
    ['Logs', LOGS, 'span', undefined],
    ['Query', QUERY, 'key', 'db.statement'],
  ]);
  // Adding them a second time adds nothing new.
  await w.page.evaluate((f) => { location.hash = f; }, fragment);
  await w.page.click('[data-testid=links-import-accept]');
  await w.page.waitForSelector('[data-testid=links-import-prompt]', { state: 'detached' });
  assert.equal((await stored()).length, 2);
  // And the span detail uses them.
  await w.drop([fixtureFile('jaeger-checkout.json')]);
  await w.page.waitForSelector('[data-testid=span-row]');
  const db = checkoutSpans().find((s) => s.name === 'SELECT cart');
  await openSpan(w, db.id);
  assert.equal((await linksShown(w)).Logs, logsUrl(db));
  assert.deepEqual(w.pageErrors, []);
  await w.page.close();
});
