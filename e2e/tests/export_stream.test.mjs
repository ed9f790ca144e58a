// A large export streams: the trace page writes the file in parts into a
// Blob, so the page keeps painting frames while it writes, shows how far it
// has got, and the file it hands over holds every span.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, Viewer } from '../lib/viewer.mjs';
import { shapeFile } from '../lib/shapes.mjs';

const SPANS = 200_000;

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

test(`${SPANS} spans export as OTLP while the page paints, with progress, and every span is in the file`, async () => {
  const v = await Viewer.open(env);
  await v.pick([shapeFile('default', SPANS)]);
  const header = await v.header();
  assert.equal(header.spans, SPANS);
  // Count animation frames from the click until the download arrives, and
  // whether the progress bar showed meanwhile.
  await v.page.evaluate(() => {
    window.__frames = 0;
    window.__progressSeen = false;
    const tick = () => {
      window.__frames += 1;
      if (document.querySelector('[data-testid=export-progress]')) window.__progressSeen = true;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const [dl] = await Promise.all([v.page.waitForEvent('download', { timeout: 120_000 }), v.page.click('[data-testid=export-otlp]')]);
  const path = await dl.path();
  const { frames, progressSeen } = await v.page.evaluate(() => {
    window.__stopFrames = true;
    return { frames: window.__frames, progressSeen: window.__progressSeen };
  });
  assert.ok(progressSeen, 'the progress bar showed while the file was written');
  assert.ok(frames >= 5, `the page painted while it wrote the file (${frames} frames)`);
  const text = fs.readFileSync(path, 'utf8');
  const doc = JSON.parse(text);
  let spans = 0;
  for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  assert.equal(spans, SPANS, 'every span is in the file');
  await v.page.waitForSelector('[data-testid=export-progress]', { state: 'detached' });
  assert.deepEqual(v.pageErrors, []);
  await v.page.close();
});
