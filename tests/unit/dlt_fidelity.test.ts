// Details where pipebook must behave exactly as dlt does (issue 10, point 7): naming, row ids,
// paginator arguments and detection, incremental arguments, replace/merge hints, bare yields,
// shared tables and drop(). Each checks values read back from real runs on DuckDB-WASM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/http_server.ts";
import { dlt, newPipeline, quietly } from "./helpers.ts";
import { normalizeIdentifier, shortenIdentifier } from "../../src/dlt/naming/snake_case.ts";
import {
  JSONResponseCursorPaginator,
  OffsetPaginator,
  PageNumberPaginator,
} from "../../src/dlt/sources/helpers/rest_client/paginators.ts";

const incremental = dlt.sources.incremental;
type Row = Record<string, unknown>;


describe("7a identifier shortening counts code points", () => {
  // Expected values computed with dlt's NamingConvention.shorten_identifier (Python, code points).
  const ZERO = "\u{1D7CE}"; // MATHEMATICAL BOLD DIGIT ZERO: a decimal digit outside the BMP
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it("shortens to max_length characters, never splitting a surrogate pair", () => {
    const name = "a" + ZERO.repeat(12) + "_b";
    const short = normalizeIdentifier(name, 10);
    expect(short).toBe(`a${ZERO}pobnja_b`);
    expect(Array.from(short)).toHaveLength(10);
    expect(lone.test(short)).toBe(false);

    const zeros = ZERO.repeat(20);
    const s = shortenIdentifier(zeros, zeros, 11);
    expect(s).toBe(`${ZERO.repeat(3)}aoeb2q${ZERO.repeat(2)}`);
    expect(lone.test(s)).toBe(false);
  });

  it("a name of max_length code points (but more UTF-16 units) is left alone", () => {
    const name = "a" + ZERO.repeat(9);
    expect(name.length).toBe(19);
    expect(normalizeIdentifier(name, 10)).toBe(name);
  });
});

