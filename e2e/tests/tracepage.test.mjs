// The trace page's analysis tools: find, minimap zoom, keyboard, URL state,
// links between traces, service filter, flame graph, service graph, themes,
// and attribute values that look like markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, Viewer, fixture, fixtureFile } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start({ 'traces/checkout.json': fixture('jaeger-checkout.json') });
});
after(async () => {
  await env?.close();
});

const CHECKOUT = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (n) => `00f067aa0ba902b${n}`;

/** Two time ranges (µs) equal but for the address's rounding (12 decimals of the trace). */
function sameRange(got, want) {
  assert.ok(Math.abs(got[0] - want[0]) <= 0.002 && Math.abs(got[1] - want[1]) <= 0.002, `${got} vs ${want}`);
}

async function openCheckout(options = {}) {
  const v = await Viewer.open(env, options);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForSelector('[data-testid=span-row]');
  return v;
}

test('find with negation and scopes counts what the fixture says; a term it cannot read says why', async () => {
  const v = await openCheckout();
  // Every expected count from the fixture file itself.
  const file = JSON.parse(fixtureFile('jaeger-checkout.json').content).data[0];
  const spans = file.spans.map((s) => {
    const process = file.processes[s.processID];
    const tag = (tags, key) => tags.filter((t) => t.key === key).map((t) => String(t.value));
    return {
      service: process.serviceName,
      kind: tag(s.tags, 'span.kind')[0] ?? '',
      own: (key) => tag(s.tags, key),
      resource: (key) => tag(process.tags ?? [], key),
    };
  });
  const count = (f) => spans.filter(f).length;
  const held = (s, key) => [...s.own(key), ...s.resource(key)];
  const cases = [
    ['hostname!=web-1', (s) => held(s, 'hostname').length > 0 && held(s, 'hostname').every((x) => x.toLowerCase() !== 'web-1')],
    ['hostname!~^(web|auth)', (s) => held(s, 'hostname').length > 0 && held(s, 'hostname').every((x) => !/^(web|auth)/.test(x))],
    ['http.status_code!=200', (s) => held(s, 'http.status_code').length > 0 && held(s, 'http.status_code').every((x) => x !== '200')],
    ['-kind=client', (s) => s.kind !== 'client'],
    ['service!=frontend', (s) => s.service !== 'frontend'],
    ['-service=frontend -kind=server', (s) => s.service !== 'frontend' && s.kind !== 'server'],
    ['resource.hostname=web-1', (s) => s.resource('hostname').includes('web-1')],
    ['span.hostname=web-1', (s) => s.own('hostname').includes('web-1')],
  ];
  for (const [query, f] of cases) {
    assert.equal(await v.findCount(query), count(f), query);
    assert.equal(await v.page.$('[data-testid=find-error]'), null, `${query}: no error`);
  }
  assert.ok(count(cases[0][1]) > 0 && count(cases[3][1]) > 0);
  // `key!` alone: a message under the field, never a silent zero.
  await v.page.fill('[data-testid=find-input]', 'http.status_code!');
  await v.page.waitForSelector('[data-testid=find-error]');
  assert.match(await v.page.textContent('[data-testid=find-error]'), /`!` needs `=` or `~`/);
  await v.screenshot('find-error');
  assert.deepEqual(v.pageErrors, []);
});

