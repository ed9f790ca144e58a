// The viewer's service worker: keeps the page's own files (the app shell,
// both wasm modules, the stylesheet and the examples) so the viewer opens
// without the network after one visit. scripts/offline.mjs writes it into
// each build with that build's file list and version.
//
// Only the files listed here are ever answered from the cache, and nothing
// else is put in it: a dropped file is never fetched, and an address a user
// opens (#url=, a backend) goes to the network untouched.
//
// A new build has a new version: the browser installs it at the next visit
// (it fetches this script anew), it takes over at once and drops the old
// cache, and the page shows a note; the page in front of the user keeps
// running what it loaded.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `trace-viewer-${VERSION}`;
const SCOPE = new URL('./', self.location).href;
const OWN = new Set(FILES.map((f) => new URL(f, SCOPE).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(new URL(f, SCOPE), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('trace-viewer-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  let key = url.origin + url.pathname;
  if (key === SCOPE) key = `${SCOPE}index.html`;
  if (!OWN.has(key)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(key)).then((hit) => hit || fetch(request)),
  );
});
