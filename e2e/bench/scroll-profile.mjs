// Where the time of scrolling goes: opens FILE, waits WAIT_MS (default
// 2000), then records Chrome's sampling CPU profile over 80 scroll steps of
// the timeline (240 px each, one per frame) and prints the median work per
// step (the step, the page's reactive updates, style and layout) and the
// functions with the most self time ("(program)" is the browser's own work).
// KEEP=off opens with keeping files for the next visit turned off.
// ACTION=zoom profiles zoom steps ([ and ], 12 in then 12 out) instead.
// usage: [KEEP=off] [ACTION=zoom] node bench/scroll-profile.mjs FILE [WAIT_MS]
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
import { profiled, printSelfTimes } from './cpu.mjs';
const env = await start();
const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(120000);
await page.goto(env.server.url);
if (process.env.KEEP === 'off') {
  await page.evaluate(() => localStorage.setItem('trace-viewer-keep', 'off'));
  await page.reload();
}
await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
await page.waitForTimeout(1000);
await timeOpen(page, process.argv[2]);
await page.waitForTimeout(Number(process.argv[3] ?? 2000));
const action = process.env.ACTION ?? 'scroll';
const { result: work, profile } = await profiled(context, page, () => page.evaluate(async (action) => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
  const v = document.querySelector('.rows-viewport');
  const out = [];
  // Zoom: 12 steps in, 12 out, as scale.mjs does.
  const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  const step = action === 'zoom' ? (i) => key(i % 24 < 12 ? '[' : ']') : () => { v.scrollTop += 240; };
  for (let i = 0; i < 80; i++) { await frame(); const t0 = performance.now(); step(i); await settle(); void document.body.offsetHeight; out.push(performance.now() - t0); }
  out.sort((a, b) => a - b); return out[40];
}, action));
console.log(`${action} work median`, work.toFixed(1));
printSelfTimes(profile);
await env.close();
