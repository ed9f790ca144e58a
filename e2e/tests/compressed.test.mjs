// Compressed files open as they are: gzip and deflate (zlib) files are told
// by their first bytes, whatever their name, and decompressed by the
// browser in the loading worker, whatever their size (never on the page). A
// compression the browser cannot undo says what to run; a broken gzip file
// says so and leaves what is open alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { start, Viewer, fixtureFile } from '../lib/viewer.mjs';
import { manyTraces } from '../lib/many.mjs';

let env;
let dir;

/** Writes `bytes` to a file named `name` and returns its path. */
const file = (name, bytes) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};

const CHECKOUT = fixtureFile('jaeger-checkout.json').content;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compressed-'));
  // Served as it is (application/octet-stream, no Content-Encoding).
  env = await start({ 'traces/checkout.json.gz': file('served.json.gz', zlib.gzipSync(CHECKOUT)) });
});
after(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});


async function headerOf(paths) {
  const v = await Viewer.open(env);
  await v.pick(paths);
  const header = await v.header();
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
  return header;
}

test('a gzip or deflate file opens with the same header as the plain file', async () => {
  const plain = await headerOf([file('checkout.json', CHECKOUT)]);
  assert.equal(plain.spans, 7);
  assert.deepEqual(await headerOf([file('checkout.json.gz', zlib.gzipSync(CHECKOUT))]), plain);
  // Told by its bytes, not its name.
  assert.deepEqual(await headerOf([file('checkout-gz.json', zlib.gzipSync(CHECKOUT))]), plain);
  assert.deepEqual(await headerOf([file('checkout.json.zz', zlib.deflateSync(CHECKOUT))]), plain);
});

test('a gzip file at an address (?url=, #url=) opens the same', async () => {
  const plain = await headerOf([file('checkout.json', CHECKOUT)]);
  for (const hash of ['?url=traces/checkout.json.gz', `#url=${encodeURIComponent('traces/checkout.json.gz')}`]) {
    const v = await Viewer.open(env, { hash });
    assert.deepEqual(await v.header(), plain, hash);
    assert.deepEqual(v.pageErrors, []);
    await v.page.close();
  }
});

test('a large gzip file is decompressed in the loading worker', async () => {
  // 12 MB of JSON stored uncompressed in gzip (level 0): larger than what the
  // page reads itself, so a worker decompresses it.
  const day = manyTraces(7500);
  const gz = zlib.gzipSync(day, { level: 0 });
  assert.ok(gz.length > 4 * 1024 * 1024);
  const v = await Viewer.open(env);
  await v.pick([file('day.json.gz', gz)]);
  await v.page.waitForFunction(() => Number(document.querySelector('[data-testid=trace-count]')?.dataset.count) === 7500);
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});

test('zstd says how to decompress it; a broken gzip file says it could not be decompressed; the open trace stays', async () => {
  const v = await Viewer.open(env);
  await v.pick([file('checkout.json', CHECKOUT)]);
  const header = await v.header();
  const broken = Buffer.concat([zlib.gzipSync(CHECKOUT).subarray(0, 40), Buffer.from('not the rest of it')]);
  await v.pick([
    file('trace.json.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x00, 0x00])),
    file('broken.json.gz', broken),
  ]);
  await v.page.waitForFunction(() => document.querySelectorAll('[data-testid=load-error]').length === 2);
  const errors = await v.page.$$eval('[data-testid=load-error]', (els) => els.map((e) => e.textContent));
  const byFile = Object.fromEntries(errors.map((e) => [e.split(':')[0], e]));
  assert.match(byFile['trace.json.zst'], /zstd-compressed; decompress it first \(zstd -d FILE\)/);
  assert.match(byFile['broken.json.gz'], /gzip-compressed, but it could not be decompressed/);
  assert.deepEqual(await v.header(), header);
  await v.screenshot('compressed-errors');
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
