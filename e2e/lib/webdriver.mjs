// A small W3C WebDriver client (plain HTTP) for the second engine: Firefox
// through geckodriver, which Playwright cannot drive (it needs its own
// patched Firefox). Only what the smoke suite uses.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { dropInPage } from './drop.mjs';

/** A free local port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The W3C element reference key.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class Firefox {
  /**
   * Starts `driver` (geckodriver) and a headless `binary` (Firefox) session.
   * `prefs` are Firefox preferences for this session's fresh profile.
   */
  static async start({ driver, binary, prefs = {} }) {
    const port = await freePort();
    const proc = spawn(driver, ['--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    proc.stdout.on('data', (d) => { log += d; });
    proc.stderr.on('data', (d) => { log += d; });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/status`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 100 || proc.exitCode !== null) throw new Error(`geckodriver did not start: ${log}`);
      await sleep(100);
    }
    const ff = new Firefox(base, proc, () => log);
    const session = await ff.send('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          'moz:firefoxOptions': { binary, args: ['-headless', '-width', '1400', '-height', '900'], prefs },
        },
      },
    });
    ff.session = session.sessionId;
    ff.capabilities = session.capabilities;
    return ff;
  }

  constructor(base, proc, log) {
    this.base = base;
    this.proc = proc;
    this.log = log;
  }

  async send(method, path, body) {
    const url = this.session && path !== '/session' ? `${this.base}/session/${this.session}${path}` : `${this.base}${path}`;
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  async quit() {
    try {
      await this.send('DELETE', '');
    } finally {
      this.proc.kill();
    }
  }

  go(url) {
    return this.send('POST', '/url', { url });
  }

  /** Runs `fn` (a function) in the page with `args`; its return value. */
  run(fn, ...args) {
    return this.send('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments)`, args });
  }

  /** Polls `fn` in the page until it returns something truthy. */
  async until(fn, args = [], { timeout = 30_000, what = String(fn) } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const value = await this.run(fn, ...args).catch(() => undefined);
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  /** Waits for `css` to match, then clicks it (a real click: a user gesture). */
  async click(css) {
    await this.until((s) => !!document.querySelector(s), [css], { what: css });
    const el = await this.send('POST', '/element', { using: 'css selector', value: css });
    await this.send('POST', `/element/${el[ELEMENT]}/click`, {});
  }

  /** A hook's attribute (`data-…`), once the element is there. */
  attr(css, name) {
    return this.until((s, n) => document.querySelector(s)?.getAttribute(n), [css, name], { what: `${css} ${name}` });
  }

  windows() {
    return this.send('GET', '/window/handles');
  }

  window(handle) {
    return this.send('POST', '/window', { handle });
  }

  /** The page's screenshot as PNG bytes. */
  async screenshot() {
    return Buffer.from(await this.send('GET', '/screenshot'), 'base64');
  }
}

/** Drops files (`{name, content}` or `{name, base64}`) on the page's drop zone, as a user's drop does. */
export function drop(ff, files) {
  return ff.run(dropInPage, files);
}
