// Page object for the viewer: launch, load files (real drop or picker), read hooks.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve, absoluteAsset } from './server.mjs';
import { dropInPage } from './drop.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');
// E2E_DIST points at another build (e.g. one per working copy); dist/ by default.
export const dist = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(projectRoot, 'dist');
export const fixtures = path.join(projectRoot, 'tests/fixtures');
/** The shared corpus of real trace files, beside the project (see tests/corpus.rs). */
export const corpus = path.resolve(projectRoot, '../shared/corpus/public');
export const screenshots = path.join(projectRoot, 'e2e/screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Starts the server (dist/ under a sub-path, as GitHub Pages serves it: see
 * server.mjs; `extra` files are keyed by their path under it) and a headless
 * Chromium; returns { server, browser, close }.
 */
export async function start(extra = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no build at ${dist}: run trunk build --release --public-url ./ first`);
  }
  const absolute = absoluteAsset(dist);
  if (absolute) {
    throw new Error(`${dist}/index.html loads ${absolute} from the server's root, which a page served under a sub-path `
      + '(as on GitHub Pages) cannot reach: build with trunk build --release --public-url ./');
  }
  const server = await serve(dist, extra);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export class Viewer {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.pageErrors = [];
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
  }

  static async open(env, { width = 1400, height = 900, colorScheme = 'light', hash = '', query = '' } = {}) {
    const page = await env.browser.newPage({ viewport: { width, height }, colorScheme });
    const viewer = new Viewer(page, env.server.url);
    await page.goto(env.server.url + query + hash);
    await page.waitForSelector('[data-testid=drop-zone]');
    return viewer;
  }

  /** Drops files on the drop zone with a real DragEvent carrying a DataTransfer. */
  async drop(files) {
    await this.page.evaluate(dropInPage, files.map((f) => ({ name: f.name, content: f.content })));
  }

  /** Picks files with the file input. */
  async pick(paths) {
    await this.page.setInputFiles('input[type=file][data-testid=file-input]', paths);
  }

  /** The trace list's rows present in the DOM, by start time. */
  async traceRows() {
    return this.page.$$eval('[data-testid=trace-row]', (rows) =>
      rows.map((r) => ({
        traceId: r.dataset.traceId,
        spanCount: Number(r.dataset.spanCount),
        serviceCount: Number(r.dataset.serviceCount),
        depth: Number(r.dataset.depth),
        durationUs: Number(r.dataset.durationUs),
        errorCount: Number(r.dataset.errorCount),
        startUs: Number(r.dataset.startUs),
        name: r.querySelector('[data-testid=trace-name]')?.textContent,
      })),
    ).then((rows) => rows.sort((a, b) => a.startUs - b.startUs || a.traceId.localeCompare(b.traceId)));
  }

  async header() {
    await this.page.waitForSelector('[data-testid=trace-header]');
    return this.page.evaluate(() => {
      const q = (id) => document.querySelector(`[data-testid=${id}]`);
      return {
        traceId: q('trace-header').dataset.traceId,
        startUs: Number(q('trace-start').dataset.startUs),
        durationUs: Number(q('trace-duration').dataset.durationUs),
        services: Number(q('trace-services').dataset.count),
        depth: Number(q('trace-depth').dataset.depth),
        spans: Number(q('trace-total-spans').dataset.count),
        errors: Number(q('trace-errors').dataset.count),
      };
    });
  }

  async spanRows() {
    return this.page.$$eval('[data-testid=span-row]', (rows) =>
      rows.map((r) => ({ spanId: r.dataset.spanId, depth: Number(r.dataset.depth), text: r.textContent })),
    );
  }

  /** Number of spans the find box matches (waits for the count to settle). */
  async findCount(query) {
    await this.page.fill('[data-testid=find-input]', query);
    await this.page.waitForTimeout(50);
    return Number(await this.page.getAttribute('[data-testid=find-count]', 'data-count'));
  }

  /** Span id of the selected row, if any. */
  async selectedSpan() {
    return this.page.evaluate(() => document.querySelector('.span-row.selected')?.dataset.spanId ?? null);
  }

  /** The time range the timeline shows, in µs since the trace start. */
  async timelineRange() {
    return this.page.evaluate(() => {
      const t = document.querySelector('[data-testid=timeline]');
      return [Number(t.dataset.viewStartUs), Number(t.dataset.viewEndUs)];
    });
  }

  async screenshot(name) {
    fs.mkdirSync(screenshots, { recursive: true });
    await this.page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  }

  /** A screenshot, and with DOCS_SCREENSHOTS=1 also the picture of that
   * name in docs/images/ (the README's and docs' pictures: see
   * docs/development.md, "Pictures"). */
  async docShot(name) {
    await this.screenshot(name);
    if (process.env.DOCS_SCREENSHOTS === '1') {
      const dir = path.join(projectRoot, 'docs/images');
      fs.mkdirSync(dir, { recursive: true });
      await this.page.screenshot({ path: path.join(dir, `${name}.png`) });
    }
  }
}

export function fixture(name) {
  return path.join(fixtures, name);
}

export function fixtureFile(name) {
  return { name, content: fs.readFileSync(fixture(name), 'utf8') };
}

/**
 * The path of a corpus file, or null after marking the test skipped when the
 * corpus is not on this machine. With TRACE_VIEWER_REQUIRE_CORPUS set (`.ci/run`
 * sets it) a missing corpus fails.
 */
export function corpusFile(t, name = '') {
  const file = path.join(corpus, name);
  if (fs.existsSync(file)) return file;
  if (process.env.TRACE_VIEWER_REQUIRE_CORPUS) throw new Error(`${file} is missing: with TRACE_VIEWER_REQUIRE_CORPUS set the corpus tests must run, not skip`);
  t.skip(`${file} is missing: the public corpus is not on this machine`);
  return null;
}
