// Where the time of one open goes: Chrome's sampling CPU profiler runs from
// the file pick until the trace header and rows are painted, and the
// functions with the most self time are printed (the browser's own work shows
// as "(program)", waiting as "(idle)").
// usage: node bench/profile.mjs FILE [ms to wait after the page loads, 3000]
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';
import { profiled, printSelfTimes } from './cpu.mjs';
const env = await start();
const file = process.argv[2];
const wait = Number(process.argv[3] ?? 3000);
const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(env.server.url);
await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
await page.waitForTimeout(wait);
const { result: ms, profile } = await profiled(context, page, () => timeOpen(page, file));
console.log('open ms', ms.toFixed(1));
printSelfTimes(profile);
await env.close();
