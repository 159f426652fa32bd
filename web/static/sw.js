/* The service worker: the app's shell from the cache, pages from the network, and without
   signal a copy kept before, or the shell's stand-in: home, the log form and my activities
   (STAND_INS), the offline page for any other page. The whole shell is kept when the
   worker installs, so logging works without signal from the first visit on.

   It keeps only what may be kept: never an answer marked no-store or private (every
   signed-in page and API answer is no-store), a console page, /my-data, a sign-in page, the
   API or a download, whatever their headers say. The shell is fetched without cookies, so
   it is the same for everyone. A 401 from the API means the session is over: every cache
   but the shell is forgotten (queue.js; the pages do the same when the account changes).
   The server puts the release into SHELL_CACHE, so each release starts a fresh cache. */
importScripts("/static/js/queue.js");

const SHELL_CACHE = "movement-shell-__RELEASE__";
const PAGES = "movement-pages";
const SHELL = [
  "/offline",
  "/offline/home",
  "/offline/log",
  "/offline/activities",
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/js/forms.js",
  "/static/js/queue.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest",
];
// What a champion needs without signal, and the shell's copy that stands in for it.
const STAND_INS = { "/": "/offline/home", "/log": "/offline/log", "/activities": "/offline/activities" };
const NEVER = [/^\/console(\/|$)/, /^\/my-data(\/|$)/, /^\/api\//, /^\/sign-(in|out)(\/|$)/, /^\/dev\//];

function mayKeep(request, response) {
  if (!response.ok || response.redirected || response.type !== "basic") return false;
  const control = (response.headers.get("cache-control") || "").toLowerCase();
  if (/(^|,)\s*(no-store|private)\s*(,|=|$)/.test(control)) return false;
  if (/attachment/i.test(response.headers.get("content-disposition") || "")) return false;
  return !NEVER.some((rule) => rule.test(new URL(request.url).pathname));
}

async function keepShell() {
  const cache = await caches.open(SHELL_CACHE);
  for (const path of SHELL) {
    const request = new Request(path, { credentials: "omit", cache: "no-cache" });
    const response = await fetch(request);
    if (!mayKeep(request, response)) throw new Error(`${path} may not be kept`);
    await cache.put(path, response);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // Everything but this release's shell goes, the pages an older release kept included.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  // Signing out: forget the pages kept on this phone.
  if (event.data === "forget-pages") event.waitUntil(self.movementQueue.signedOut());
});

// Background Sync, where the browser has it: send what waits even with the app closed, as
// the account signed in last (the server refuses it for any other).
self.addEventListener("sync", (event) => {
  if (event.tag === "send-activities") event.waitUntil(self.movementQueue.send().then(tellPages));
});

// The open pages count what waits: tell them it changed, and what to say about it.
async function tellPages(messages) {
  for (const page of await self.clients.matchAll({ type: "window" })) {
    page.postMessage({ queue: messages });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) {
    event.respondWith(watch(request));
  } else if (request.method !== "GET" || url.pathname === "/sw.js") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// The API is never kept; a 401 from it says the session is over.
async function watch(request) {
  const response = await fetch(request);
  if (response.status === 401) await self.movementQueue.signedOut();
  return response;
}

async function pageFromNetwork(request) {
  try {
    const response = await fetch(request);
    if (mayKeep(request, response)) {
      const copy = response.clone();
      caches.open(PAGES).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const path = new URL(request.url).pathname;
    return (await caches.match(request)) || (await caches.match(STAND_INS[path] || "/offline"));
  }
}
