// rest_api_source through pipeline.run against a real HTTP server on 127.0.0.1 (reference §8,
// S29, S30): paginators, auto-detection, parent/child chains, include_from_parent, incremental
// params across runs, ignored 404s, auth, errors and malformed bodies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sequence, startServer, type TestServer } from "./support/http_server.ts";
import { columnsOf, dlt, newPipeline, quietly } from "./helpers.ts";

const FAST = { max_attempts: 4, backoff_factor: 0.01, max_retry_delay: 1 };
const int = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));

const POSTS = [1, 2, 3, 4, 5].map((id) => ({
  id,
  title: `post ${id}`,
  created_at: `2024-01-${String(10 + id).padStart(2, "0")}T00:00:00Z`,
}));

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    // json_link, auto-detected: 2 posts a page; `created_since` filters
    "/posts": (r) => {
      const page = int(r.query.page, 1);
      const since = r.query.created_since ?? "";
      const all = POSTS.filter((p) => p.created_at >= since);
      const next = page * 2 < all.length ? `${server.url}/posts?page=${page + 1}${since ? `&created_since=${encodeURIComponent(since)}` : ""}` : null;
      return { json: { data: all.slice((page - 1) * 2, page * 2), next } };
    },
    // comments of each post; post 3 has none (404)
    "/posts/:id/comments": (r) => {
      const id = Number(r.params.id);
      if (id === 3) return { status: 404, json: { error: "no comments" } };
      return { json: [1, 2].slice(0, id % 2 === 0 ? 1 : 2).map((n) => ({ id: id * 10 + n, body: `c${n} of ${id}` })) };
    },
    "/offset": (r) => {
      const offset = int(r.query.offset, 0);
      const limit = int(r.query.limit, 10);
      const all = Array.from({ length: 7 }, (_, i) => ({ n: i + 1 }));
      return { json: { items: all.slice(offset, offset + limit), total: all.length } };
    },
    "/cursor": (r) => {
      const at = int(r.query.cursor, 0);
      return { json: { records: [{ n: at }, { n: at + 1 }], cursors: { next: at < 4 ? String(at + 2) : null } } };
    },
    "/header_link": (r) => {
      const page = int(r.query.page, 1);
      const headers: Record<string, string> = page < 3 ? { link: `<${server.url}/header_link?page=${page + 1}>; rel="next"` } : {};
      return { headers, json: [{ page }] };
    },
    "/header_cursor": (r) => {
      const c = int(r.query.cursor, 1);
      const headers: Record<string, string> = c < 3 ? { next: String(c + 1) } : {};
      return { headers, json: [{ c }] };
    },
    "/pages": (r) => {
      const page = int(r.query.page, 1);
      return { json: { results: [1, 2, 3, 4, 5].slice((page - 1) * 2, page * 2).map((n) => ({ n })), total_pages: 3 } };
    },
    "/flaky": sequence({ status: 503, json: {} }, { status: 503, json: {} }, { json: [{ ok: true }] }),
    "/secret": (r) => (r.headers.authorization === "Bearer s3cr3t-token" ? { json: [{ ok: 1 }] } : { status: 401, json: { error: "no" } }),
    "/keyed": (r) => (r.query.api_key === "k3y-value" ? { json: [{ ok: 1 }] } : { status: 401, json: {} }),
    "/broken": { body: '{"data": [{"id": 1}, ', headers: { "content-type": "application/json" } },
    "/users/:id": (r) => ({ json: { id: Number(r.params.id), name: `user ${r.params.id}` } }),
  });
});

afterAll(() => server.close());

const client = () => ({ base_url: server.url, retry: FAST });

