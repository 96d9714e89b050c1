// merge strategy scd2 against real DuckDB-WASM (reference §5.7; S21, S22).
import { describe, expect, it } from "vitest";
import { columnsOf, dlt, newPipeline } from "./helpers.ts";

type WD = Record<string, unknown>;
const scd2 = (name: string, data: unknown[], wd: WD = {}, hints: Record<string, unknown> = {}) =>
  dlt.resource(data, { name, write_disposition: { disposition: "merge", strategy: "scd2", ...wd }, ...hints });

/** The package time of a load id, as DuckDB returns a TIMESTAMPTZ (a Date, ms precision). */
const at = (loadId: string) => new Date(Math.round(Number(loadId) * 1000));
const id = (info: { loads_ids: string[] }) => info.loads_ids[0];

describe("S21 — scd2 with full extracts", () => {
  it("retires changed and absent records at the load's package time; validity columns first", async () => {
    const p = newPipeline();
    const i1 = await p.run(scd2("dim_customer", [{ customer_key: 1, c1: "foo", c2: 1 }, { customer_key: 2, c1: "bar", c2: 2 }]));
    expect(await columnsOf(p, "dim_customer")).toEqual([
      "_dlt_valid_from TIMESTAMP WITH TIME ZONE",
      "_dlt_valid_to TIMESTAMP WITH TIME ZONE",
      "customer_key BIGINT",
      "c1 VARCHAR",
      "c2 BIGINT",
      "_dlt_load_id VARCHAR NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
    const q = "select _dlt_valid_from as f, _dlt_valid_to as t, customer_key as k, c1, _dlt_id from ds.dim_customer order by k, f";
    expect(await p.query(q)).toEqual([
      { f: at(id(i1)), t: null, k: 1, c1: "foo", _dlt_id: "SJ3pezeFVqFPPw" },
      { f: at(id(i1)), t: null, k: 2, c1: "bar", _dlt_id: expect.stringMatching(/^[A-Za-z0-9+/]{14}$/) },
    ]);
    const bar = (await p.query("select _dlt_id from ds.dim_customer where customer_key = 2"))[0]._dlt_id;

    const i2 = await p.run(scd2("dim_customer", [{ customer_key: 1, c1: "foo_updated", c2: 1 }, { customer_key: 2, c1: "bar", c2: 2 }]));
    expect(await p.query(q)).toEqual([
      { f: at(id(i1)), t: at(id(i2)), k: 1, c1: "foo", _dlt_id: "SJ3pezeFVqFPPw" },
      { f: at(id(i2)), t: null, k: 1, c1: "foo_updated", _dlt_id: expect.any(String) },
      { f: at(id(i1)), t: null, k: 2, c1: "bar", _dlt_id: bar },
    ]);

    const i3 = await p.run(scd2("dim_customer", [{ customer_key: 1, c1: "foo_updated", c2: 1 }]));
    const rows = await p.query(q);
    expect(rows.map((r) => [r.k, r.c1, r.t])).toEqual([
      [1, "foo", at(id(i2))],
      [1, "foo_updated", null],
      [2, "bar", at(id(i3))],
    ]);
    // the retired row keeps the load id that inserted it
    expect(await p.query("select _dlt_load_id from ds.dim_customer where customer_key = 2")).toEqual([{ _dlt_load_id: id(i1) }]);
  });

  it("the boundary has the load id's microseconds", async () => {
    const p = newPipeline();
    const i1 = await p.run(scd2("micro", [{ k: 1 }]));
    const [{ us }] = await p.query("select epoch_us(_dlt_valid_from) as us from ds.micro");
    const [sec, frac = ""] = id(i1).split(".");
    expect(BigInt(us as number)).toBe(BigInt(sec) * 1_000_000n + BigInt((frac + "000000").slice(0, 6)));
  });

  it("re-inserting a retired record creates a new active version with the same _dlt_id", async () => {
    const p = newPipeline();
    const foo = { customer_key: 1, c1: "foo", c2: 1 };
    await p.run(scd2("re", [foo]));
    await p.run(scd2("re", [{ ...foo, c1: "other" }]));
    const i3 = await p.run(scd2("re", [foo]));
    const rows = await p.query("select c1, _dlt_id, _dlt_valid_from as f, _dlt_valid_to as t from ds.re order by f");
    expect(rows.map((r) => [r.c1, r._dlt_id, r.t === null])).toEqual([
      ["foo", "SJ3pezeFVqFPPw", false],
      ["other", expect.any(String), false],
      ["foo", "SJ3pezeFVqFPPw", true],
    ]);
    expect(rows[2].f).toEqual(at(id(i3)));
  });

  it("an unchanged batch changes nothing", async () => {
    const p = newPipeline();
    const data = [{ k: 1, v: "a" }, { k: 2, v: "b" }];
    await p.run(scd2("same", data));
    const before = await p.query("select * from ds.same order by k");
    await p.run(scd2("same", data));
    expect(await p.query("select * from ds.same order by k")).toEqual(before);
  });
});

describe("S22 — scd2 with merge_key", () => {
  it("natural key: absent keys are not retired (incremental extracts)", async () => {
    const p = newPipeline();
    const hints = { merge_key: "customer_key" };
    await p.run(scd2("nat", [{ customer_key: 1, c1: "foo", c2: 1 }, { customer_key: 2, c1: "bar", c2: 2 }], {}, hints));
    const i2 = await p.run(scd2("nat", [{ customer_key: 1, c1: "foo_updated", c2: 1 }], {}, hints));
    const rows = await p.query("select customer_key as k, c1, _dlt_valid_to as t from ds.nat order by k, _dlt_valid_from");
    expect(rows).toEqual([
      { k: 1, c1: "foo", t: at(id(i2)) },
      { k: 1, c1: "foo_updated", t: null },
      { k: 2, c1: "bar", t: null },
    ]);
  });

  it("partition column: only rows of staged partitions are retired", async () => {
    const p = newPipeline();
    const hints = { merge_key: "date" };
    await p.run(scd2("part", [{ date: "2024-01-01", name: "a" }, { date: "2024-01-01", name: "b" }], {}, hints));
    const i2 = await p.run(scd2("part", [{ date: "2024-01-02", name: "c" }, { date: "2024-01-02", name: "d" }], {}, hints));
    const i3 = await p.run(scd2("part", [{ date: "2024-01-01", name: "a" }, { date: "2024-01-01", name: "bb" }], {}, hints));
    const rows = await p.query("select date, name, _dlt_valid_from as f, _dlt_valid_to as t from ds.part order by name");
    expect(rows.map((r) => [r.date, r.name, r.t])).toEqual([
      ["2024-01-01", "a", null],
      ["2024-01-01", "b", at(id(i3))],
      ["2024-01-01", "bb", null],
      ["2024-01-02", "c", null],
      ["2024-01-02", "d", null],
    ]);
    expect(rows.find((r) => r.name === "c")!.f).toEqual(at(id(i2)));
    expect(rows.find((r) => r.name === "bb")!.f).toEqual(at(id(i3)));
  });
});

describe("scd2 options", () => {
  it("validity_column_names: custom names come first", async () => {
    const p = newPipeline();
    const wd = { validity_column_names: ["from", "to"] };
    await p.run(scd2("vc", [{ k: 1, v: "a" }], wd));
    const i2 = await p.run(scd2("vc", [{ k: 1, v: "b" }], wd));
    expect((await columnsOf(p, "vc")).slice(0, 2)).toEqual(["from TIMESTAMP WITH TIME ZONE", "to TIMESTAMP WITH TIME ZONE"]);
    expect(await p.query(`select v, "to" as t from ds.vc order by "from"`)).toEqual([
      { v: "a", t: at(id(i2)) },
      { v: "b", t: null },
    ]);
  });

  it("active_record_timestamp marks active rows and finds them again", async () => {
    const p = newPipeline();
    const wd = { active_record_timestamp: "9999-12-31" };
    await p.run(scd2("ar", [{ k: 1, v: "a" }, { k: 2, v: "x" }], wd));
    const i2 = await p.run(scd2("ar", [{ k: 1, v: "b" }, { k: 2, v: "x" }], wd));
    const high = new Date("9999-12-31T00:00:00Z");
    expect(await p.query("select k, v, _dlt_valid_to as t from ds.ar order by k, _dlt_valid_from")).toEqual([
      { k: 1, v: "a", t: at(id(i2)) },
      { k: 1, v: "b", t: high },
      { k: 2, v: "x", t: high },
    ]);
  });

  it("boundary_timestamp replaces the package time", async () => {
    const p = newPipeline();
    await p.run(scd2("bt", [{ k: 1, v: "a" }], { boundary_timestamp: "2024-08-21T12:15:00+00:00" }));
    await p.run(scd2("bt", [{ k: 1, v: "b" }], { boundary_timestamp: "2024-08-22" }));
    expect(await p.query("select v, _dlt_valid_from as f, _dlt_valid_to as t from ds.bt order by f")).toEqual([
      { v: "a", f: new Date("2024-08-21T12:15:00Z"), t: new Date("2024-08-22T00:00:00Z") },
      { v: "b", f: new Date("2024-08-22T00:00:00Z"), t: null },
    ]);
  });

  it("row_version_column_name: the given hash decides what changed; _dlt_id is random", async () => {
    const p = newPipeline();
    const wd = { row_version_column_name: "row_hash" };
    await p.run(scd2("rv", [{ k: 1, v: "a", row_hash: "h1" }], wd));
    await p.run(scd2("rv", [{ k: 1, v: "a but same hash", row_hash: "h1" }], wd));
    expect(await p.query("select v, _dlt_valid_to as t from ds.rv")).toEqual([{ v: "a", t: null }]);
    const i3 = await p.run(scd2("rv", [{ k: 1, v: "c", row_hash: "h2" }], wd));
    expect(await p.query("select v, row_hash, _dlt_valid_to as t from ds.rv order by _dlt_valid_from")).toEqual([
      { v: "a", row_hash: "h1", t: at(id(i3)) },
      { v: "c", row_hash: "h2", t: null },
    ]);
    const col = p.default_schema!.tables.rv.columns;
    expect(col.row_hash).toMatchObject({ "x-row-version": true, unique: false, row_key: false, nullable: false });
  });

  it("nested tables are insert-only, without validity columns or a root key", async () => {
    const p = newPipeline();
    await p.run(scd2("nest", [{ k: 1, c: "foo", kids: [1, 2] }]));
    await p.run(scd2("nest", [{ k: 1, c: "foo", kids: [1, 2] }]));
    expect(await p.query("select count(*) as n from ds.nest__kids")).toEqual([{ n: 2 }]);
    await p.run(scd2("nest", [{ k: 1, c: "bar", kids: [3] }]));
    expect(await p.query("select count(*) as n from ds.nest")).toEqual([{ n: 2 }]);
    const active = (await p.query("select _dlt_id from ds.nest where _dlt_valid_to is null"))[0]._dlt_id;
    expect(await p.query("select value, _dlt_parent_id from ds.nest__kids order by value")).toEqual([
      { value: 1, _dlt_parent_id: expect.any(String) },
      { value: 2, _dlt_parent_id: expect.any(String) },
      { value: 3, _dlt_parent_id: active },
    ]);
    expect(await columnsOf(p, "nest__kids")).toEqual([
      "value BIGINT",
      "_dlt_parent_id VARCHAR NOT NULL",
      "_dlt_list_idx BIGINT NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
  });

  it("an unparseable active_record_timestamp is a ValueError when the resource is defined", () => {
    expect(() => scd2("bad", [{ k: 1 }], { active_record_timestamp: "not a date" })).toThrow(dlt.ValueError);
    expect(() => scd2("bad", [{ k: 1 }], { active_record_timestamp: "not a date" })).toThrow(
      "could not parse `active_record_timestamp` value `not a date`",
    );
  });
});
