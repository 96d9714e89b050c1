// The REST client against a real HTTP server: every paginator's requests and stop rule,
// auto-detection, retries with backoff, Retry-After, timeout, auth and redaction.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ConnectionError,
  HTTPError,
  JSONDecodeError,
  PageNumberPaginator,
  RESTClient,
  RequestTimeout,
  type PaginateOptions,
} from "../../src/dlt/sources/helpers/rest_client/index.ts";
import { findValues } from "../../src/dlt/sources/helpers/rest_client/jsonpath.ts";
import { parseLinkHeader } from "../../src/dlt/sources/helpers/rest_client/response.ts";
import { parseRetryAfter } from "../../src/dlt/sources/helpers/rest_client/retry.ts";
import { sequence, startServer, type TestServer } from "./support/http_server.ts";

const FAST = { max_attempts: 5, backoff_factor: 0.01, max_retry_delay: 1 };
const items = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i }));
const int = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));

let server: TestServer;
let warn: { mock: { calls: unknown[][] }; mockRestore(): void };

beforeAll(async () => {
  server = await startServer({
    // 5 pages of 2 records; `next` is an absolute URL, page 1 has no page param
    "/json_link": (r) => {
      const page = int(r.query.page, 1);
      return { json: { data: items(page * 2 - 1, page * 2), next: page < 5 ? `${server.url}/json_link?page=${page + 1}&size=2` : null } };
    },
    // relative next links nested under `links`
    "/json_link_rel": (r) => {
      const page = int(r.query.page, 1);
      return { json: { links: { next: page < 3 ? `/json_link_rel?page=${page + 1}` : null }, results: items(page, page) } };
    },
    "/header_link": (r) => {
      const page = int(r.query.page, 1);
      const headers: Record<string, string> = {};
      if (page < 3) headers.link = `<${server.url}/header_link?page=${page + 1}>; rel="next", <${server.url}/header_link?page=3>; rel="last"`;
      return { headers, json: items(page * 10, page * 10 + 1) };
    },
    // 7 items, total in the body
    "/offset": (r) => {
      const offset = int(r.query.offset, 0);
      const limit = int(r.query.limit, 100);
      const all = items(1, 7);
      return { json: { items: all.slice(offset, offset + limit), total: all.length } };
    },
    // 1-based pages, total pages in the body
    "/pages": (r) => {
      const page = int(r.query.page, 1);
      const all = items(1, 5);
      return { json: { results: all.slice((page - 1) * 2, page * 2), page, total_pages: 3 } };
    },
    // same API but the body does not say which page it is
    "/pages_quiet": (r) => {
      const page = int(r.query.page, 1);
      return { json: { results: items(1, 5).slice((page - 1) * 2, page * 2), total_pages: 3 } };
    },
    // 0-based pages that say so
    "/pages0": (r) => {
      const page = int(r.query.page, 0);
      return { json: { results: items(1, 5).slice(page * 2, page * 2 + 2), page, total_pages: 3 } };
    },
    // pages until an empty one, no total
    "/pages_open": (r) => {
      const page = int(r.query.page, 1);
      return { json: page <= 3 ? items(page, page) : [] };
    },
    "/has_more": (r) => {
      const page = int(r.query.page, 0);
      return { json: { data: items(page, page), has_more: page < 2 } };
    },
    "/cursor": (r) => {
      const c = r.query.cursor ?? "a";
      const next: Record<string, string | null> = { a: "b", b: "c", c: null };
      return { json: { entries: [{ id: c }], cursors: { next: next[c] } } };
    },
    "POST /cursor_body": (r) => {
      const body = JSON.parse(r.body || "{}");
      const c = body.page?.cursor ?? "a";
      const next: Record<string, string | null> = { a: "b", b: null };
      return { json: { entries: [{ id: c, q: body.q }], next_cursor: next[c] } };
    },
    "/header_cursor": (r) => {
      const c = r.query.cursor ?? "1";
      const headers: Record<string, string> = c === "3" ? {} : { "x-next": String(Number(c) + 1) };
      return { headers, json: [{ id: Number(c) }] };
    },
    "/next_cursor": (r) => {
      const c = r.query.cursor ?? "0";
      return { json: { data: [{ id: Number(c) }], next: c === "2" ? null : `tok${Number(c) + 1}`.replace("tok", "") } };
    },
    "/single": { json: { id: 1, name: "one" } },
    "/list": { json: [{ id: 1 }, { id: 2 }] },
    "/odata": (r) => {
      const page = int(r.query.p, 1);
      return { json: { value: items(page, page), "@odata.nextLink": page < 2 ? `${server.url}/odata?p=${page + 1}` : undefined } };
    },
    "/ignores_page_param": { json: { results: items(1, 2), total_pages: 3 } },
    "/bad_json": { body: "{not json", headers: { "content-type": "application/json" } },
  });
});

