// Security: the page talks only to its own origin while files load, serves a
// Content-Security-Policy that refuses other origins' scripts and injected
// inline scripts, and `?url=` / `#url=` fetch only http(s), without cookies
// or a referrer, and refuse what is over the size cap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { start, Viewer, dist, fixture, fixtureFile, corpusFile } from '../lib/viewer.mjs';

const CHECKOUT = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startUs: 1700000000000000, durationUs: 150000, services: 3, depth: 4, spans: 7, errors: 1 };

/** A second origin: a script, trace files with CORS, a huge declared file; records each request's headers. */
function otherOrigin() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, cookie: req.headers.cookie, referer: req.headers.referer });
    const cors = { 'access-control-allow-origin': '*' };
    if (req.url === '/x.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.__fromOtherOrigin = true;');
    } else if (req.url.startsWith('/checkout.json')) {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(fs.readFileSync(fixture('jaeger-checkout.json')));
    } else if (req.url === '/redirect.json') {
      // To another origin (localhost is not 127.0.0.1), which allows CORS too.
      res.writeHead(302, { ...cors, location: `http://localhost:${server.address().port}/checkout.json?via=redirect` }).end();
    } else if (req.url === '/slow.json') {
      // A byte every 100 ms, never done: only Cancel (or the deadline) ends it.
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'content-length': '100000' });
      res.write('{"data":[');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    } else if (req.url === '/huge.json') {
      // Declares 2 GB, sends a little, then waits: the page must give up at the header.
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'content-length': String(2e9) });
      res.write('{"data":[');
    } else {
      res.writeHead(404, cors).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        seen,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
      });
    });
  });
}

let env;
let other;
before(async () => {
  env = await start();
  other = await otherOrigin();
});
after(async () => {
  await env?.close();
  await other?.close();
});

/** Opens the page recording requests (page and workers), CSP violations and console errors. */
async function openWatched(hash = '', { waitForDropZone = true } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const log = { requests: [], violations: [], console: [], workers: 0 };
  context.on('request', (r) => log.requests.push(r.url()));
  const onConsole = (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) log.console.push(m.text()); };
  page.on('console', onConsole);
  page.on('worker', (w) => { log.workers += 1; w.on('console', onConsole); });
  await page.exposeFunction('__reportViolation', (v) => log.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  const v = new Viewer(page, env.server.url);
  await page.goto(env.server.url + hash);
  if (waitForDropZone) await page.waitForSelector('[data-testid=drop-zone]');
  return { v, page, context, log };
}

const pageOrigin = () => new URL(env.server.url).origin;
/** The page itself or a file of the build, under the served sub-path. */
const isAsset = (u) => {
  const p = new URL(u);
  if (p.origin !== pageOrigin() || !p.pathname.startsWith(env.server.base)) return false;
  const rel = p.pathname.slice(env.server.base.length);
  return rel === '' || fs.existsSync(path.join(dist, rel));
};
const offOrigin = (urls) => urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== pageOrigin());