test('find with structured terms counts the matching spans; next and previous move the selection', async () => {
  const v = await openCheckout();
  assert.equal(await v.findCount('service=cart'), 2);
  assert.equal(await v.findCount('kind=client'), 3);
  assert.equal(await v.findCount('kind=client duration>20ms'), 2);
  assert.equal(await v.findCount('status=error'), 1);
  assert.equal(await v.findCount('op~^(GET|POST) '), 2);
  assert.equal(await v.findCount('http.status_code=500'), 1);
  assert.equal(await v.findCount('postgresql'), 1);
  assert.equal(await v.findCount('exception'), 1);
  // A term that cannot be read says why instead of matching nothing silently.
  assert.equal(await v.findCount('duration>soon'), 0);
  assert.match(await v.page.textContent('[data-testid=find-error]'), /soon.*not a duration/);

  assert.equal(await v.findCount('kind=client'), 3);
  assert.equal(await v.page.$$eval('.span-row.match', (r) => r.length), 3);
  await v.page.press('[data-testid=find-input]', 'Enter');
  assert.equal(await v.selectedSpan(), span(2));
  await v.page.click('[data-testid=find-next]');
  assert.equal(await v.selectedSpan(), span(4));
  await v.page.click('[data-testid=find-next]');
  assert.equal(await v.selectedSpan(), span(6));
  assert.equal((await v.page.textContent('[data-testid=find-count]')).trim(), '3 of 3');
  await v.page.click('[data-testid=find-next]'); // wraps
  assert.equal(await v.selectedSpan(), span(2));
  await v.page.click('[data-testid=find-prev]'); // wraps back
  assert.equal(await v.selectedSpan(), span(6));

  // Only matches (with their ancestors): root, auth-client, cart-client, GetCart, SELECT.
  await v.page.check('[data-testid=find-only]');
  const ids = (await v.spanRows()).map((r) => r.spanId);
  assert.deepEqual(ids, [span(1), span(2), span(4), span(5), span(6)]);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('dragging across the minimap zooms the timeline and the ruler; reset shows it all', async () => {
  const v = await openCheckout();
  assert.deepEqual(await v.timelineRange(), [0, 150000]);
  const box = await v.page.locator('[data-testid=minimap]').boundingBox();
  const y = box.y + box.height / 2;
  await v.page.mouse.move(box.x + box.width * 0.5, y);
  await v.page.mouse.down();
  await v.page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
  await v.page.mouse.move(box.x + box.width * 0.75, y, { steps: 4 });
  await v.page.mouse.up();
  const [from, to] = await v.timelineRange();
  assert.ok(Math.abs(from - 75000) < 1000 && Math.abs(to - 112500) < 1000, `zoomed to ${from}..${to}`);
  const labels = await v.page.$$eval('[data-testid=time-ruler] .tick-label', (t) => t.map((x) => x.textContent));
  assert.ok(labels.includes('80ms') && labels.includes('110ms') && !labels.includes('0'), labels.join(' '));
  // A span that ended before the range has no bar; one inside has a wide one.
  const bars = await v.page.evaluate(() => {
    const bar = (id) => document.querySelector(`[data-span-id="${id}"] .span-bar`);
    return { auth: bar('00f067aa0ba902b2'), cart: bar('00f067aa0ba902b5')?.style.left };
  });
  assert.equal(bars.auth, null);
  assert.equal(bars.cart, '0%');
  await v.screenshot('timeline-zoomed');
  await v.page.click('[data-testid=zoom-reset]');
  assert.deepEqual(await v.timelineRange(), [0, 150000]);
  await v.page.close();
});

test('the keyboard moves, folds, opens, finds and zooms', async () => {
  const v = await openCheckout();
  const rows = async () => Number(await v.page.getAttribute('[data-testid=row-count]', 'data-count'));
  await v.page.keyboard.press('ArrowDown');
  assert.equal(await v.selectedSpan(), span(1));
  await v.page.keyboard.press('ArrowDown');
  await v.page.keyboard.press('ArrowDown');
  assert.equal(await v.selectedSpan(), span(3));
  await v.page.keyboard.press('ArrowLeft'); // leaf: go to the parent
  assert.equal(await v.selectedSpan(), span(2));
  await v.page.keyboard.press('ArrowLeft'); // collapse
  assert.equal(await rows(), 6);
  await v.page.keyboard.press('ArrowRight'); // expand
  assert.equal(await rows(), 7);
  await v.page.keyboard.press('ArrowRight'); // first child
  assert.equal(await v.selectedSpan(), span(3));
  assert.equal(await v.page.$('[data-testid=span-detail]'), null);
  await v.page.keyboard.press('Enter');
  assert.equal(await v.page.getAttribute('[data-testid=span-detail]', 'data-span-id'), span(3));
  await v.page.keyboard.press('Escape');
  assert.equal(await v.page.$('[data-testid=span-detail]'), null);
  await v.page.keyboard.press('/');
  assert.equal(await v.page.evaluate(() => document.activeElement?.dataset.testid), 'find-input');
  await v.page.keyboard.type('service=cart');
  await v.page.keyboard.press('Escape'); // leaves the find box
  await v.page.keyboard.press('n');
  assert.equal(await v.selectedSpan(), span(5));
  await v.page.keyboard.press('n');
  assert.equal(await v.selectedSpan(), span(6));
  await v.page.keyboard.press('N');
  assert.equal(await v.selectedSpan(), span(5));
  await v.page.keyboard.press('f'); // fits GetCart (27..85 ms) with a twentieth of room each side
  const [from, to] = await v.timelineRange();
  assert.ok(Math.abs(from - 24100) <= 1 && Math.abs(to - 87900) <= 1, `${from}..${to}`);
  await v.page.keyboard.press('d'); // a fifth of the view later
  const [f2, t2] = await v.timelineRange();
  assert.ok(Math.abs(f2 - (from + 0.2 * (to - from))) <= 1 && Math.abs(t2 - f2 - (to - from)) <= 1, `${f2}..${t2}`);
  await v.page.keyboard.press('w'); // in about the centre
  const [f3, t3] = await v.timelineRange();
  assert.ok(Math.abs((f3 + t3) / 2 - (f2 + t2) / 2) <= 1 && t3 - f3 < t2 - f2, `${f3}..${t3}`);
  await v.page.keyboard.press('0');
  assert.deepEqual(await v.timelineRange(), [0, 150000]);
  await v.page.keyboard.press(']'); // fold every span
  assert.equal(await rows(), 1);
  await v.page.keyboard.press('['); // unfold every span
  assert.equal(await rows(), 7);
  await v.page.keyboard.press('?');
  assert.ok(await v.page.isVisible('[data-testid=keyboard-help]'));
  await v.screenshot('keyboard-help');
  await v.page.keyboard.press('Escape');
  assert.equal(await v.page.$('[data-testid=keyboard-help]'), null);
  await v.page.keyboard.press('3');
  assert.ok(await v.page.isVisible('[data-testid=flame-view]'));
  assert.match(await v.page.textContent('[data-testid=view-tab-flame]'), /^3/);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('a copied URL reopened in a new page restores trace, span, zoom, query and view', async () => {
  const v = await openCheckout();
  await v.findCount('kind=client');
  await v.page.click(`[data-span-id="${span(5)}"]`);
  await v.page.keyboard.press('f');
  const range = await v.timelineRange();
  const url = v.page.url();
  assert.match(url, new RegExp(`#/trace/${CHECKOUT}\\?`));
  assert.ok(!url.includes('GetCart') && !url.includes('cart.items'), 'no trace data in the URL');
  await v.page.close();

  const w = await Viewer.open(env, { hash: url.slice(url.indexOf('#')) });
  await w.drop([fixtureFile('jaeger-checkout.json')]);
  await w.page.waitForSelector('[data-testid=span-row]');
  assert.equal((await w.header()).traceId, CHECKOUT);
  assert.equal(await w.selectedSpan(), span(5));
  assert.equal(await w.page.getAttribute('[data-testid=span-detail]', 'data-span-id'), span(5));
  sameRange(await w.timelineRange(), range);
  assert.equal(await w.page.inputValue('[data-testid=find-input]'), 'kind=client');
  assert.equal(Number(await w.page.getAttribute('[data-testid=find-count]', 'data-count')), 3);

  // A link with ?url= loads the file and restores the same state.
  const shared = `?url=traces/checkout.json${url.slice(url.indexOf('#'))}`;
  const u = await Viewer.open(env, { hash: shared });
  await u.page.waitForSelector('[data-testid=span-detail]');
  assert.equal(await u.selectedSpan(), span(5));
  sameRange(await u.timelineRange(), range);
  assert.equal(await u.page.inputValue('[data-testid=find-input]'), 'kind=client');
  await u.page.close();

  // The open view is kept too.
  await w.page.click('[data-testid=view-tab-graph]');
  const graphUrl = w.page.url();
  await w.page.reload();
  await w.page.waitForSelector('[data-testid=drop-zone]');
  await w.drop([fixtureFile('jaeger-checkout.json')]);
  await w.page.waitForSelector('[data-testid=service-graph]');
  assert.equal(w.page.url(), graphUrl);
  await w.page.close();
});

test('markup in attribute values and names is shown as text, never run', async () => {
  const v = await Viewer.open(env);
  let dialogs = 0;
  v.page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await v.drop([fixtureFile('otlp-linked-traces.json')]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  await v.page.goto(`${env.server.url}#/trace/a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1?span=a100000000000002`);
  await v.page.waitForSelector('[data-testid=drop-zone]');
  await v.drop([fixtureFile('otlp-linked-traces.json')]);
  await v.page.waitForSelector('[data-testid=span-detail]');
  const text = await v.page.textContent('[data-testid=span-detail]');
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'the value is shown literally');
  assert.ok(text.includes('<b>bold</b> & <script>alert(2)</script>'));
  const created = await v.page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    b: document.querySelectorAll('[data-testid=span-detail] b').length,
    script: document.querySelectorAll('body script').length,
  }));
  assert.deepEqual(created, { img: 0, b: 0, script: 0 });
  // Find matches on the text as well.
  assert.equal(await v.findCount('onerror'), 1);
  assert.equal(dialogs, 0);
  await v.page.close();
});

test('links lead to the linked span, in another loaded trace too, and Back returns', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('otlp-linked-traces.json')]);
  await v.page.waitForSelector('[data-testid=trace-row]');
  await v.page.click('[data-testid=trace-row][data-trace-id=b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2]');
  await v.page.waitForSelector('[data-testid=span-row]');
  // The consumer span carries a link mark on its row.
  assert.ok(await v.page.isVisible('[data-span-id=b200000000000001] [data-testid=link-mark]'));
  await v.page.click('[data-span-id=b200000000000001]');
  await v.page.click('[data-testid=link-jump][data-target-span=a100000000000002]');
  await v.page.waitForSelector('[data-testid=trace-header][data-trace-id=a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1]');
  assert.equal(await v.selectedSpan(), 'a100000000000002');
  // The producer lists who links to it.
  assert.match(await v.page.textContent('[data-testid=span-linked-from]'), /b200000000000001/);
  await v.page.click('[data-testid=nav-back]');
  await v.page.waitForSelector('[data-testid=trace-header][data-trace-id=b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2]');
  assert.equal(await v.selectedSpan(), 'b200000000000001');
  // A link inside the same trace selects that span.
  await v.page.click('[data-span-id=b200000000000002]');
  await v.page.click('[data-testid=span-link] [data-testid=link-jump]');
  await v.page.waitForFunction(() => document.querySelector('.span-row.selected')?.dataset.spanId === 'b200000000000001');
  await v.page.goBack();
  await v.page.waitForFunction(() => document.querySelector('.span-row.selected')?.dataset.spanId === 'b200000000000002');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('the service legend counts spans and hides a service from the timeline', async () => {
  const v = await openCheckout();
  const legend = await v.page.$$eval('[data-testid=legend-item]', (items) =>
    items.map((i) => [i.dataset.service, Number(i.dataset.count)]),
  );
  assert.deepEqual(legend, [['auth', 1], ['cart', 2], ['frontend', 4]]);
  await v.page.click('[data-testid=legend-item][data-service=frontend]');
  const ids = (await v.spanRows()).map((r) => r.spanId);
  assert.deepEqual(ids, [span(3), span(5), span(6)]);
  await v.page.click('[data-testid=legend-item][data-service=frontend]');
  assert.equal((await v.spanRows()).length, 7);
  await v.page.close();
});

