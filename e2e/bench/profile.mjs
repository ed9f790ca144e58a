// Where the time of one open goes: Chrome's sampling CPU profiler runs from
// the file pick until the trace header and rows are painted, and the
// functions with the most self time are printed (the browser's own work shows
// as "(program)", waiting as "(idle)").
// usage: node bench/profile.mjs FILE [ms to wait after the page loads, 3000]
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
const env = await start();
const file = process.argv[2];
const wait = Number(process.argv[3] ?? 3000);
const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(env.server.url);
await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
await page.waitForTimeout(wait);
const cdp = await context.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const ms = await timeOpen(page, file);
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
}
console.log('open ms', ms.toFixed(1));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(1).padStart(8), k);
await env.close();
