// The examples the build ships (dist/examples/, from examples/): "Try an
// example" on the landing page opens each, and so does each link of the
// README's table (view_model::examples), under the sub-path build. With
// DOCS_SCREENSHOTS=1 it also takes the README's pictures (docs/images/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, Viewer, projectRoot } from '../lib/viewer.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** What each example must show once open, by its hook. */
const OPENS = {
  jaeger: async (v) => {
    await v.page.waitForSelector('[data-testid=span-row]');
    assert.equal(await v.page.getAttribute('[data-testid=trace-total-spans]', 'data-count'), '7');
  },
  'otlp-logs': async (v) => {
    await v.page.waitForSelector('[data-testid=span-row]');
    assert.equal(await v.page.getAttribute('[data-testid=trace-total-spans]', 'data-count'), '80');
    // The logs arrive beside the trace: every record on its span.
    await v.page.waitForSelector('[data-testid=trace-logs][data-count="60"]');
  },
  many: async (v) => {
    await v.page.waitForSelector('[data-testid=trace-row]');
    assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-shown'), '200');
  },
};

test('Try an example opens each example from the landing page, with no prompt', async () => {
  const first = await Viewer.open(env);
  const ids = await first.page.$$eval('[data-testid=examples] a', (as) => as.map((a) => a.dataset.testid.replace('example-', '')));
  assert.deepEqual(ids.sort(), Object.keys(OPENS).sort());
  await first.screenshot('landing-examples');
  await first.page.close();
  for (const id of ids) {
    // A page of its own each (a kept file would reopen on the same one).
    const v = await Viewer.open(env);
    await v.page.click(`[data-testid=example-${id}]`);
    await OPENS[id](v);
    assert.equal(await v.page.$('[data-testid=link-consent]'), null, 'a file on the page\'s own origin is not asked about');
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  }
});

test('each of the README\'s example links opens its example under the sub-path', async () => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(http:\/\/127\.0\.0\.1:8080\/(#url=examples\/[^)\s]+)\)/g)].map((m) => m[1]);
  assert.equal(links.length, Object.keys(OPENS).length, `README links: ${links}`);
  for (const fragment of links) {
    const file = fragment.split('%20')[0].replace('#url=examples/', '');
    const id = { 'checkout-jaeger.json': 'jaeger', 'shop-otlp.json': 'otlp-logs', 'checkouts-200.json.gz': 'many' }[file];
    assert.ok(id, `an example the test knows: ${file}`);
    const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const v = new Viewer(page, env.server.url);
    await page.goto(env.server.url + fragment);
    await OPENS[id](v);
    if (id === 'otlp-logs') {
      await page.click('[data-testid=span-row] >> nth=3');
      await v.docShot('trace-page');
    }
    if (id === 'many') await v.docShot('trace-list');
    assert.deepEqual(v.pageErrors, []);
    await page.close();
  }
});