test('the flame graph draws every span and focuses a subtree on click', async () => {
  const v = await openCheckout();
  await v.page.click('[data-testid=view-tab-flame]');
  const canvas = v.page.locator('[data-testid=flame-canvas]');
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=flame-canvas]')?.dataset.boxes) === 7);
  // Row 3 (depth 3) near 56ms of 150ms: GetCart.
  const box = await canvas.boundingBox();
  await v.page.mouse.click(box.x + box.width * (56 / 150), box.y + 2 * 18 + 9);
  await v.page.waitForFunction(() => document.querySelector('[data-testid=flame-canvas]').dataset.focus === '00f067aa0ba902b5');
  assert.equal(Number(await canvas.getAttribute('data-boxes')), 2);
  assert.match(await v.page.textContent('[data-testid=flame-view]'), /cart: GetCart/);
  const painted = await v.page.evaluate(() => {
    const c = document.querySelector('[data-testid=flame-canvas]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, 18).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (c.width * 18);
  });
  assert.ok(painted > 0.9, `the focused span fills the first row (${painted})`);
  await v.page.click('[data-testid=flame-reset]');
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=flame-canvas]').dataset.boxes) === 7);
  await v.page.close();
});

test('the service graph shows calls between services with counts and durations', async () => {
  const v = await openCheckout();
  await v.page.click('[data-testid=view-tab-graph]');
  const edges = await v.page.$$eval('[data-testid=graph-edge]', (es) =>
    es.map((e) => [e.dataset.from, e.dataset.to, Number(e.dataset.calls), Number(e.dataset.totalUs)]),
  );
  assert.deepEqual(edges, [['frontend', 'auth', 1, 12000], ['frontend', 'cart', 1, 58000]]);
  const nodes = await v.page.$$eval('[data-testid=graph-node]', (ns) => ns.map((n) => [n.dataset.service, Number(n.dataset.spans)]));
  assert.deepEqual(nodes, [['auth', 1], ['cart', 2], ['frontend', 4]]);
  await v.page.close();
});

