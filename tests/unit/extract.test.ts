import { describe, expect, it } from "vitest";
import { dlt, newPipeline } from "./helpers.ts";

const nums = () =>
  dlt.resource(function* nums() {
    for (let n = 0; n < 10; n++) yield { n };
  });
const even = (x: { n: number }) => x.n % 2 === 0;
const sq = (x: { n: number }) => ({ ...x, sq: x.n * x.n });

describe("item steps run in dlt's order", () => {
  it("limit counts items that survive filters and runs last", async () => {
    const p = newPipeline();
    await p.run(nums().add_filter(even).add_map(sq).add_limit(3), { table_name: "a" });
    expect(await p.query("select n, sq from ds.a order by n")).toEqual([
      { n: 0, sq: 0 },
      { n: 2, sq: 4 },
      { n: 4, sq: 16 },
    ]);
    await p.run(nums().add_limit(3).add_filter(even), { table_name: "b" });
    expect(await p.query("select n from ds.b order by n")).toEqual([{ n: 0 }, { n: 2 }, { n: 4 }]);
  });

  it("limit counts pages, or rows with count_rows, and closes the generator", async () => {
    let closed = false;
    const pages = () =>
      dlt.resource(function* pages() {
        try {
          for (let i = 0; i < 5; i++) yield [0, 1, 2].map((j) => ({ v: i * 3 + j }));
        } finally {
          closed = true;
        }
      });
    const p = newPipeline();
    await p.run(pages().add_limit(2), { table_name: "p2" });
    expect(closed).toBe(true);
    expect(await p.query("select count(*) as n from ds.p2")).toEqual([{ n: 6 }]);
    await p.run(pages().add_limit(4, { count_rows: true }), { table_name: "p4" });
    expect(await p.query("select count(*) as n from ds.p4")).toEqual([{ n: 6 }]);
    const infinite = dlt.resource(function* infinite() {
      let i = 0;
      while (true) yield { i: i++ };
    });
    await p.run(infinite.add_limit(5), { table_name: "inf" });
    expect(await p.query("select count(*) as n from ds.inf")).toEqual([{ n: 5 }]);
  });

  it("add_yield_map turns one item into many", async () => {
    const p = newPipeline();
    const r = dlt.resource([{ k: "a", n: 2 }], { name: "ym" }).add_yield_map(function* (x: { k: string; n: number }) {
      for (let i = 0; i < x.n; i++) yield { k: x.k, i };
    });
    await p.run(r);
    expect(await p.query("select k, i from ds.ym order by i")).toEqual([
      { k: "a", i: 0 },
      { k: "a", i: 1 },
    ]);
  });
});

