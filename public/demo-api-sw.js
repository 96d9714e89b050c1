// The service worker behind /demo-api/: answers the demo API from public/demo-api/api.js and
// leaves every other request to the network. Registered by the page on load.
importScripts("/demo-api/api.js");

self.addEventListener("install", () => self.skipWaiting());
// Take control of the open page at once, so its first runtime worker can reach the API.
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/demo-api/") || url.pathname === "/demo-api/api.js") return;
  const r = self.pipebookDemoApi.handle(url.pathname + url.search);
  event.respondWith(new Response(r.body, { status: r.status, headers: r.headers }));
});
