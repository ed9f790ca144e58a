// Browser benchmark of the largest files: does a file open at all, in how
// long, and what does the renderer hold at its peak? Meant for files of 1–2 GB
// (the target is that files up to 2 GB open), where a refusal or a
// loading worker out of memory is a result to report, not a failure.
// usage: node bench/huge.mjs FILE   prints one JSON object:
//   { file, bytes, opened, open_ms | message, peak_mb }
import fs from 'node:fs';
import path from 'node:path';
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
import { rendererPeakMb } from './memory.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/huge.mjs FILE');
  process.exit(2);
}

const out = { file: path.basename(file), bytes: fs.statSync(file).size };
const env = await start();
try {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(600_000);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  await page.waitForTimeout(1000);
  try {
    out.open_ms = Math.round(await timeOpen(page, file));
    out.opened = true;
  } catch (e) {
    // timeOpen throws the page's load error: the message the user reads.
    out.opened = false;
    out.message = String(e.message ?? e).split('\n')[0].replace(/^page\.evaluate: Error: /, '');
  }
} finally {
  out.peak_mb = rendererPeakMb();
  await env.close();
}
console.log(JSON.stringify(out));