describe("rest_api_source", () => {
  it("loads a json_link parent and its comments, ignoring a 404, with parent fields (S29)", async () => {
    server.requests.length = 0;
    const source = dlt.sources.rest_api_source({
      client: client(),
      resources: [
        {
          name: "comments",
          endpoint: {
            path: "posts/{resources.posts.id}/comments",
            response_actions: [{ status_code: 404, action: "ignore" }],
          },
          include_from_parent: ["title"],
        },
        "posts",
      ],
    });
    expect(source.name).toBe("rest_api");
    expect(Object.keys(source.resources)).toEqual(["posts", "comments"]);
    const p = newPipeline();
    const info = await quietly(() => p.run(source));
    expect(info.has_failed_jobs).toBe(false);
    expect(p.default_schema_name).toBe("rest_api");
    // one request chain per parent record; 404 for post 3 ignored
    const log = server.log();
    expect(log.filter((u) => !u.includes("comments"))).toEqual(["/posts", "/posts?page=2", "/posts?page=3"]);
    expect(log.filter((u) => u.includes("comments"))).toEqual([1, 2, 3, 4, 5].map((id) => `/posts/${id}/comments`));
    expect(await p.query("select id, title from ds.posts order by id")).toEqual(POSTS.map(({ id, title }) => ({ id, title })));
    expect(await p.query("select id, body, _posts_title from ds.comments order by id")).toEqual([
      { id: 11, body: "c1 of 1", _posts_title: "post 1" },
      { id: 12, body: "c2 of 1", _posts_title: "post 1" },
      { id: 21, body: "c1 of 2", _posts_title: "post 2" },
      { id: 41, body: "c1 of 4", _posts_title: "post 4" },
      { id: 51, body: "c1 of 5", _posts_title: "post 5" },
      { id: 52, body: "c2 of 5", _posts_title: "post 5" },
    ]);
    expect(await columnsOf(p, "comments")).toEqual([
      "id BIGINT",
      "body VARCHAR",
      "_posts_title VARCHAR",
      "_dlt_load_id VARCHAR NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
  });

  it("sends the stored cursor as a param on the next run and loads only new records", async () => {
    const config = () => ({
      client: client(),
      resources: [
        {
          name: "posts",
          write_disposition: "append" as const,
          primary_key: "id",
          endpoint: {
            path: "posts",
            params: { created_since: "{incremental.start_value}" },
            incremental: { cursor_path: "created_at", initial_value: "2024-01-12T00:00:00Z" },
          },
        },
      ],
    });
    const p = newPipeline();
    server.requests.length = 0;
    await quietly(() => p.run(dlt.sources.rest_api_source(config())));
    expect(server.log()[0]).toBe("/posts?created_since=2024-01-12T00%3A00%3A00Z");
    expect(await p.query("select id from ds.posts order by id")).toEqual([{ id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
    const state = (p.state.sources?.rest_api?.resources?.posts?.incremental as Record<string, { last_value: unknown }>).created_at;
    expect(String(state.last_value)).toContain("2024-01-15");

    server.requests.length = 0;
    await quietly(() => p.run(dlt.sources.rest_api_source(config())));
    expect(server.log()[0]).toBe("/posts?created_since=2024-01-15T00%3A00%3A00Z");
    // the boundary record is deduplicated: nothing new
    expect(await p.query("select id, count(*) as n from ds.posts group by id order by id")).toEqual(
      [2, 3, 4, 5].map((id) => ({ id, n: 1 })),
    );
  });

  it("walks every explicit paginator to its last page", async () => {
    const p = newPipeline();
    server.requests.length = 0;
    await p.run(
      dlt.sources.rest_api_source({
        client: client(),
        resources: [
          { name: "offset", endpoint: { path: "offset", paginator: { type: "offset", limit: 3 }, data_selector: "items" } },
          { name: "cursor", endpoint: { path: "cursor", paginator: { type: "cursor", cursor_path: "cursors.next", cursor_param: "cursor" } } },
          { name: "header_link", endpoint: { path: "header_link", paginator: "header_link" } },
          { name: "header_cursor", endpoint: { path: "header_cursor", paginator: { type: "header_cursor", cursor_key: "next", cursor_param: "cursor" } } },
          { name: "pages", endpoint: { path: "pages", paginator: { type: "page_number", base_page: 1, total_path: "total_pages" } } },
        ],
      }),
    );
    expect(await p.query("select n from ds.offset order by n")).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ({ n })));
    expect(await p.query("select n from ds.cursor order by n")).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(await p.query("select page from ds.header_link order by page")).toEqual([1, 2, 3].map((page) => ({ page })));
    expect(await p.query("select c from ds.header_cursor order by c")).toEqual([1, 2, 3].map((c) => ({ c })));
    expect(await p.query("select n from ds.pages order by n")).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(server.to("/pages").map((r) => r.url)).toEqual(["/pages?page=1", "/pages?page=2", "/pages?page=3"]);
  });

  it("auto-detects page_number without fetching a page twice or losing the last", async () => {
    const p = newPipeline();
    server.requests.length = 0;
    await quietly(() => p.run(dlt.sources.rest_api_source({ client: client(), resources: ["pages"] })));
    expect(await p.query("select n from ds.pages order by n")).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
  });

  it("merges resource_defaults, applies processing steps and resolves single-entity paths", async () => {
    const p = newPipeline();
    await quietly(() =>
      p.run(
        dlt.sources.rest_api_source({
          client: client(),
          resource_defaults: { write_disposition: "merge", primary_key: "id", endpoint: { params: { per_page: 2 } } },
          resources: [
            { name: "posts", processing_steps: [{ filter: (x: { id: number }) => x.id !== 2 }, { map: (x: { id: number }) => ({ ...x, twice: x.id * 2 }) }] },
            { name: "users", table_name: "people", endpoint: { path: "users/{resources.posts.id}" } },
          ],
        }),
      ),
    );
    expect(await p.query("select id, twice from ds.posts order by id")).toEqual([1, 3, 4, 5].map((id) => ({ id, twice: id * 2 })));
    expect(await p.query("select id, name from ds.people order by id")).toEqual([1, 3, 4, 5].map((id) => ({ id, name: `user ${id}` })));
    expect(server.to("/users/1")[0].query).toEqual({ per_page: "2" });
    const wd = await p.query("select table_name from information_schema.tables where table_schema='ds_staging' order by 1");
    expect(wd.map((r) => r.table_name)).toContain("people");
  });

  it("retries 503s, sends bearer and query api keys", async () => {
    const p = newPipeline();
    await quietly(() =>
      p.run(
        dlt.sources.rest_api_source({
          client: client(),
          resources: [
            { name: "flaky", endpoint: { path: "flaky", paginator: "single_page" } },
            { name: "secret", endpoint: { path: "secret", auth: { type: "bearer", token: "s3cr3t-token" }, paginator: "single_page" } },
            { name: "keyed", endpoint: { path: "keyed", auth: { type: "api_key", name: "api_key", api_key: "k3y-value", location: "query" }, paginator: "single_page" } },
          ],
        }),
      ),
    );
    expect(await p.query("select ok from ds.flaky")).toEqual([{ ok: true }]);
    expect(await p.query("select ok from ds.secret")).toEqual([{ ok: 1 }]);
    expect(await p.query("select ok from ds.keyed")).toEqual([{ ok: 1 }]);
  });
});

describe("rest_api request shapes", () => {
  it("legacy resolve params, placeholders in json bodies and headers, http_basic auth", async () => {
    server.route("POST /search", (r) => {
      const body = JSON.parse(r.body || "{}");
      const ok = r.headers.authorization === `Basic ${Buffer.from("ann:pw").toString("base64")}`;
      return ok ? { json: [{ hit: `${body.user}:${r.headers["x-user"]}` }] } : { status: 401, json: {} };
    });
    const p = newPipeline();
    await quietly(() =>
      p.run(
        dlt.sources.rest_api_source({
          client: { ...client(), auth: { type: "http_basic", username: "ann", password: "pw" } },
          resources: [
            { name: "users", endpoint: { path: "users/{id}", params: { id: { type: "resolve", resource: "posts", field: "id" } } } },
            {
              name: "search",
              endpoint: { path: "search", method: "POST", json: { user: "{resources.users.name}" }, headers: { "x-user": "{resources.users.id}" }, paginator: "single_page" },
            },
            { name: "posts", endpoint: { path: "posts", paginator: { type: "json_link", next_url_path: "next" } }, selected: false },
          ],
        }),
      ),
    );
    expect((await p.query("select id from ds.users order by id")).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect((await p.query("select hit from ds.search order by hit")).map((r) => r.hit)).toEqual([1, 2, 3, 4, 5].map((i) => `user ${i}:${i}`));
    // a deselected parent feeds its children but loads nothing itself
    expect(await p.query("select table_name from information_schema.tables where table_schema = 'ds' and table_name = 'posts'")).toEqual([]);
  });
});

describe("rest_api errors", () => {
  it("a 401 fails extract naming the resource and the redacted URL; nothing loads (S30)", async () => {
    const p = newPipeline();
    const err = await quietly(() =>
      p.run(
        dlt.sources.rest_api_source({
          client: client(),
          resources: [
            "posts",
            { name: "keyed", endpoint: { path: "keyed", auth: { type: "api_key", name: "api_key", api_key: "wrong-key-123", location: "query" } } },
          ],
        }),
      ).catch((e) => e),
    );
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.exception).toBeInstanceOf(dlt.ResourceExtractionError);
    expect(err.exception.message).toContain("extraction of resource `keyed` in `generator` `paginate_resource` caused an exception: 401 Client Error: Unauthorized for url:");
    expect(err.exception.message).toContain("401 Client Error: Unauthorized for url:");
    expect(String(err.message) + String(err.exception.message)).not.toContain("wrong-key-123");
    expect(err.exception.cause.status).toBe(401);
    const tables = await p.query("select table_name from information_schema.tables where table_schema='ds'");
    expect(tables).toEqual([]);
  });

  it("a malformed JSON body is a clear error; no data and no state", async () => {
    const p = newPipeline();
    const err = await quietly(() =>
      p.run(
        dlt.sources.rest_api_source({
          client: client(),
          resources: [{ name: "broken", endpoint: { path: "broken", incremental: { cursor_path: "id", initial_value: 0 } } }],
        }),
      ).catch((e) => e),
    );
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.exception.message).toMatch(/JSON/);
    expect(err.exception.message).toContain("/broken");
    expect(p.state.sources?.rest_api).toBeUndefined();
    expect(await p.query("select table_name from information_schema.tables where table_schema='ds'")).toEqual([]);
  });

  it("config mistakes are named before any request", () => {
    expect(() => dlt.sources.rest_api_source({ client: client(), resources: [{ name: "c", endpoint: "posts/{resources.nope.id}/c" }] })).toThrow(
      /parent resource `nope` that is not in the config/,
    );
    expect(() => dlt.sources.rest_api_source({ client: client(), resources: [{ name: "c", endpoint: { path: "x", params: { a: "{incremental.start_value}" } } }] })).toThrow(
      /incremental/,
    );
  });
});