afterAll(() => server.close());

afterEach(() => {
  server.requests.length = 0;
  warn?.mockRestore();
});

function quietWarn() {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  return warn;
}

async function collect(client: RESTClient, path: string, options: PaginateOptions = {}) {
  const pages: unknown[][] = [];
  for await (const page of client.paginate(path, options)) pages.push([...page]);
  return pages;
}

const ids = (pages: unknown[][]) => pages.flat().map((r) => (r as { id: unknown }).id);

describe("jsonpath subset", () => {
  it("selects dotted, quoted, indexed, wildcard and recursive paths", () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, "@odata.nextLink": "x", list: [1, 2] };
    expect(findValues("a.b[*].c", doc)).toEqual([1, 2]);
    expect(findValues("$.a.b[1].c", doc)).toEqual([2]);
    expect(findValues("['@odata.nextLink']", doc)).toEqual(["x"]);
    expect(findValues("$..c", doc)).toEqual([1, 2]);
    expect(findValues("$", doc)).toEqual([doc]);
    expect(findValues("missing.path", doc)).toEqual([]);
    expect(findValues("list[-1]", doc)).toEqual([2]);
  });

  it("parses Link headers and Retry-After", () => {
    const links = parseLinkHeader('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"');
    expect(links.next.url).toBe("https://a/x?page=2");
    expect(links.last.url).toBe("https://a/x?page=9");
    expect(parseRetryAfter("3")).toBe(3);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:02 GMT", now)).toBe(2);
  });
});

