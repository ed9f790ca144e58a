// Screenshots every view of two builds and compares them pixel by pixel: the
// check that a reshaping change left what the page shows alone.
//
//   node e2e/visual.mjs OLD_DIST NEW_DIST [OUT_DIR]
//
// Both builds are driven through the same steps (the landing page, the trace
// list and its RED view, Compare, the trace page's timeline, span detail,
// critical path, flame graph, statistics, service graph, key help, dark
// theme, clock skew, links and a file that cannot be read). Each view's two
// screenshots and, where they differ, an image of the differing pixels in red
// go to OUT_DIR (default /tmp/visual). Exits 1 if any view differs.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve, absoluteAsset, BASE } from './lib/server.mjs';
import { manyTraces, describe } from './lib/many.mjs';
import { fixtures } from './lib/viewer.mjs';
import { dropInPage } from './lib/drop.mjs';

const [oldDist, newDist, outDir = '/tmp/visual'] = process.argv.slice(2);
if (!oldDist || !newDist) {
  console.error('usage: node e2e/visual.mjs OLD_DIST NEW_DIST [OUT_DIR]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const fixture = (name) => ({ name, content: fs.readFileSync(path.join(fixtures, name), 'utf8') });
const day = { name: 'day.json', content: manyTraces(500) };
const [normal, slow] = [describe(0), describe(7)];

async function drop(page, files) {
  await page.evaluate(dropInPage, files);
}

/** Drops the checkout fixture and waits for its rows. */
async function openCheckout(page) {
  await drop(page, [fixture('jaeger-checkout.json')]);
  await page.waitForSelector('[data-testid=span-row]');
}

const settle = (page) => page.waitForTimeout(400);

/** The steps: each opens a view on a fresh page and names its screenshot. */
const STEPS = [
  async function landing(page) {
    return ['landing'];
  },
  async function list(page) {
    await drop(page, [day]);
    await page.waitForSelector('[data-testid=trace-row]');
    return ['trace-list'];
  },
  async function red(page) {
    await drop(page, [day]);
    await page.waitForSelector('[data-testid=trace-row]');
    await page.click('[data-testid=list-tab-red]');
    await page.waitForSelector('[data-testid=red-row]');
    return ['red'];
  },
  async function compare(page) {
    await drop(page, [day]);
    await page.waitForSelector('[data-testid=trace-row]');
    await page.evaluate(([a, b]) => { location.hash = `#/compare/${a}...${b}`; }, [normal.id, slow.id]);
    await page.waitForSelector('[data-testid=compare-view]');
    return ['compare'];
  },
  async function tracePage(page) {
    await openCheckout(page);
    return ['timeline'];
  },
  async function detail(page) {
    await openCheckout(page);
    await page.click('[data-testid=span-row] >> nth=2');
    await page.waitForSelector('[data-testid=span-detail]');
    return ['span-detail'];
  },
  async function critical(page) {
    await drop(page, [fixture('jaeger-checkout.json')]);
    await page.waitForSelector('[data-testid=critical-path]');
    await page.click('[data-testid=critical-path] summary');
    await page.waitForSelector('[data-testid=critical-item]');
    return ['critical-path'];
  },
  ...['flame', 'stats', 'graph'].map((view) => async (page) => {
    await openCheckout(page);
    await page.click(`[data-testid=view-tab-${view}]`);
    return [`view-${view}`];
  }),
  async function help(page) {
    await openCheckout(page);
    await page.click('[data-testid=help-button]');
    await page.waitForSelector('[data-testid=keyboard-help]');
    return ['key-help'];
  },
  async function dark(page) {
    await page.click('[data-testid=theme-toggle]');
    await openCheckout(page);
    await page.click('[data-testid=span-row] >> nth=1');
    return ['dark-detail'];
  },
  async function skew(page) {
    await drop(page, [fixture('jaeger-clock-skew.json')]);
    await page.waitForSelector('[data-testid=span-row]');
    return ['clock-skew'];
  },
  async function links(page) {
    await drop(page, [fixture('otlp-linked-traces.json')]);
    await page.waitForSelector('[data-testid=trace-row], [data-testid=span-row]');
    await settle(page);
    return ['linked-traces'];
  },
  async function badFile(page) {
    await drop(page, [{ name: 'broken.json', content: '{"data":[{"traceID":' }]);
    await page.waitForSelector('[data-testid=load-error]');
    return ['load-error'];
  },
];

async function shoot(browser, dist, tag) {
  // Under a sub-path, as GitHub Pages serves it; a build with absolute asset
  // URLs (one made before Trunk.toml set public_url = "./") at the root.
  const server = await serve(path.resolve(dist), {}, { base: absoluteAsset(dist) ? '/' : BASE });
  const shots = {};
  try {
    for (const step of STEPS) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
      await page.goto(server.url);
      await page.waitForSelector('[data-testid=drop-zone]');
      const [name] = await step(page);
      await settle(page);
      shots[name] = path.join(outDir, `${name}.${tag}.png`);
      await page.screenshot({ path: shots[name] });
      await page.close();
    }
  } finally {
    await server.close();
  }
  return shots;
}

/** Differing pixels of two PNGs (and an image of them), compared in the browser. */
async function diff(browser, a, b, out) {
  const page = await browser.newPage();
  const url = (f) => `data:image/png;base64,${fs.readFileSync(f).toString('base64')}`;
  const result = await page.evaluate(async ([ua, ub]) => {
    const load = (u) => new Promise((res) => { const i = new Image(); i.onload = () => res(i); i.src = u; });
    const [ia, ib] = await Promise.all([load(ua), load(ub)]);
    if (ia.width !== ib.width || ia.height !== ib.height) return { sizes: [ia.width, ia.height, ib.width, ib.height] };
    const data = (img) => {
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const x = c.getContext('2d');
      x.drawImage(img, 0, 0);
      return x.getImageData(0, 0, c.width, c.height);
    };
    const [da, db] = [data(ia), data(ib)];
    const c = document.createElement('canvas');
    c.width = ia.width; c.height = ia.height;
    const x = c.getContext('2d');
    x.globalAlpha = 0.25;
    x.drawImage(ia, 0, 0);
    x.globalAlpha = 1;
    x.fillStyle = 'red';
    let n = 0;
    for (let i = 0; i < da.data.length; i += 4) {
      if (da.data[i] !== db.data[i] || da.data[i + 1] !== db.data[i + 1] || da.data[i + 2] !== db.data[i + 2]) {
        n++;
        const p = i / 4;
        x.fillRect(p % ia.width, Math.floor(p / ia.width), 1, 1);
      }
    }
    return { n, png: n ? c.toDataURL('image/png') : null };
  }, [url(a), url(b)]);
  await page.close();
  if (result.png) fs.writeFileSync(out, Buffer.from(result.png.split(',')[1], 'base64'));
  return result;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--force-color-profile=srgb', '--font-render-hinting=none'],
});
let differing = 0;
try {
  const before = await shoot(browser, oldDist, 'old');
  const after = await shoot(browser, newDist, 'new');
  for (const name of Object.keys(before)) {
    if (!after[name]) {
      console.log(`${name}: missing in the new build`);
      differing++;
      continue;
    }
    const r = await diff(browser, before[name], after[name], path.join(outDir, `${name}.diff.png`));
    if (r.sizes) {
      console.log(`${name}: sizes differ ${r.sizes.join(' ')}`);
      differing++;
    } else {
      console.log(`${name}: ${r.n === 0 ? 'same' : `${r.n} pixels differ (${name}.diff.png)`}`);
      if (r.n) differing++;
    }
  }
} finally {
  await browser.close();
}
process.exit(differing ? 1 : 0);
