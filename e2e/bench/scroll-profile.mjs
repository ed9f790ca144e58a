// Where the time of scrolling goes: opens FILE, waits WAIT_MS (default
// 2000), then records Chrome's sampling CPU profile over 80 scroll steps of
// the timeline (240 px each, one per frame) and prints the median work per
// step (the step, the page's reactive updates, style and layout) and the
// functions with the most self time ("(program)" is the browser's own work).
// usage: node bench/scroll-profile.mjs FILE [WAIT_MS]
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
const env = await start();
const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(120000);
await page.goto(env.server.url);
await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
await page.waitForTimeout(1000);
await timeOpen(page, process.argv[2]);
await page.waitForTimeout(Number(process.argv[3] ?? 2000));
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const work = await page.evaluate(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
  const v = document.querySelector('.rows-viewport');
  const out = [];
  for (let i = 0; i < 80; i++) { await frame(); const t0 = performance.now(); v.scrollTop += 240; await settle(); void document.body.offsetHeight; out.push(performance.now() - t0); }
  out.sort((a, b) => a - b); return out[40];
});
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
}
console.log('scroll work median', work.toFixed(1));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(1).padStart(8), k);
await env.close();