describe("paginators", () => {
  it("json_link follows absolute next URLs without re-appending the first request's params", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "json_link", { params: { size: 2 }, paginator: { type: "json_link", next_url_path: "next" } });
    expect(ids(pages)).toEqual(items(1, 10).map((i) => i.id));
    expect(server.log()).toEqual([
      "/json_link?size=2",
      "/json_link?page=2&size=2",
      "/json_link?page=3&size=2",
      "/json_link?page=4&size=2",
      "/json_link?page=5&size=2",
    ]);
  });

  it("json_link resolves relative next URLs", async () => {
    const client = new RESTClient({ base_url: server.url + "/" });
    const pages = await collect(client, "/json_link_rel", { paginator: { type: "json_link", next_url_path: "links.next" } });
    expect(ids(pages)).toEqual([1, 2, 3]);
    expect(server.log()).toEqual(["/json_link_rel", "/json_link_rel?page=2", "/json_link_rel?page=3"]);
  });

  it("header_link follows the Link header's rel=next", async () => {
    const client = new RESTClient({ base_url: server.url, paginator: "header_link" });
    const pages = await collect(client, "header_link", { params: { per_page: 2 } });
    expect(ids(pages)).toEqual([10, 11, 20, 21, 30, 31]);
    expect(server.log()).toEqual(["/header_link?per_page=2", "/header_link?page=2", "/header_link?page=3"]);
  });

  it("offset sends offset and limit and stops when offset reaches total", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "offset", { paginator: { type: "offset", limit: 3 } });
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.log()).toEqual(["/offset?offset=0&limit=3", "/offset?offset=3&limit=3", "/offset?offset=6&limit=3"]);
  });

  it("offset honours maximum_offset and custom parameter names", async () => {
    const client = new RESTClient({ base_url: server.url });
    await collect(client, "offset", {
      paginator: { type: "offset", limit: 2, maximum_offset: 4, total_path: null, offset_param: "offset", limit_param: "limit" },
    });
    expect(server.log()).toEqual(["/offset?offset=0&limit=2", "/offset?offset=2&limit=2"]);
  });

  it("page_number with base_page 1 and total pages fetches every page once", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "pages", { paginator: { type: "page_number", base_page: 1, total_path: "total_pages" } });
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5]);
    expect(server.log()).toEqual(["/pages?page=1", "/pages?page=2", "/pages?page=3"]);
  });

  it("page_number without total stops at the first empty page", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "pages_open", { paginator: new PageNumberPaginator({ base_page: 1, total_path: null }) });
    expect(ids(pages)).toEqual([1, 2, 3]);
    expect(server.log()).toEqual(["/pages_open?page=1", "/pages_open?page=2", "/pages_open?page=3", "/pages_open?page=4"]);
  });

  it("page_number stops when has_more_path is false", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "has_more", { paginator: { type: "page_number", total_path: null, has_more_path: "has_more" } });
    expect(ids(pages)).toEqual([0, 1, 2]);
  });

  it("page_number fails clearly when the total is missing", async () => {
    const client = new RESTClient({ base_url: server.url });
    await expect(collect(client, "pages_open", { paginator: { type: "page_number" } })).rejects.toThrow(/Total `pages` not found.*`total`/);
  });

  it("cursor reads cursors.next and sends it as cursor", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "cursor", { paginator: "cursor" });
    expect(ids(pages)).toEqual(["a", "b", "c"]);
    expect(server.log()).toEqual(["/cursor", "/cursor?cursor=b", "/cursor?cursor=c"]);
  });

  it("cursor can place the cursor into a JSON body", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "cursor_body", {
      method: "POST",
      json: { q: "x" },
      paginator: { type: "cursor", cursor_path: "next_cursor", cursor_body_path: "page.cursor" },
    });
    expect(pages.flat()).toEqual([{ id: "a", q: "x" }, { id: "b", q: "x" }]);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([{ q: "x" }, { q: "x", page: { cursor: "b" } }]);
  });

  it("header_cursor reads a header and sends it back", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "header_cursor", { paginator: { type: "header_cursor", cursor_key: "x-next", cursor_param: "cursor" } });
    expect(ids(pages)).toEqual([1, 2, 3]);
    expect(server.log()).toEqual(["/header_cursor", "/header_cursor?cursor=2", "/header_cursor?cursor=3"]);
  });

  it("single_page makes one request", async () => {
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "json_link", { paginator: "single_page" });
    expect(ids(pages)).toEqual([1, 2]);
    expect(server.requests).toHaveLength(1);
  });

  it("each paginate() call starts its own page count from a shared template", async () => {
    const client = new RESTClient({ base_url: server.url, paginator: { type: "offset", limit: 5 } });
    expect(ids(await collect(client, "offset"))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ids(await collect(client, "offset"))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("auto-detection", () => {
  it("json_link from a `next` URL in the body, data from `data`", async () => {
    const w = quietWarn();
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "json_link");
    expect(ids(pages)).toEqual(items(1, 10).map((i) => i.id));
    expect(server.requests).toHaveLength(5);
    expect(w).not.toHaveBeenCalled();
  });

  it("header_link from a Link header", async () => {
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "header_link"))).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it("a next link under another name holding a URL (@odata.nextLink)", async () => {
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "odata"))).toEqual([1, 2]);
    expect(server.log()).toEqual(["/odata", "/odata?p=2"]);
  });

  it("page_number with total_pages: the page-less first request is page 1; no page twice, none lost", async () => {
    const w = quietWarn();
    const client = new RESTClient({ base_url: server.url });
    const pages = await collect(client, "pages");
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5]);
    expect(server.log()).toEqual(["/pages", "/pages?page=2", "/pages?page=3"]);
    // unsure detection says what it chose and how to set it
    expect(w).toHaveBeenCalledTimes(1);
    const msg = String(w.mock.calls[0][0]);
    expect(msg).toContain("page_number");
    expect(msg).toContain('paginator: { type: "page_number", base_page: 1, page_param: "page", total_path: "total_pages" }');
  });

  it("page_number when the body does not report the page defaults to 1-based", async () => {
    quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "pages_quiet"))).toEqual([1, 2, 3, 4, 5]);
    expect(server.log()).toEqual(["/pages_quiet", "/pages_quiet?page=2", "/pages_quiet?page=3"]);
  });

  it("page_number on an API that reports page 0 continues 0-based", async () => {
    quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "pages0"))).toEqual([1, 2, 3, 4, 5]);
    expect(server.log()).toEqual(["/pages0", "/pages0?page=1", "/pages0?page=2"]);
  });

  it("page_number when the first request already carries the page param", async () => {
    quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "pages", { params: { page: 1 } }))).toEqual([1, 2, 3, 4, 5]);
    expect(server.log()).toEqual(["/pages?page=1", "/pages?page=2", "/pages?page=3"]);
  });

  it("a guessed paginator the API ignores stops instead of loading the same page again", async () => {
    const w = quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "ignores_page_param"))).toEqual([1, 2]);
    expect(server.requests).toHaveLength(2);
    expect(w.mock.calls.map((c) => String(c[0])).join("\n")).toContain("same records as the previous page");
  });

  it("cursor from a non-URL `next`, with a warning", async () => {
    const w = quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(ids(await collect(client, "next_cursor"))).toEqual([0, 1, 2]);
    expect(server.log()).toEqual(["/next_cursor", "/next_cursor?cursor=1", "/next_cursor?cursor=2"]);
    expect(String(w.mock.calls[0][0])).toContain('paginator: { type: "cursor", cursor_path: "next", cursor_param: "cursor" }');
  });

  it("single page: a bare object is one record, a bare list with no paging warns", async () => {
    const w = quietWarn();
    const client = new RESTClient({ base_url: server.url });
    expect(await collect(client, "single")).toEqual([[{ id: 1, name: "one" }]]);
    expect(w).not.toHaveBeenCalled();
    expect(await collect(client, "list")).toEqual([[{ id: 1 }, { id: 2 }]]);
    expect(String(w.mock.calls[0][0])).toMatch(/No pagination detected .*\/list.*single_page/);
  });
});