test('loading every file of the public corpus makes requests to the page\'s origin only, with no CSP violation', async (t) => {
  const dir = corpusFile(t);
  if (!dir) return;
  const files = fs.readdirSync(dir)
    .filter((f) => !f.endsWith('.md'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
  assert.ok(files.length > 10, `corpus has ${files.length} files`);
  const { v, page, context, log } = await openWatched();
  await v.pick(files);
  await page.waitForFunction(() =>
    !document.querySelector('.loading') && document.querySelector('[data-testid=trace-count]'),
    null, { timeout: 120_000 });
  const traces = Number(await page.getAttribute('[data-testid=trace-count]', 'data-count'));
  assert.ok(traces > 10, `the corpus opened (${traces} traces)`);
  assert.ok(log.workers > 0, 'files were read in workers');
  assert.ok(log.requests.length > 0, 'requests were recorded');
  assert.deepEqual(offOrigin(log.requests), [], 'every request stays on the page\'s origin');
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.console, []);
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});

test('the release build serves a Content-Security-Policy that allows its own inline script by hash only', async () => {
  const html = await (await fetch(env.server.url)).text();
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  assert.ok(meta, 'the served HTML has a CSP <meta> tag');
  assert.ok(html.indexOf(meta[0]) < html.indexOf('<script'), 'the policy comes before any script');
  const policy = Object.fromEntries(meta[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(policy['object-src'], ["'none'"]);
  assert.deepEqual(policy['base-uri'], ["'none'"]);
  assert.deepEqual(policy['form-action'], ["'none'"]);
  assert.deepEqual(policy['worker-src'], ["'self'", 'blob:']);
  assert.deepEqual(policy['connect-src'], ["'self'", 'http:', 'https:']);
  const scriptSrc = policy['script-src'];
  assert.deepEqual(scriptSrc.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  assert.ok(!scriptSrc.includes("'unsafe-inline'") && !scriptSrc.includes("'unsafe-eval'"), scriptSrc.join(' '));
  assert.ok(!/\bnonce=|'nonce-/.test(html), 'a static build carries no fixed nonce');
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attrs]) => !/\bsrc=/.test(attrs));
  assert.ok(inline.length > 0, 'Trunk\'s start-up script is inline');
  for (const [, , body] of inline) {
    const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
    assert.ok(scriptSrc.includes(hash), `the policy allows the inline script ${hash}`);
  }
  assert.match(html, /<meta name="referrer" content="no-referrer"/);
});

test('normal use under the policy: drop, open a span, switch views; no violation', async () => {
  const { v, page, context, log } = await openWatched();
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  assert.deepEqual(await v.header(), CHECKOUT);
  assert.ok(log.workers > 0, 'the file was read in a worker');
  await page.click('[data-testid=span-row]:nth-child(2)');
  await page.waitForSelector('[data-testid=span-detail]');
  // The timeline's duration labels are placed by style properties (no style attribute).
  const label = await page.$eval('.span-dur', (e) => ({ left: e.style.left, right: e.style.right }));
  assert.ok(label.left !== '' || label.right !== '', `a duration label is placed: ${JSON.stringify(label)}`);
  await v.drop([fixtureFile('otlp-three-traces.json')]);
  await page.waitForFunction(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '4');
  await page.click('[data-testid=trace-count]');
  await page.waitForSelector('[data-testid=trace-row]');
  await v.screenshot('csp-normal-use');
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.console, []);
  assert.deepEqual(offOrigin(log.requests), []);
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});

test('a script from another origin, and an injected inline script, are refused', async () => {
  const { page, context, log } = await openWatched();
  const before = other.seen.length;
  const outcome = await page.evaluate(async (src) => {
    const violation = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve, { once: true }));
    const loaded = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = () => resolve('loaded');
      s.onerror = () => resolve('error');
      document.head.append(s);
    });
    const result = await loaded;
    await Promise.race([violation, new Promise((r) => setTimeout(r, 2000))]);
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true;';
    document.head.append(inline);
    await new Promise((r) => setTimeout(r, 100));
    return { result, ran: window.__fromOtherOrigin === true, inlineRan: window.__inlineRan === true };
  }, `${other.url}x.js`);
  assert.deepEqual(outcome, { result: 'error', ran: false, inlineRan: false });
  assert.ok(log.violations.some((v) => v.directive.startsWith('script-src') && v.blocked.startsWith(other.url.slice(0, -1))),
    `a script-src violation names the other origin: ${JSON.stringify(log.violations)}`);
  assert.ok(log.violations.some((v) => v.directive.startsWith('script-src') && v.blocked === 'inline'),
    `the inline script is refused: ${JSON.stringify(log.violations)}`);
  assert.equal(other.seen.length, before, 'the other origin was not even asked');
  await context.close();
});

test('#url= and ?url= refuse javascript:, file: and data: addresses with a message, and request nothing', async () => {
  for (const [hash, scheme] of [
    [`#url=${encodeURIComponent('javascript:alert(document.domain)')}`, 'javascript:'],
    ['?url=file:///etc/passwd', 'file:'],
    [`?url=${encodeURIComponent('data:application/json,{"data":[]}')}`, 'data:'],
    [`#url=${encodeURIComponent(' java\tscript:alert(1)')}`, 'javascript:'],
  ]) {
    const { v, page, context, log } = await openWatched(hash);
    await page.waitForSelector('[data-testid=load-error]');
    const error = await page.$eval('[data-testid=load-error]', (e) => ({ role: e.getAttribute('role'), text: e.textContent }));
    assert.equal(error.role, 'alert');
    assert.match(error.text, /only http:\/\/ and https:\/\/ addresses can be opened/, hash);
    assert.ok(error.text.includes(`"${scheme}"`), `${hash}: ${error.text}`);
    const notAssets = log.requests
      .filter((u) => !u.startsWith('blob:'))
      .filter((u) => !isAsset(u));
    assert.deepEqual(notAssets, [], `${hash}: nothing requested but the page itself`);
    assert.deepEqual(v.pageErrors, []);
    await context.close();
  }
});

