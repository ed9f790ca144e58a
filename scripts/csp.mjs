// Trunk post_build hook: finishes the Content-Security-Policy <meta> tag of
// the built index.html.
//
// index.html allows inline scripts only through a nonce placeholder, and
// Trunk.toml (`create_nonce`) puts the same placeholder on the inline start-up
// script Trunk writes. Then:
// - a static build (`trunk build`, e.g. for GitHub Pages) cannot have a fresh
//   nonce per response, and a nonce fixed at build time is no protection: the
//   placeholder is replaced by the SHA-256 hash of each inline script, and the
//   nonce attributes are removed;
// - a build that `trunk serve` serves (it injects its live-reload script) keeps
//   the placeholder: the dev server replaces it with a fresh nonce in every
//   response, in the scripts and in the policy alike.
// Fails the build when the policy or the placeholder is missing, so that a page
// that would refuse its own start-up script is never produced.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = '{{__TRUNK NONCE__}}';
const NONCE_SOURCE = `'nonce-${PLACEHOLDER}'`;
const NONCE_ATTR = ` nonce="${PLACEHOLDER}"`;
// Trunk's live-reload script holds this until the dev server fills it in.
const DEV_SERVER_MARK = '{{__TRUNK_ADDRESS__}}';

function fail(message) {
  console.error(`scripts/csp.mjs: ${message}`);
  process.exit(1);
}

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook');
const file = path.join(staging, 'index.html');
let html = fs.readFileSync(file, 'utf8');

const policy = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
if (!policy) fail(`no Content-Security-Policy <meta> tag in ${file}`);
if (!policy[1].includes(NONCE_SOURCE)) fail(`the policy has no ${NONCE_SOURCE} to fill in`);

if (html.includes(DEV_SERVER_MARK)) {
  console.log('scripts/csp.mjs: dev-server build: the nonce placeholder stays for trunk serve');
  process.exit(0);
}

html = html.split(NONCE_ATTR).join('');
const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(attrs)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
const filled = policy[0].replace(` ${NONCE_SOURCE}`, hashes.map((h) => ` ${h}`).join(''));
html = html.replace(policy[0], filled);
if (html.includes(PLACEHOLDER)) fail(`a nonce placeholder is left in ${file}`);
fs.writeFileSync(file, html);
console.log(`scripts/csp.mjs: ${hashes.length} inline script(s) allowed by hash`);