describe("retries, timeout and errors", () => {
  it("retries 503, 503 then succeeds, with growing waits", async () => {
    quietWarn();
    server.route("/flaky", sequence({ status: 503, json: {} }, { status: 503, json: {} }, { json: [{ id: 1 }] }));
    const client = new RESTClient({ base_url: server.url, retry: { max_attempts: 5, backoff_factor: 0.05, max_retry_delay: 10 } });
    expect(ids(await collect(client, "flaky"))).toEqual([1]);
    const at = server.to("/flaky").map((r) => r.at);
    expect(at).toHaveLength(3);
    const w1 = at[1] - at[0];
    const w2 = at[2] - at[1];
    expect(w1).toBeGreaterThanOrEqual(45);
    expect(w2).toBeGreaterThanOrEqual(95);
    expect(w2).toBeGreaterThan(w1);
  });

  it("gives up after max_attempts with an HTTPError naming status and URL", async () => {
    quietWarn();
    server.route("/down", { status: 502, json: {} });
    const client = new RESTClient({ base_url: server.url, retry: { ...FAST, max_attempts: 3 } });
    const err = await collect(client, "down").catch((e) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect(err.status).toBe(502);
    expect(err.message).toBe(`502 Server Error: Bad Gateway for url: ${server.url}/down`);
    expect(server.to("/down")).toHaveLength(3);
  });

  it("Retry-After overrides the backoff", async () => {
    quietWarn();
    server.route("/throttled", sequence({ status: 429, headers: { "retry-after": "0.3" }, json: {} }, { json: [{ id: 1 }] }));
    const client = new RESTClient({ base_url: server.url, retry: FAST });
    await collect(client, "throttled");
    const at = server.to("/throttled").map((r) => r.at);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(290);
  });

  it("does not retry other 4xx", async () => {
    server.route("/forbidden", { status: 403, json: {} });
    const client = new RESTClient({ base_url: server.url, retry: FAST });
    await expect(collect(client, "forbidden")).rejects.toThrow(`403 Client Error: Forbidden for url: ${server.url}/forbidden`);
    expect(server.to("/forbidden")).toHaveLength(1);
  });

  it("retries network errors and then raises a ConnectionError", async () => {
    quietWarn();
    const client = new RESTClient({ base_url: "http://127.0.0.1:1", retry: { ...FAST, max_attempts: 2 } });
    const err = await collect(client, "x").catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/GET http:\/\/127\.0\.0\.1:1\/x failed after 2 attempt/);
  });

  it("times out a slow response", async () => {
    quietWarn();
    server.route("/slow", { delay: 500, json: [] });
    const client = new RESTClient({ base_url: server.url, timeout: 0.1, retry: { ...FAST, max_attempts: 1 } });
    const started = performance.now();
    const err = await collect(client, "slow").catch((e) => e);
    expect(err).toBeInstanceOf(RequestTimeout);
    expect(performance.now() - started).toBeLessThan(450);
  });

  it("a malformed JSON body raises a JSONDecodeError naming the URL", async () => {
    const client = new RESTClient({ base_url: server.url });
    const err = await collect(client, "bad_json").catch((e) => e);
    expect(err).toBeInstanceOf(JSONDecodeError);
    expect(err.message).toContain(`${server.url}/bad_json`);
    expect(err.message).toContain("not valid JSON");
  });

  it("response actions ignore by status or content, and run hooks", async () => {
    server.route("/gone", { status: 404, json: { error: "nope" } });
    server.route("/soft_error", { json: { error: "quota exceeded" } });
    const client = new RESTClient({ base_url: server.url });
    expect(await collect(client, "gone", { response_actions: [{ status_code: 404, action: "ignore" }] })).toEqual([]);
    expect(await collect(client, "soft_error", { response_actions: [{ content: "quota", action: "ignore" }] })).toEqual([]);
    const seen: number[] = [];
    const pages = await collect(client, "gone", {
      response_actions: [
        (r) => seen.push(r.status),
        {
          status_code: 404,
          action: (r) => {
            r.status = 200;
            r.setJson([]);
          },
        },
      ],
    });
    expect(seen).toEqual([404]);
    expect(pages).toEqual([[]]);
  });
});