describe("7b scd2 row ids", () => {
  const scd2 = { disposition: "merge", strategy: "scd2" } as const;
  const item = { customer_key: 1, c1: "foo", c2: 1 };

  it("hash the row when _dlt_id is the row-version column", async () => {
    const p = newPipeline();
    await p.run(dlt.resource([item, item], { name: "dim", write_disposition: scd2 }));
    expect(await p.query("select _dlt_id from ds.dim")).toEqual([{ _dlt_id: "SJ3pezeFVqFPPw" }, { _dlt_id: "SJ3pezeFVqFPPw" }]);
  });

  it("are random when the table has no row-version column", async () => {
    const p = newPipeline();
    await p.extract(dlt.resource([item, item], { name: "dim", write_disposition: scd2 }));
    // A schema whose scd2 table lost its `x-row-version` column (as one written by other tools).
    const pkg = (p as unknown as { pending: { schema: { tables: Record<string, { columns: Record<string, Row> }> } }[] }).pending[0];
    delete pkg.schema.tables.dim.columns._dlt_id["x-row-version"];
    await p.normalize();
    await p.load();
    const ids = (await p.query("select _dlt_id from ds.dim")).map((r) => r._dlt_id as string);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{14}$/);
    expect(ids).not.toContain("SJ3pezeFVqFPPw");
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe("7c paginator arguments", () => {
  const fails = (f: () => unknown, message: string) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(dlt.ValueError);
    expect((err as Error).message).toBe(message);
  };

  it("offset and limit: query parameter and body path both, or empty strings, are dlt's ValueError", () => {
    const offset = "Either 'offset_param' or 'offset_body_path' must be provided, not both.";
    const limit = "Either 'limit_param' or 'limit_body_path' must be provided, not both.";
    fails(() => new OffsetPaginator({ limit: 2, offset_param: "o", offset_body_path: "page.offset" }), offset);
    fails(() => new OffsetPaginator({ limit: 2, offset_param: "" }), offset);
    fails(() => new OffsetPaginator({ limit: 2, offset_param: "", offset_body_path: "" }), offset);
    fails(() => new OffsetPaginator({ limit: 2, limit_param: "l", limit_body_path: "page.limit" }), limit);
    fails(() => new OffsetPaginator({ limit: 2, limit_body_path: "" }), limit);
  });

  it("page: both or empty fails; cursor: only both fails", () => {
    const page = "Either 'page_param' or 'page_body_path' must be provided, not both.";
    fails(() => new PageNumberPaginator({ page_param: "p", page_body_path: "page.n" }), page);
    fails(() => new PageNumberPaginator({ page_param: "" }), page);
    fails(() => new JSONResponseCursorPaginator({ cursor_param: "c", cursor_body_path: "next" }), "Either 'cursor_param' or 'cursor_body_path' must be provided, not both.");
    fails(() => new PageNumberPaginator({ total_path: null, stop_after_empty_page: false }), "One of `total_path`, `maximum_page`, `has_more_path`, or `stop_after_empty_page` must be provided.");
  });

  it("the defaults still apply when neither is given, and a body path alone works", () => {
    expect(new OffsetPaginator({ limit: 2 }).config()).toMatchObject({ type: "offset", limit: 2 });
    const request = { url: "http://127.0.0.1/x", method: "POST", params: {}, json: undefined } as never;
    const body = new OffsetPaginator({ limit: 5, offset_param: null, offset_body_path: "page.offset", limit_body_path: "page.size" });
    body.init_request(request);
    expect((request as { json: unknown }).json).toEqual({ page: { offset: 0, size: 5 } });
    expect((request as { params: unknown }).params).toEqual({});
  });

  it("a rest_api_source with a bad paginator fails when the source is built, as dlt's does", () => {
    const build = () =>
      dlt.sources.rest_api_source({
        client: { base_url: "http://127.0.0.1:9" },
        resources: [{ name: "r", endpoint: { path: "r", paginator: { type: "offset", limit: 2, offset_param: "o", offset_body_path: "b" } } }],
      });
    expect(build).toThrow(dlt.ValueError);
    expect(build).toThrow("Either 'offset_param' or 'offset_body_path' must be provided, not both.");
  });
});

describe("7d paginator detection recognises dlt's next* cursor keys", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      // dlt's test_detector cases: `next_cursor` (string) and `next_id` (number)
      "/products": (r) => {
        const at = Number(r.query.cursor ?? 0);
        return { json: { products: [{ n: at }, { n: at + 1 }], next_cursor: at < 4 ? `c${at + 2}`.slice(1) : null } };
      },
      "/entries": (r) => {
        const at = Number(r.query.cursor ?? 31);
        return { json: { entries: [{ id: at }, { id: at + 1 }], next_id: at < 35 ? at + 2 : null, limit: 2 } };
      },
      "/links": (r) => {
        const page = Number(r.query.page ?? 1);
        return { json: { items: [{ page }], links: { nextPage: page < 3 ? `/links?page=${page + 1}` : null } } };
      },
    });
  });
  afterAll(() => server.close());

  const run = async (name: string) => {
    const p = newPipeline();
    await quietly(() => p.run(dlt.sources.rest_api_source({ client: { base_url: server.url }, resources: [name] })));
    return p;
  };

  it("next_cursor", async () => {
    const p = await run("products");
    expect((await p.query("select n from ds.products order by n")).map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(server.to("/products").map((r) => r.url)).toEqual(["/products", "/products?cursor=2", "/products?cursor=4"]);
  });

  it("next_id", async () => {
    const p = await run("entries");
    expect((await p.query("select id from ds.entries order by id")).map((r) => r.id)).toEqual([31, 32, 33, 34, 35, 36]);
    expect(server.to("/entries").map((r) => r.url)).toEqual(["/entries", "/entries?cursor=33", "/entries?cursor=35"]);
  });

  it("a nested nextPage URL is a link", async () => {
    const p = await run("links");
    expect((await p.query("select page from ds.links order by page")).map((r) => r.page)).toEqual([1, 2, 3]);
    expect(server.to("/links").map((r) => r.url)).toEqual(["/links", "/links?page=2", "/links?page=3"]);
  });
});

