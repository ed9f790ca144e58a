// scripts/setup.sh as scripts/serve.sh runs it (SETUP_FOR=build) installs no
// browser and calls neither apt nor sudo on a machine that has Rust and
// Node.js, even when no browser is there; as scripts/test.sh runs it, it
// reaches for the browser it lacks (so the check below can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A stand-in geckodriver in `bin` that says the pinned version. */
function geckodriver(bin) {
  const version = fs.readFileSync(path.join(ROOT, 'scripts/setup.sh'), 'utf8').match(/^GECKODRIVER_VERSION=(.+)$/m)[1];
  const file = path.join(bin, 'geckodriver');
  fs.writeFileSync(file, `#!/bin/sh\necho "geckodriver ${version}"\n`, { mode: 0o755 });
  return file;
}

/** Sources setup.sh with apt-get, apt and sudo replaced by stubs that log
 * their call (and do nothing else), and with no browser where it looks. */
function setup(mode) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'no-root-'));
  const log = path.join(bin, 'called.log');
  for (const name of ['apt-get', 'apt', 'sudo']) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n`, { mode: 0o755 });
  }
  const run = spawnSync('bash', ['-c', '. scripts/setup.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      SETUP_FOR: mode,
      CHROMIUM: path.join(bin, 'no-chromium'),
      CHROMEDRIVER: path.join(bin, 'no-chromedriver'),
      FIREFOX: path.join(bin, 'no-firefox'),
      // One that answers the version asked for: no build of it here.
      GECKODRIVER: geckodriver(bin),
    },
  });
  const called = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
  fs.rmSync(bin, { recursive: true, force: true });
  return { status: run.status, called, output: run.stdout + run.stderr };
}

test('the serve command\'s setup installs no browser and calls neither apt nor sudo', () => {
  const { status, called, output } = setup('build');
  assert.equal(called, '', `apt or sudo called:\n${called}`);
  assert.equal(status, 0, output);
  assert.doesNotMatch(output, /chromium|firefox/i);
});

test('the test command\'s setup goes for the missing browsers', () => {
  const { called } = setup('test');
  assert.match(called, /apt-get .*install.*chromium.*firefox-esr/);
});