describe("auth and redaction", () => {
  const SECRET = "s3cr3t-T0KEN-value";

  it("bearer sends Authorization and never shows the token", async () => {
    quietWarn();
    server.route("/auth_fail", { status: 401, json: {} });
    server.route("/auth_ok", { json: [{ id: 1 }] });
    const client = new RESTClient({ base_url: server.url, auth: { type: "bearer", token: SECRET } });
    await collect(client, "auth_ok");
    expect(server.to("/auth_ok")[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    const err = await collect(client, "auth_fail").catch((e) => e);
    expect(err.message).toBe(`401 Client Error: Unauthorized for url: ${server.url}/auth_fail`);
    expect(err.message).not.toContain(SECRET);
  });

  it("api_key in a header", async () => {
    server.route("/k", { json: [] });
    const client = new RESTClient({ base_url: server.url, auth: { type: "api_key", name: "X-API-Key", api_key: SECRET } });
    await collect(client, "k");
    expect(server.to("/k")[0].headers["x-api-key"]).toBe(SECRET);
  });

  it("api_key in the query is masked in errors and logs, under any parameter name", async () => {
    const w = quietWarn();
    server.route("/kq", sequence({ status: 503, json: {} }, { status: 500, json: {} }));
    for (const name of ["api_key", "sig"]) {
      server.requests.length = 0;
      const client = new RESTClient({ base_url: server.url, auth: { type: "api_key", name, api_key: SECRET, location: "query" }, retry: { ...FAST, max_attempts: 2 } });
      const err = await collect(client, "kq", { params: { q: "x" } }).catch((e) => e);
      expect(server.to("/kq")[0].query[name]).toBe(SECRET);
      expect(err).toBeInstanceOf(HTTPError);
      expect(err.message).toBe(`500 Server Error: Internal Server Error for url: ${server.url}/kq?q=x&${name}=*****`);
      expect(err.url).not.toContain(SECRET);
    }
    const logged = w.mock.calls.map((c) => String(c[0])).join("\n");
    expect(logged).toContain("*****");
    expect(logged).not.toContain(SECRET);
  });

  it("http_basic sends credentials; the password never appears", async () => {
    server.route("/basic", { status: 403, json: {} });
    const client = new RESTClient({ base_url: server.url, auth: { type: "http_basic", username: "ann", password: SECRET } });
    const err = await collect(client, "basic").catch((e) => e);
    const header = String(server.to("/basic")[0].headers.authorization);
    expect(header).toBe("Basic " + Buffer.from(`ann:${SECRET}`).toString("base64"));
    expect(err.message).not.toContain(SECRET);
  });
});
