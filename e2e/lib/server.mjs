// A tiny static file server for the built page (dist/) on 127.0.0.1.
//
// It serves the build the way GitHub Pages does: under a sub-path
// (https://<user>.github.io/<repo>/), here BASE. Nothing is served outside it,
// so a page that asks for an asset by an absolute path (/x.js, as a build
// without `--public-url ./` does) gets a 404 and the tests fail loudly.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

/** The sub-path the page is served under, as GitHub Pages serves a project's site. */
export const BASE = '/trace-viewer/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
};

/**
 * The first asset that `root`/index.html loads by an absolute path (`/x.js`),
 * or null when every asset URL is relative (a `--public-url ./` build).
 */
export function absoluteAsset(root) {
  const html = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
  const found = /(?:\b(?:href|src)\s*=\s*["']|\bfrom\s*["'])(\/(?!\/)[^"']*)/i.exec(html);
  return found ? found[1] : null;
}

/**
 * Serves `root` under `base` on a free port; resolves to { url, origin, base, close },
 * `url` being the page's address (origin + base).
 * `extra` serves more files, keyed by their path under `base` with no leading
 * slash (`{ 'traces/a.json': file }` is at `${url}traces/a.json`, which a
 * `?url=traces/a.json` link reaches).
 */
export function serve(root, extra = {}, { base = BASE } = {}) {
  root = path.resolve(root);
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with "/": ${base}`);
  for (const key of Object.keys(extra)) {
    if (key.startsWith('/')) {
      throw new Error(`extra file "${key}": give its path under ${base} without a leading "/" (the page is served under ${base}, not at the root)`);
    }
  }
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (urlPath === base.slice(0, -1)) {
      // As GitHub Pages does: /<repo> → /<repo>/.
      res.writeHead(301, { location: base }).end();
      return;
    }
    if (!urlPath.startsWith(base)) {
      res.writeHead(404).end('not found (outside the served sub-path)');
      return;
    }
    const rel = urlPath.slice(base.length);
    const isExtra = Object.hasOwn(extra, rel);
    const file = isExtra ? extra[rel] : path.join(root, rel === '' ? 'index.html' : rel);
    if (!isExtra && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const origin = `http://127.0.0.1:${port}`;
      resolve({ url: `${origin}${base}`, origin, base, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