test('the theme follows the system and can be switched; each view in both themes', async () => {
  for (const scheme of ['light', 'dark']) {
    const v = await openCheckout({ colorScheme: scheme });
    const bg = () => v.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const systemBg = await bg();
    assert.equal(systemBg, scheme === 'dark' ? 'rgb(20, 23, 28)' : 'rgb(255, 255, 255)');
    await v.findCount('kind=client');
    await v.page.click(`[data-span-id="${span(5)}"]`);
    for (const view of ['timeline', 'stats', 'flame', 'graph']) {
      await v.page.click(`[data-testid=view-tab-${view}]`);
      await v.page.waitForTimeout(100);
      await v.screenshot(`view-${view}-${scheme}`);
    }
    await v.page.click('[data-testid=theme-toggle]');
    const other = scheme === 'dark' ? 'light' : 'dark';
    assert.equal(await v.page.getAttribute('html', 'data-theme'), other);
    assert.notEqual(await bg(), systemBg);
    // The choice is remembered.
    await v.page.reload();
    await v.page.waitForSelector('[data-testid=drop-zone]');
    assert.equal(await v.page.getAttribute('html', 'data-theme'), other);
    await v.page.evaluate(() => localStorage.clear());
    await v.page.close();
  }
});

test('collapse a span\'s children, expand its subtree, expand to a depth', async () => {
  const v = await openCheckout();
  const ids = async () => (await v.spanRows()).map((r) => r.spanId);
  await v.page.click(`[data-span-id="${span(1)}"]`);
  await v.page.click('[data-testid=collapse-children]');
  assert.deepEqual(await ids(), [span(1), span(2), span(4), span(7)]);
  await v.page.click('[data-testid=expand-subtree]');
  assert.equal((await ids()).length, 7);
  await v.page.selectOption('[data-testid=expand-depth]', '2');
  assert.deepEqual(await ids(), [span(1), span(2), span(4), span(7)]);
  await v.page.selectOption('[data-testid=expand-depth]', '3');
  assert.deepEqual(await ids(), [span(1), span(2), span(3), span(4), span(5), span(7)]);
  await v.page.close();
});
