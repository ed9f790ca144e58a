// Browser benchmark of moving about one large trace, in headless Chromium
// against the release build:
//   - a Ctrl + wheel zoom step over the timeline (about the pointer), and a
//     middle-button drag-pan step: for each, the work it caused (script,
//     style, layout) and the interval between frames;
//   - turning "Group repeats" on and off: click -> rows updated and painted.
// usage: node bench/navigation.mjs FILE   prints one JSON object
import path from 'node:path';
import { start } from '../lib/viewer.mjs';
import { timeOpen } from './open.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/navigation.mjs FILE');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const env = await start();
let result;
try {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(120_000);
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=drop-zone]');
  const open = await timeOpen(page, file);
  result = await page.evaluate(async () => {
    const q = (sel) => document.querySelector(sel);
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
    const script = async (n, action) => {
      const work = [];
      const interval = [];
      let last = await frame();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        action(i);
        await settle();
        q('[data-testid=timeline]')?.getBoundingClientRect();
        void document.body.offsetHeight;
        work.push(performance.now() - t0);
        const now = await frame();
        interval.push(now - last);
        last = now;
      }
      return { work, interval };
    };
    const out = { spans: Number(q('[data-testid=trace-total-spans]').dataset.count) };
    const viewport = q('.rows-viewport');
    const ruler = q('[data-testid=time-ruler]').getBoundingClientRect();
    const x = ruler.left + ruler.width * 0.37;
    const y = viewport.getBoundingClientRect().top + 100;
    // 12 wheel notches in, 12 out, about the pointer.
    out.wheel = await script(24, (i) => viewport.dispatchEvent(new WheelEvent('wheel', {
      deltaY: i < 12 ? -100 : 100, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true,
    })));
    // Zoomed in 8×, then a middle-button drag in 24 steps of 20 px.
    for (let i = 0; i < 3; i++) document.dispatchEvent(new KeyboardEvent('keydown', { key: 'w', bubbles: true }));
    await frame();
    const pointer = (type, cx, button) => viewport.dispatchEvent(new PointerEvent(type, {
      pointerId: 7, button, buttons: 4, clientX: cx, clientY: y, bubbles: true, cancelable: true,
    }));
    pointer('pointerdown', x, 1);
    out.drag = await script(24, (i) => pointer('pointermove', x + 20 * (i + 1), -1));
    pointer('pointerup', x + 500, 1);
    // Grouping on and off, five times each.
    const rows = () => q('[data-testid=row-count]').dataset.count;
    const toggle = q('[data-testid=group-siblings]');
    out.group = [];
    out.rows = { ungrouped: Number(rows()) };
    for (let i = 0; i < 10; i++) {
      await frame();
      const before = rows();
      const t0 = performance.now();
      toggle.click();
      for (let n = 0; rows() === before && n < 120; n++) await frame();
      if (rows() === before) break; // nothing to group in this trace
      await frame();
      out.group.push(performance.now() - t0);
      if (i === 0) out.rows.grouped = Number(rows());
    }
    return out;
  });
  result.open_ms = Math.round(open);
} finally {
  await env.close();
}
const frames = (s) => ({
  work_median_ms: +median(s.work).toFixed(1),
  work_p95_ms: +pct(s.work, 0.95).toFixed(1),
  interval_median_ms: +median(s.interval).toFixed(1),
});
console.log(JSON.stringify({
  file: path.basename(file),
  spans: result.spans,
  open_ms: result.open_ms,
  wheel: frames(result.wheel),
  drag: frames(result.drag),
  group_toggle_median_ms: result.group.length ? Math.round(median(result.group)) : null,
  group_toggle_max_ms: result.group.length ? Math.round(Math.max(...result.group)) : null,
  rows: result.rows,
}));
