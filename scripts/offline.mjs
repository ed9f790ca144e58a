// Trunk post_build hook (after scripts/csp.mjs, which last changes
// index.html): writes sw.js, the service worker that keeps the page's own
// files for use without the network (scripts/sw.js, with this build's file
// list and a version that changes with any file's content).
//
// A build that `trunk serve` serves gets a service worker that removes
// itself instead: a development page must not be answered from a cache.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEV_SERVER_MARK = '{{__TRUNK_ADDRESS__}}';
const here = path.dirname(fileURLToPath(import.meta.url));
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('scripts/offline.mjs: TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook');
  process.exit(1);
}
const out = path.join(staging, 'sw.js');

if (fs.readFileSync(path.join(staging, 'index.html'), 'utf8').includes(DEV_SERVER_MARK)) {
  fs.writeFileSync(out, [
    '// Development build (trunk serve): no offline copy; an earlier one is removed.',
    "self.addEventListener('install', () => self.skipWaiting());",
    "self.addEventListener('activate', (event) => event.waitUntil(self.registration.unregister()));",
    '',
  ].join('\n'));
  console.log('scripts/offline.mjs: dev-server build: sw.js only unregisters itself');
  process.exit(0);
}

/** Every file of the build, relative, sorted (sw.js itself aside). */
function files(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix + e.name;
    if (e.isDirectory()) return files(path.join(dir, e.name), `${rel}/`);
    return rel === 'sw.js' ? [] : [rel];
  }).sort();
}

const list = files(staging);
const hash = createHash('sha256');
for (const f of list) hash.update(f).update('\0').update(fs.readFileSync(path.join(staging, f)));
const version = hash.digest('hex').slice(0, 16);
const template = fs.readFileSync(path.join(here, 'sw.js'), 'utf8');
if (!template.includes('__VERSION__') || !template.includes('__FILES__')) {
  console.error('scripts/offline.mjs: scripts/sw.js lacks __VERSION__ or __FILES__');
  process.exit(1);
}
fs.writeFileSync(out, template.replace('__VERSION__', version).replace('__FILES__', JSON.stringify(list)));
console.log(`scripts/offline.mjs: sw.js keeps ${list.length} files (version ${version})`);