describe("7e–7g incremental arguments", () => {
  const stateOf = (p: dlt.Pipeline, resource: string, cursor: string) =>
    (p.state.sources![p.pipeline_name].resources![resource].incremental as Record<string, Row>)[cursor];

  it("7e a plain value for the incremental parameter is its initial value", async () => {
    const seen: unknown[] = [];
    const some_data = dlt.resource(function* some_data(created_at = incremental("created_at", { initial_value: 0 })) {
      seen.push(created_at.start_value);
      yield [{ created_at: created_at.last_value }];
    });
    const p = newPipeline();
    await p.run((some_data as unknown as (v: number) => dlt.DltResource)(4242));
    expect(seen).toEqual([4242]);
    expect(stateOf(p, "some_data", "created_at")).toMatchObject({ initial_value: 4242, last_value: 4242 });
    expect(await p.query("select created_at from ds.some_data")).toEqual([{ created_at: 4242 }]);

    // without an argument the default applies; an explicit incremental is used as is
    const q = newPipeline();
    await q.run(some_data());
    expect(stateOf(q, "some_data", "created_at")).toMatchObject({ initial_value: 0, last_value: 0 });
    const r = newPipeline();
    await r.run((some_data as unknown as (v: unknown) => dlt.DltResource)(incremental("created_at", { initial_value: 7 })));
    expect(await r.query("select created_at from ds.some_data")).toEqual([{ created_at: 7 }]);
  });

  it("7f end_value with min and row_order asc filters the whole page before closing", async () => {
    const pages: number[] = [];
    const some_data = dlt.resource(function* some_data(
      updated_at = incremental("updated_at", { initial_value: 10, end_value: 5, last_value_func: "min", row_order: "asc" }),
    ) {
      void updated_at;
      pages.push(1);
      yield Array.from({ length: 11 }, (_, i) => ({ updated_at: i + 1 }));
      pages.push(2);
      yield [{ updated_at: 7 }];
    });
    const p = newPipeline();
    await p.run(some_data());
    expect((await p.query("select updated_at as v from ds.some_data order by v desc")).map((r) => r.v)).toEqual([10, 9, 8, 7, 6]);
    expect(pages).toEqual([1]);
  });

  it("7g errors name a custom last_value_func as dlt does", () => {
    function my_lvf(values: unknown[]) {
      return Math.min(...(values as number[]));
    }
    expect(() => incremental("ts", { initial_value: 1, end_value: 5, last_value_func: my_lvf })).toThrow(
      "Incremental `initial_value=1` is greater than `end_value=5` as determined by the custom `last_value_func`. The result of `my_lvf([end_value, initial_value])` must equal `end_value`",
    );
    expect(() => incremental("ts", { last_value_func: "median" as "max" })).toThrow(
      "Unknown `last_value_func=median` passed as string. Provide a callable to use a custom function.",
    );
  });
});

