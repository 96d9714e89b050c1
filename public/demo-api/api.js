// pipebook's demo API: a small, deterministic events API that the app serves itself (through
// its service worker), so the tutorial's incremental and REST steps work offline. It behaves
// like a real JSON API: pagination by `page`/`per_page` with a `next` link, `since` filtering,
// chained resources (users → their events).
//
// The API has a simulated clock: `day=N` (default 1) says how many days of events have been
// published so far, 24 hourly events a day from 2024-01-01T00:00:00Z. A real API needs no
// `day`: "what exists now" is simply what it returns.
(function (root) {
  "use strict";
  const START = Date.UTC(2024, 0, 1);
  const HOUR = 3600 * 1000;
  const TYPES = ["page_view", "page_view", "click", "signup", "purchase"];
  const PATHS = ["/", "/pricing", "/docs", "/blog", "/signup"];
  const USERS = [
    { id: 1, name: "Alice", country: "NL" },
    { id: 2, name: "Bob", country: "DE" },
    { id: 3, name: "Chen", country: "SG" },
    { id: 4, name: "Dana", country: "US" },
    { id: 5, name: "Emeka", country: "NG" },
  ];
  const MAX_DAYS = 30;

  function event(i) {
    const type = TYPES[(i * 7) % TYPES.length];
    const e = {
      id: i + 1,
      timestamp: new Date(START + i * HOUR).toISOString().replace(".000Z", "Z"),
      type,
      user_id: USERS[(i * 3) % USERS.length].id,
      payload: { path: PATHS[(i * 11) % PATHS.length] },
    };
    if (type === "purchase") e.payload.amount = Math.round((((i * 37) % 200) + 9.99) * 100) / 100;
    return e;
  }

  function json(status, body) {
    return { status, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify(body) };
  }

  function intParam(params, name, dflt, min, max) {
    const raw = params.get(name);
    if (raw === null || raw === "") return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`\`${name}\` must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  }

  function page(url, items) {
    const params = url.searchParams;
    const perPage = intParam(params, "per_page", 10, 1, 100);
    const pageNo = intParam(params, "page", 1, 1, 100000);
    const data = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    let next = null;
    if (pageNo * perPage < items.length) {
      const n = new URL(url.pathname + url.search, "http://x");
      n.searchParams.set("page", String(pageNo + 1));
      next = n.pathname + n.search;
    }
    return json(200, { data, page: pageNo, per_page: perPage, total: items.length, next });
  }

  function publishedEvents(params) {
    const day = intParam(params, "day", 1, 1, MAX_DAYS);
    const all = [];
    for (let i = 0; i < day * 24; i++) all.push(event(i));
    const since = params.get("since");
    if (since === null || since === "") return all;
    const t = Date.parse(since);
    if (Number.isNaN(t)) throw new RangeError(`\`since\` must be an ISO date or timestamp, got ${JSON.stringify(since)}`);
    // Inclusive, as many APIs are: the client deduplicates the boundary.
    return all.filter((e) => Date.parse(e.timestamp) >= t);
  }

  /** Answers a request for a path under /demo-api/: { status, headers, body }. */
  function handle(input) {
    const url = new URL(input, "http://demo.invalid");
    const path = url.pathname.replace(/^\/demo-api/, "").replace(/\/+$/, "") || "/";
    try {
      if (path === "/") {
        return json(200, {
          name: "pipebook demo API",
          endpoints: ["/demo-api/events?since=&day=&page=&per_page=", "/demo-api/users", "/demo-api/users/{id}", "/demo-api/users/{id}/events?day="],
        });
      }
      if (path === "/events") return page(url, publishedEvents(url.searchParams));
      if (path === "/users") return page(url, USERS);
      const user = /^\/users\/(\d+)(\/events)?$/.exec(path);
      if (user) {
        const found = USERS.find((u) => u.id === Number(user[1]));
        if (!found) return json(404, { error: `no user ${user[1]}` });
        if (!user[2]) return json(200, found);
        return page(url, publishedEvents(url.searchParams).filter((e) => e.user_id === found.id));
      }
      return json(404, { error: `no endpoint ${path}`, see: "/demo-api/" });
    } catch (e) {
      return json(400, { error: String(e && e.message ? e.message : e) });
    }
  }

  root.pipebookDemoApi = { handle };
})(typeof self !== "undefined" ? self : globalThis);
