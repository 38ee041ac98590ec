{% autoescape off %}// The map's service worker (tracker/offline.py): keeps the hashed static shell, the basemap and the map
// page itself for offline use, and nothing else. The API is never touched here: the browser's own HTTP cache
// keeps each answer no longer than its max-age, and offline an expired answer is simply not there.
const CACHE = "santa-shell-{{ version }}";
const SHELL = {{ shell }};
const PAGES = {{ pages }};
const SHELL_PATHS = new Set(SHELL);

self.addEventListener("install", (event) => {
  // Everything but the shell and the page goes straight to the network without waking this worker (the
  // Service Worker static routing API, where the browser has it): at a hop, the whole world asks `now`
  // in the same second, and a worker that must first start up would add hundreds of milliseconds.
  if (event.addRoutes) {
    event.addRoutes([
      { condition: { urlPattern: "/api/*" }, source: "network" },
      { condition: { urlPattern: "/admin/*" }, source: "network" },
      { condition: { urlPattern: "/letters/*" }, source: "network" },
    ]);
  }
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // A deploy names new files: the old shell goes.
      for (const name of await caches.keys()) {
        if (name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

async function fromShell(request) {
  return (await caches.match(request)) ?? fetch(request);
}

async function page(request, path) {
  // Network first: the page is fresh whenever there is a network, and the last copy when there is none.
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(path, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(path);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

// The page that registered the worker asks it to keep that page (its language's map) for offline use; the
// browser's HTTP cache has just loaded it, so this costs no download.
self.addEventListener("message", (event) => {
  const path = event.data?.keepPage;
  if (PAGES.includes(path)) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.add(path)));
  }
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (SHELL_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate" && PAGES.includes(url.pathname) && !url.search) {
    event.respondWith(page(request, url.pathname));
  }
});
{% endautoescape %}