describe("7h, 7k replace with no data; bare yields", () => {
  it("an empty replace reports the truncated root tables with 0 rows", async () => {
    const p = newPipeline();
    const full = dlt.resource([{ id: 1, kids: [1, 2] }], { name: "r", write_disposition: "replace" });
    await p.run(full);
    const empty = dlt.resource(function* r() {}, { write_disposition: "replace" });
    const info = await p.run(empty);
    expect(info.loads_ids).toHaveLength(1);
    expect(p.last_trace!.last_normalize_info!.row_counts).toEqual({ r: 0 });
    expect(await p.query("select (select count(*) from ds.r) as r, (select count(*) from ds.r__kids) as k")).toEqual([{ r: 0, k: 0 }]);
  });

  it("7k a bare yield is dropped, also when it is all a replace resource yields", async () => {
    const p = newPipeline();
    const some = dlt.resource(
      function* items() {
        yield;
        yield { id: 1 };
        yield undefined;
        yield [{ id: 2 }];
      },
      { write_disposition: "replace" },
    );
    await p.run(some);
    expect(await p.query("select id from ds.items order by id")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(p.last_trace!.last_normalize_info!.row_counts).toMatchObject({ items: 2 });
    const none = dlt.resource(
      function* items() {
        yield;
      },
      { write_disposition: "replace" },
    );
    await p.run(none);
    expect(p.last_trace!.last_normalize_info!.row_counts).toEqual({ items: 0 });
    expect(await p.query("select count(*) as n from ds.items")).toEqual([{ n: 0 }]);
  });
});

describe("7i, 7j key and merge hints", () => {
  it("7i an empty merge_key or primary_key clears the key", async () => {
    const p = newPipeline();
    const r = dlt.resource([{ id: 1, v: "a" }], { name: "m", write_disposition: "merge", merge_key: "id" });
    await p.run(r);
    expect(p.default_schema!.tables.m.columns.id.merge_key).toBe(true);
    const next = dlt.resource([{ id: 1, v: "b" }], { name: "m", write_disposition: "merge", merge_key: "id" });
    next.apply_hints({ merge_key: "" });
    await p.run(next);
    const cols = p.default_schema!.tables.m.columns;
    expect(Object.keys(cols)).not.toContain("");
    expect(cols.id.merge_key).toBeUndefined();
    // no key left: merge appends
    expect(await p.query("select id, v from ds.m order by v")).toEqual([{ id: 1, v: "a" }, { id: 1, v: "b" }]);

    const q = newPipeline();
    await q.run(dlt.resource([{ id: 1 }, { id: 1 }], { name: "k", write_disposition: "merge", primary_key: "" }));
    expect(Object.keys(q.default_schema!.tables.k.columns)).not.toContain("");
    expect(await q.query("select count(*) as n from ds.k")).toEqual([{ n: 2 }]);
  });

  it("7j an unknown merge strategy is a ValueError when the resource is defined", () => {
    const message =
      "Received invalid value `write_disposition['strategy']=foo`. Valid values are: ['delete-insert', 'insert-only', 'scd2', 'upsert']";
    const wd = { disposition: "merge", strategy: "foo" } as never;
    expect(() => dlt.resource([{ id: 1 }], { name: "x", write_disposition: wd })).toThrow(dlt.ValueError);
    expect(() => dlt.resource([{ id: 1 }], { name: "x", write_disposition: wd })).toThrow(message);
    const r = dlt.resource([{ id: 1 }], { name: "x" });
    expect(() => r.apply_hints({ write_disposition: wd })).toThrow(message);
    expect(r.hints.write_disposition).toBeUndefined();
  });

  it("7j a dedup_sort other than asc/desc fails the run at extract; nothing changes", async () => {
    const p = newPipeline();
    await p.run(dlt.resource([{ id: 1, val: "a", s: 1 }], { name: "r", write_disposition: "merge", primary_key: "id" }));
    const before = await p.query("select id, val from ds.r");
    const version = p.state._state_version;
    const bad = dlt.resource([{ id: 1, val: "foo", s: 2 }], {
      name: "r",
      write_disposition: "merge",
      primary_key: "id",
      columns: { s: { dedup_sort: "this_is_invalid" as "asc" } },
    });
    const err = await p.run(bad).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.exception).toBeInstanceOf(dlt.DictValidationException);
    expect(err.exception.message).toBe("Path `new_table/r/columns[s]`: field `dedup_sort=this_is_invalid` is not one of: ('asc', 'desc')");
    expect(await p.query("select id, val from ds.r")).toEqual(before);
    expect(p.state._state_version).toBe(version);
    expect(p.has_pending_data).toBe(false);
    expect(p.default_schema!.tables.r.columns.s.dedup_sort).toBeUndefined();
  });

  it("7j scd2 boundary_timestamp: not a timestamp is a ValueError; null returns to the package time", async () => {
    const wd = (boundary_timestamp: unknown) => ({ disposition: "merge", strategy: "scd2", boundary_timestamp }) as never;
    expect(() => dlt.resource([{ k: 1 }], { name: "s", write_disposition: wd("not a date") })).toThrow(dlt.ValueError);
    expect(() => dlt.resource([{ k: 1 }], { name: "s", write_disposition: wd("not a date") })).toThrow(
      "could not parse `boundary_timestamp` value `not a date`",
    );

    const p = newPipeline();
    await p.run(dlt.resource([{ k: 1, v: "a" }], { name: "s", write_disposition: wd("2024-01-01T00:00:00Z") }));
    const info = await p.run(dlt.resource([{ k: 1, v: "b" }], { name: "s", write_disposition: wd(null) }));
    const at = new Date(Math.round(Number(info.loads_ids[0]) * 1000));
    expect(await p.query("select v, _dlt_valid_from as f, _dlt_valid_to as t from ds.s order by v")).toEqual([
      { v: "a", f: new Date("2024-01-01T00:00:00Z"), t: at },
      { v: "b", f: at, t: null },
    ]);
  });
});

describe("7l, 7m shared tables and drop()", () => {
  it("7l the first resource writing a table is its resource", async () => {
    const src = dlt.source(function shared_src() {
      return [
        dlt.resource([{ id: 1 }], { name: "first", table_name: "shared" }),
        dlt.resource([{ id: 2 }], { name: "second", table_name: "shared" }),
      ];
    });
    const p = newPipeline();
    await p.run(src());
    expect(p.schemas.shared_src.tables.shared.resource).toBe("first");
    expect(await p.query("select id from ds.shared order by id")).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("7m drop() returns the pipeline", async () => {
    const p = newPipeline();
    await p.run(dlt.resource([{ id: 1 }], { name: "d" }));
    expect(await p.drop()).toBe(p);
    expect(p.first_run).toBe(true);
    expect(await p.query("select id from ds.d")).toEqual([{ id: 1 }]);
  });
});
