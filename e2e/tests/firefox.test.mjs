// A second engine: the same build in Firefox (Debian's firefox-esr, driven
// by geckodriver over WebDriver; scripts/setup.sh installs both). A smoke
// suite: a file read on the page and one read in a worker, a gzip file, the
// list, a trace page and a span's detail, the kept files after a reload, and
// a file posted by another page. FIREFOX and GECKODRIVER name other ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { start, fixture, screenshots } from '../lib/viewer.mjs';
import { serve } from '../lib/server.mjs';
import { manyTraces } from '../lib/many.mjs';
import { Firefox, drop } from '../lib/webdriver.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER
  ?? path.join(process.env.TRACE_VIEWER_TOOLS ?? process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'bin/geckodriver');
const checkout = fs.readFileSync(fixture('jaeger-checkout.json'), 'utf8');

let env;
let openerSite;
before(async () => {
  for (const [what, file] of [['Firefox', FIREFOX], ['geckodriver', GECKODRIVER]]) {
    assert.ok(fs.existsSync(file), `${what} is not at ${file}: run scripts/setup.sh (or set ${what === 'Firefox' ? 'FIREFOX' : 'GECKODRIVER'})`);
  }
  env = await start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-opener-'));
  fs.writeFileSync(path.join(dir, 'opener.html'), '<!doctype html><meta charset="utf-8"><title>opener</title><button id="open">Open the viewer</button>');
  openerSite = await serve(dir);
});
after(async () => {
  await env?.close();
  await openerSite?.close();
});

/** A Firefox session on a fresh profile, with the page open and its errors recorded. */
async function firefox(url = env.server.url, ready = '[data-testid=drop-zone]') {
  const ff = await Firefox.start({ driver: GECKODRIVER, binary: FIREFOX });
  await ff.go(url);
  await ff.until((s) => !!document.querySelector(s), [ready], { what: 'the page' });
  await ff.run(() => {
    window.pageErrors = [];
    window.addEventListener('error', (e) => window.pageErrors.push(String(e.message)));
    return true;
  });
  return ff;
}

/** Runs `body` on a fresh Firefox session (see `firefox`), which ends after it whatever happens. */
async function inFirefox(body, ...where) {
  const ff = await firefox(...where);
  try {
    await body(ff);
  } finally {
    await ff.quit();
  }
}

async function shot(ff, name) {
  fs.mkdirSync(screenshots, { recursive: true });
  fs.writeFileSync(path.join(screenshots, `firefox-${name}.png`), await ff.screenshot());
}

const spans = (ff) => ff.attr('[data-testid=trace-total-spans]', 'data-count');
const errors = (ff) => ff.run(() => [...(window.pageErrors ?? []), ...[...document.querySelectorAll('[data-testid=fatal-error]')].map((e) => e.textContent)]);

test('Firefox: a file read on the page opens its trace, and a span its detail', async () => {
  await inFirefox(async (ff) => {
    assert.equal(ff.capabilities.browserName, 'firefox');
    await drop(ff, [{ name: 'checkout.json', content: checkout }]);
    assert.equal(await spans(ff), '7');
    await ff.click('[data-testid=span-row]:nth-child(3)');
    assert.ok(await ff.attr('[data-testid=span-detail]', 'data-span-id'), 'the span detail opened');
    await shot(ff, 'trace-page');
    assert.deepEqual(await errors(ff), []);
  });
});

test('Firefox: a file read in a worker, and a gzip file, open in the list', async () => {
  await inFirefox(async (ff) => {
    // Over 2 MB: read in a loading worker, which imports the readers' glue.
    await drop(ff, [{ name: 'day.json', content: manyTraces(2000) }]);
    await ff.until(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '2000', [], { timeout: 90_000, what: '2000 traces' });
    await drop(ff, [{ name: 'checkout.json.gz', base64: zlib.gzipSync(checkout).toString('base64') }]);
    await ff.until(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '2001', [], { what: 'the gzip file' });
    await ff.run(() => { location.hash = '#/'; return true; });
    await ff.until(() => document.querySelectorAll('[data-testid=trace-row]').length > 0, [], { what: 'the list' });
    await shot(ff, 'list');
    assert.deepEqual(await errors(ff), []);
  });
});

test('Firefox: a kept file opens again after a reload', async () => {
  await inFirefox(async (ff) => {
    await drop(ff, [{ name: 'checkout.json', content: checkout }]);
    assert.equal(await spans(ff), '7');
    // Written to the browser's storage: the button counts it once it is.
    await ff.until(() => document.querySelector('[data-testid=forget-files]')?.dataset.count === '1', [], { what: 'the file kept' });
    await ff.go(env.server.url);
    await ff.until(() => document.querySelector('[data-testid=trace-count]')?.dataset.count === '1', [], { what: 'the kept file, reopened' });
    assert.deepEqual(await errors(ff), []);
  });
});

test('Firefox: a file posted by another page opens once allowed', async () => {
  await inFirefox(async (ff) => {
    await ff.run((viewer, text) => {
      window.addEventListener('message', (e) => {
        if (e.data?.type === 'trace-viewer:ready') {
          e.source.postMessage({ type: 'trace-viewer:open', files: [{ name: 'posted.json', data: text }] }, '*');
        }
      });
      document.getElementById('open').onclick = () => { window.open(viewer); };
      return true;
    }, env.server.url, checkout);
    const [mine] = await ff.windows();
    await ff.click('#open');
    let popup;
    for (let i = 0; i < 100 && !popup; i++) {
      popup = (await ff.windows()).find((h) => h !== mine);
      if (!popup) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(popup, 'the viewer opened in a new window');
    await ff.window(popup);
    await ff.click('[data-testid=post-consent-allow]');
    assert.equal(await spans(ff), '7');
  }, `${openerSite.url}opener.html`, '#open');
});
