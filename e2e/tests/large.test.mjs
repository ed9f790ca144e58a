// A large file loads in a worker: the progress bar appears, the page keeps
// painting frames meanwhile, and Cancel stops it leaving what was loaded
// before exactly as it was.
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

const JAEGER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Drops a Jaeger file of `spans` spans built in the page (about 480 bytes a span). */
async function dropLarge(viewer, spans, name) {
  await viewer.page.evaluate(({ spans, name }) => {
    const trace = '00000000000000000000000000abcdef';
    const parts = [`{"data":[{"traceID":"${trace}","spans":[`];
    for (let i = 1; i <= spans; i++) {
      const id = i.toString(16).padStart(16, '0');
      const parent = Math.max(1, i >> 1).toString(16).padStart(16, '0');
      const refs = i > 1 ? `{"refType":"CHILD_OF","traceID":"${trace}","spanID":"${parent}"}` : '';
      parts.push(`${i > 1 ? ',' : ''}{"traceID":"${trace}","spanID":"${id}","operationName":"op ${i % 50}","references":[${refs}],"startTime":${1700000000000000 + i},"duration":${1000 + (i % 977)},"tags":[{"key":"http.method","type":"string","value":"GET"},{"key":"http.status_code","type":"int64","value":${200 + (i % 5)}},{"key":"user.id","type":"string","value":"user-${i % 9973}"},{"key":"cache.hit","type":"bool","value":${i % 2 === 0}}],"processID":"p${i % 4}"}`);
    }
    parts.push('],"processes":{"p0":{"serviceName":"a"},"p1":{"serviceName":"b"},"p2":{"serviceName":"c"},"p3":{"serviceName":"d"}}}]}');
    const dt = new DataTransfer();
    dt.items.add(new File(parts, name, { type: 'application/json' }));
    document.querySelector('[data-testid=drop-zone]').dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
  }, { spans, name });
}

test('a large file shows a progress bar, and Cancel keeps the traces loaded before', async () => {
  const v = await Viewer.open(env);
  await v.drop([fixtureFile('jaeger-checkout.json')]);
  await v.page.waitForFunction((id) => location.hash.startsWith(`#/trace/${id}`), JAEGER_TRACE);
  const before = await v.header();
  const hashBefore = await v.page.evaluate(() => location.hash);

  await dropLarge(v, 400_000, 'huge.json');
  const progress = await v.page.waitForSelector('[data-testid=load-progress]', { timeout: 10_000 });
  assert.equal(await progress.getAttribute('data-file'), 'huge.json');
  assert.ok(await v.page.$('[data-testid=load-progress] [data-testid=load-progress-bar]'), 'a progress bar');
  const text = await progress.textContent();
  assert.match(text, /huge\.json/);
  assert.match(text, /reading|parsing|building/);
  await v.screenshot('load-progress');

  // The page keeps painting while the worker parses: frames keep coming.
  const frames = await v.page.evaluate(async () => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 300) {
      await new Promise((r) => requestAnimationFrame(r));
      n++;
    }
    return n;
  });
  assert.ok(frames >= 6, `only ${frames} frames painted in 300 ms while loading`);
  assert.ok(await v.page.$('[data-testid=load-progress]'), 'still loading after 300 ms');

  await v.page.click('[data-testid=load-cancel]');
  await v.page.waitForSelector('[data-testid=load-progress]', { state: 'detached' });
  // Long enough for the file to have finished had it not been stopped.
  await v.page.waitForTimeout(2500);
  assert.equal(await v.page.evaluate(() => location.hash), hashBefore);
  assert.deepEqual(await v.header(), before);
  assert.equal(await v.page.getAttribute('[data-testid=trace-count]', 'data-count'), '1');
  assert.equal(await v.page.$('[data-testid=load-error]'), null, 'cancel is not an error');
  assert.equal(await v.page.$('[data-testid=load-progress]'), null);
  assert.deepEqual(v.pageErrors, []);
});

test('a file loaded in the worker opens with its progress gone', async () => {
  const v = await Viewer.open(env);
  await dropLarge(v, 60_000, 'medium.json');
  await v.page.waitForFunction(() => location.hash.startsWith('#/trace/00000000000000000000000000abcdef'), null, { timeout: 20_000 });
  const header = await v.header();
  assert.equal(header.spans, 60_000);
  assert.equal(header.services, 4);
  assert.equal(await v.page.$('[data-testid=load-progress]'), null);
  assert.deepEqual(v.pageErrors, []);
});