describe("sources, transformers and selection", () => {
  const makeSource = () => {
    const users = dlt.resource(
      function* users() {
        yield [{ id: 1 }, { id: 2 }];
        yield { id: 3 };
      },
      { primary_key: "id", write_disposition: "merge" },
    );
    const received: string[] = [];
    const details = dlt.transformer(
      function* details(user: unknown) {
        received.push(Array.isArray(user) ? `list:${user.length}` : "dict");
        for (const u of Array.isArray(user) ? user : [user]) yield { user_id: (u as { id: number }).id, detail: "x" };
      },
      { data_from: users, table_name: "user_details" },
    );
    const hidden = dlt.resource(function* hidden() {
      yield { h: 1 };
    }, { selected: false });
    const src = dlt.source(function my_src() {
      return [users, details, hidden];
    });
    return { src, received };
  };

  it("lists resources and selected resources", () => {
    const { src } = makeSource();
    const s = src();
    expect(Object.keys(s.resources)).toEqual(["users", "details", "hidden"]);
    expect(Object.keys(s.resources.selected)).toEqual(["users", "details"]);
    expect((s as unknown as Record<string, unknown>).users).toBe(s.resources.users);
  });

  it("feeds transformers with items as yielded and names the schema after the source", async () => {
    const { src, received } = makeSource();
    const p = newPipeline();
    await p.run(src());
    expect(received).toEqual(["list:2", "dict"]);
    expect(p.default_schema_name).toBe("my_src");
    expect(await p.query("select user_id from ds.user_details order by 1")).toEqual([{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }]);
    const tables = await p.query("select table_name from information_schema.tables where table_schema='ds' order by 1");
    expect(tables.map((t) => t.table_name)).toEqual(["_dlt_loads", "_dlt_pipeline_state", "_dlt_version", "user_details", "users"]);
  });

  it("with_resources selects a subset; a deselected parent still feeds its transformer", async () => {
    const { src } = makeSource();
    const p = newPipeline();
    await p.run(src().with_resources("details"));
    const tables = await p.query("select table_name from information_schema.tables where table_schema='ds' and table_name not like '_dlt%'");
    expect(tables).toEqual([{ table_name: "user_details" }]);
    expect(await p.query("select count(*) as n from ds.user_details")).toEqual([{ n: 3 }]);
  });

  it("dynamic table names dispatch items", async () => {
    const p = newPipeline();
    const events = dlt.resource(
      [
        { type: "Watch Event", id: 1 },
        { type: "PushEvent", id: 2 },
        { type: "Watch Event", id: 3 },
      ],
      { name: "events", table_name: (e: { type: string }) => e.type },
    );
    await p.run(events);
    expect(await p.query("select id from ds.watch_event order by id")).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await p.query("select id from ds.push_event")).toEqual([{ id: 2 }]);
  });

  it("run() hints override resource hints", async () => {
    const p = newPipeline();
    const res_a = dlt.resource(function* res_a() {
      yield { a: 1 };
    }, { write_disposition: "append" });
    await p.run(res_a(), {
      table_name: "renamed",
      write_disposition: "replace",
      primary_key: "a",
      columns: { b: { data_type: "text" } },
    });
    const t = p.default_schema!.tables.renamed;
    expect(t.write_disposition).toBe("replace");
    expect(t.resource).toBe("res_a");
    expect(t.columns.a.primary_key).toBe(true);
    expect(Object.keys(t.columns).slice(0, 2)).toEqual(["b", "a"]);
    expect(await p.query("select a, b from ds.renamed")).toEqual([{ a: 1, b: null }]);
  });

  it("a resource made from a function is callable with arguments", async () => {
    const p = newPipeline();
    const numbers = dlt.resource(function* numbers(n: number) {
      for (let i = 0; i < n; i++) yield { i };
    });
    await p.run(numbers(4));
    expect(await p.query("select count(*) as n from ds.numbers")).toEqual([{ n: 4 }]);
  });

  it("async generators and async transformers work", async () => {
    const p = newPipeline();
    const pages = dlt.resource(async function* pages() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield [{ page: i }];
      }
    });
    const enrich = dlt.transformer(async function enrich(items: Array<{ page: number }>) {
      return items.map((x) => ({ ...x, double: x.page * 2 }));
    }, { data_from: pages });
    await p.run([pages, enrich]);
    expect(await p.query("select page, double from ds.enrich order by page")).toEqual([
      { page: 0, double: 0 },
      { page: 1, double: 2 },
      { page: 2, double: 4 },
    ]);
  });
});

describe("errors from resources", () => {
  it("surface as PipelineStepFailed at extract with the original error, and nothing loads", async () => {
    const p = newPipeline();
    const boom = dlt.resource(function* boom() {
      yield { a: 1 };
      throw new TypeError("bad item");
    });
    const err = await p.run(boom).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.exception).toBeInstanceOf(dlt.ResourceExtractionError);
    expect(err.exception.cause).toBeInstanceOf(TypeError);
    expect(err.exception.message).toBe("In processing pipe `boom`: extraction of resource `boom` in `generator` `boom` caused an exception: bad item");
    expect(p.list_pending_packages()).toEqual([]);
    const tables = await p.query("select count(*) as n from information_schema.tables where table_schema='ds'");
    expect(tables).toEqual([{ n: 0 }]);
  });
});

describe("plain data", () => {
  it("a list of lists is a list of pages: each inner list is a batch of rows", async () => {
    const p = newPipeline();
    await p.run([[{ a: 1 }, { a: 2 }], [{ a: 3 }]], { table_name: "pg" });
    expect(await p.query("select * exclude (_dlt_load_id, _dlt_id) from ds.pg order by a")).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});

describe("plain list data is items one by one", () => {
  it("add_limit counts its items and a transformer gets each item", async () => {
    const p = newPipeline();
    await p.run(dlt.resource([{ n: 1 }, { n: 2 }, { n: 3 }], { name: "limited" }).add_limit(2));
    expect((await p.query("select n from ds.limited order by n")).map((r) => r.n)).toEqual([1, 2]);
    const seen: string[] = [];
    const users = dlt.resource([{ id: 1 }, { id: 2 }], { name: "users" });
    const details = dlt.transformer(
      function* details(u: unknown) {
        seen.push(Array.isArray(u) ? "list" : "item");
        yield { user_id: (u as { id: number }).id };
      },
      { data_from: users },
    );
    await p.run(details);
    expect(seen).toEqual(["item", "item"]);
    expect((await p.query("select user_id from ds.details order by 1")).map((r) => r.user_id)).toEqual([1, 2]);
  });
});