test('?url= and #url= to another server load without cookies or a referrer; an oversized file is refused', async () => {
  const { v, page, context } = await openWatched('', { waitForDropZone: false });
  await context.addCookies([{ name: 'session', value: 'secret', domain: '127.0.0.1', path: '/' }]);
  const address = `${other.url}checkout.json?via=query`;
  await page.goto(`${env.server.url}?url=${encodeURIComponent(address)}`);
  // Another origin: asked first, and nothing is requested before the answer.
  const prompt = page.locator('[data-testid=link-consent]');
  await prompt.waitFor();
  const host = new URL(other.url).host;
  assert.ok((await prompt.textContent()).includes(host), 'the prompt names the host');
  assert.match(await prompt.textContent(), /\/checkout\.json/, 'and the path');
  await page.waitForTimeout(500);
  assert.equal(other.seen.filter((r) => r.url.startsWith('/checkout.json')).length, 0, 'nothing requested before the answer');
  await page.screenshot({ path: path.join(process.cwd(), 'screenshots', 'link-consent.png') });
  await page.click('[data-testid=link-consent-allow]');
  await page.waitForSelector('[data-testid=trace-header], [data-testid=load-error]');
  assert.equal(await page.$eval('[data-testid=load-error]', (e) => e.textContent).catch(() => null), null);
  assert.deepEqual(await v.header(), CHECKOUT);
  const byQuery = other.seen.find((r) => r.url === '/checkout.json?via=query');
  assert.ok(byQuery, `the other server was asked for the file: ${JSON.stringify(other.seen)}`);
  assert.equal(byQuery.cookie, undefined, 'no cookie is sent');
  assert.equal(byQuery.referer, undefined, 'no referrer is sent');

  // #url= typed over the open page (the browser does not reload it).
  const fresh = await openWatched();
  await fresh.context.addCookies([{ name: 'session', value: 'secret', domain: '127.0.0.1', path: '/' }]);
  await fresh.page.evaluate((a) => { location.hash = `#url=${encodeURIComponent(a)}`; }, `${other.url}checkout.json?via=fragment`);
  await fresh.page.click('[data-testid=link-consent-allow]');
  await fresh.page.waitForSelector('[data-testid=trace-header], [data-testid=load-error]');
  assert.equal(await fresh.page.$eval('[data-testid=load-error]', (e) => e.textContent).catch(() => null), null);
  assert.deepEqual(await fresh.v.header(), CHECKOUT);
  const byFragment = other.seen.find((r) => r.url === '/checkout.json?via=fragment');
  assert.ok(byFragment, 'the other server was asked for the file');
  assert.equal(byFragment.cookie, undefined);
  assert.equal(byFragment.referer, undefined);
  await fresh.context.close();

  // Declared larger than the cap: refused at the header, the page still answers.
  await page.evaluate((a) => { location.hash = `#url=${encodeURIComponent(a)}`; }, `${other.url}huge.json`);
  await page.click('[data-testid=link-consent-allow]');
  await page.waitForSelector('[data-testid=load-error]');
  const text = await page.textContent('[data-testid=load-error]');
  assert.match(text, /huge\.json: the server says the file is 2\.0 GB, larger than this viewer can hold/);
  await page.waitForFunction(() => !document.querySelector('.loading'));
  assert.deepEqual(await v.header(), CHECKOUT, 'the loaded trace stays');
  assert.deepEqual(v.pageErrors, []);
  await context.close();
});

test('a link denied fetches nothing; a redirect to another origin is refused naming both; Cancel stops a slow download', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  assert.deepEqual(await v.header(), CHECKOUT);
  const page = v.page;
  const go = (address) => page.evaluate((a) => { location.hash = `#url=${encodeURIComponent(a)}`; }, address);

  await go(`${other.url}checkout.json?via=denied`);
  await page.click('[data-testid=link-consent-deny]');
  await page.waitForTimeout(300);
  assert.equal(other.seen.filter((r) => r.url === '/checkout.json?via=denied').length, 0, 'denied: never requested');

  await go(`${other.url}redirect.json`);
  await page.click('[data-testid=link-consent-allow]');
  const error = page.locator('[data-testid=load-error]');
  await error.waitFor();
  const text = await error.textContent();
  const port = new URL(other.url).port;
  assert.ok(text.includes(`http://127.0.0.1:${port}`) && text.includes(`http://localhost:${port}`), `names both origins: ${text}`);
  assert.match(text, /refused/);
  await page.click('[data-testid=load-error] .dismiss');

  await go(`${other.url}slow.json`);
  await page.click('[data-testid=link-consent-allow]');
  const progress = page.locator('[data-testid=download-progress]');
  await progress.waitFor();
  await page.screenshot({ path: path.join(process.cwd(), 'screenshots', 'download-cancel.png') });
  await page.click('[data-testid=download-cancel]');
  await progress.waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid=load-error]').count(), 0, 'a cancel is not an error');
  assert.deepEqual(await v.header(), CHECKOUT, 'what was open stays');
  assert.deepEqual(v.pageErrors, []);
  await page.close();
});
