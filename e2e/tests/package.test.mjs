// scripts/package.sh packs the build as trace-viewer-<version>.tar.gz; the
// unpacked folder, served by a plain static server (Python's http.server, as
// the README says), opens an example.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { projectRoot } from '../lib/viewer.mjs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
let server;
let browser;
after(async () => {
  await browser?.close();
  server?.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Serves `dir` with `python3 -m http.server` on a free port; its address. */
function pythonServe(dir) {
  server = spawn('python3', ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let said = '';
    server.stdout.on('data', (d) => {
      said += d;
      const port = said.match(/port (\d+)/);
      if (port) resolve(`http://127.0.0.1:${port[1]}/`);
    });
    server.on('exit', (code) => reject(new Error(`http.server ended (${code}): ${said}`)));
  });
}

test('the packed site, unpacked and served by python3 -m http.server, opens an example', async () => {
  // The test command built dist/ already: pack that build.
  const out = execFileSync('bash', ['scripts/package.sh', work], {
    cwd: projectRoot, encoding: 'utf8', env: { ...process.env, PACKAGE_SKIP_BUILD: '1' },
  }).trim().split('\n').pop();
  const version = fs.readFileSync(path.join(projectRoot, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  assert.equal(out, path.join(work, `trace-viewer-${version}.tar.gz`));
  execFileSync('tar', ['-xzf', out, '-C', work]);
  const site = path.join(work, `trace-viewer-${version}`);
  for (const f of ['index.html', 'examples/checkout-jaeger.json']) assert.ok(fs.existsSync(path.join(site, f)), f);
  const url = await pythonServe(site);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}#url=examples/checkout-jaeger.json`);
  await page.waitForSelector('[data-testid=span-row]');
  assert.equal(await page.getAttribute('[data-testid=trace-total-spans]', 'data-count'), '7');
  assert.deepEqual(errors, []);
});
