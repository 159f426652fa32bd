/* The service worker: the app shell from the cache, pages from the network with the copy
   kept for when there is no signal, and an offline page otherwise.
   The server puts the release into CACHE_NAME, so each release starts a fresh cache. */
importScripts("/static/js/queue.js");

const CACHE_NAME = "movement-__RELEASE__";
const PAGES = "movement-pages";
const SHELL = [
  "/offline",
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/js/queue.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE_NAME && n !== PAGES).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  // Signing out: forget the pages kept on this phone.
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES));
});

// Background Sync, where the browser has it: send what waits even with the app closed.
self.addEventListener("sync", (event) => {
  if (event.tag === "send-activities") event.waitUntil(self.movementQueue.send());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

async function pageFromNetwork(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(PAGES).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    return (await caches.match(request, { ignoreSearch: false })) || caches.match("/offline");
  }
}
