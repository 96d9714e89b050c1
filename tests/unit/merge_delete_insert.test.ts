// merge / delete-insert against real DuckDB-WASM (reference §5.3, §5.4; S14–S19).
import { describe, expect, it } from "vitest";
import { dlt, newPipeline } from "./helpers.ts";


const merge = (name: string, data: unknown[], hints: Record<string, unknown> = {}) =>
  dlt.resource(data, { name, write_disposition: "merge", ...hints });

describe("S14 — delete-insert with nested tables", () => {
  it("replaces the root row and all its nested rows; rows of other keys stay", async () => {
    const p = newPipeline();
    const run1 = [
      { id: 1, name: "a", pets: [{ n: "x" }] },
      { id: 2, name: "b", pets: [] },
    ];
    const info1 = await p.run(merge("users", run1, { primary_key: "id" }));
    const oldUser1 = (await p.query("select _dlt_id from ds.users where id = 1"))[0]._dlt_id;
    const run2 = [
      { id: 1, name: "a2", pets: [{ n: "y" }, { n: "z" }] },
      { id: 3, name: "c" },
      { id: 3, name: "c-dup" },
    ];
    const info2 = await p.run(merge("users", run2, { primary_key: "id" }));
    expect(await p.query("select id, name, _dlt_load_id from ds.users order by id")).toEqual([
      { id: 1, name: "a2", _dlt_load_id: info2.loads_ids[0] },
      { id: 2, name: "b", _dlt_load_id: info1.loads_ids[0] },
      { id: 3, name: "c", _dlt_load_id: info2.loads_ids[0] },
    ]);
    const user1 = (await p.query("select _dlt_id from ds.users where id = 1"))[0]._dlt_id;
    // root ids are random for delete-insert: the replaced row has a new one
    expect(user1).not.toBe(oldUser1);
    expect(await p.query("select n, _dlt_list_idx, _dlt_root_id, _dlt_parent_id from ds.users__pets order by _dlt_list_idx")).toEqual([
      { n: "y", _dlt_list_idx: 0, _dlt_root_id: user1, _dlt_parent_id: user1 },
      { n: "z", _dlt_list_idx: 1, _dlt_root_id: user1, _dlt_parent_id: user1 },
    ]);
  });

  it("deletes nested rows of replaced roots even when the new batch has no nested data", async () => {
    const p = newPipeline();
    await p.run(merge("users", [{ id: 1, pets: [{ n: "x" }, { n: "w" }] }, { id: 2, pets: [{ n: "v" }] }], { primary_key: "id" }));
    await p.run(merge("users", [{ id: 1, name: "no pets" }], { primary_key: "id" }));
    expect(await p.query("select id, name from ds.users order by id")).toEqual([
      { id: 1, name: "no pets" },
      { id: 2, name: null },
    ]);
    const user2 = (await p.query("select _dlt_id from ds.users where id = 2"))[0]._dlt_id;
    expect(await p.query("select n, _dlt_root_id from ds.users__pets")).toEqual([{ n: "v", _dlt_root_id: user2 }]);
  });

  it("goes through staging: ds_staging holds the last batch and its own _dlt_version", async () => {
    const p = newPipeline();
    await p.run(merge("users", [{ id: 1, name: "a" }], { primary_key: "id" }));
    await p.run(merge("users", [{ id: 2, name: "b" }], { primary_key: "id" }));
    expect(await p.query("select id from ds_staging.users")).toEqual([{ id: 2 }]);
    expect(await p.query("select id from ds.users order by id")).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe("S15 — deduplication within one load", () => {
  it("the first row of a key wins, with its nested rows; already on the first run", async () => {
    const p = newPipeline();
    await p.run(
      merge("dd", [
        { id: 1, name: "row1", child: [1, 2, 3] },
        { id: 1, name: "row2", child: [4, 5, 6] },
      ], { primary_key: "id" }),
    );
    expect(await p.query("select id, name from ds.dd")).toEqual([{ id: 1, name: "row1" }]);
    expect(await p.query("select value from ds.dd__child order by value")).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
  });

  it("first row wins among three (§5.4 verified)", async () => {
    const p = newPipeline();
    await p.run(merge("t", [{ id: 1, v: "first" }, { id: 1, v: "second" }, { id: 1, v: "third" }], { primary_key: "id" }));
    expect(await p.query("select v from ds.t")).toEqual([{ v: "first" }]);
  });

  it("first row wins in a larger batch, key by key", async () => {
    const p = newPipeline();
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i % 1000, v: i }));
    await p.run(merge("big", rows, { primary_key: "id" }));
    const got = await p.query("select id, v from ds.big order by id");
    expect(got).toHaveLength(1000);
    expect(got.every((r) => r.v === r.id)).toBe(true);
  });

  it("compound primary key with two identical keys → one row", async () => {
    const p = newPipeline();
    await p.run(
      merge("cp", [
        { id: 1, subkey: "a", v: 1 },
        { id: 1, subkey: "a", v: 2 },
        { id: 1, subkey: "b", v: 3 },
      ], { primary_key: ["id", "subkey"] }),
    );
    expect(await p.query("select id, subkey, v from ds.cp order by subkey")).toEqual([
      { id: 1, subkey: "a", v: 1 },
      { id: 1, subkey: "b", v: 3 },
    ]);
  });

  it("merge_key only: no deduplication (2 root rows, 6 child rows)", async () => {
    const p = newPipeline();
    await p.run(
      merge("mk", [
        { id: 1, name: "row1", child: [1, 2, 3] },
        { id: 1, name: "row2", child: [4, 5, 6] },
      ], { merge_key: "id" }),
    );
    expect(await p.query("select name from ds.mk order by name")).toEqual([{ name: "row1" }, { name: "row2" }]);
    expect(await p.query("select count(*) as n from ds.mk__child")).toEqual([{ n: 6 }]);
  });
});

describe("S16 — dedup_sort", () => {
  const data = () => [
    { id: 1, metadata_modified: "2024-01-01", v: "A" },
    { id: 1, metadata_modified: "2024-01-02", v: "B" },
    { id: 2, metadata_modified: "2024-01-01", v: "C" },
    { id: 2, metadata_modified: "2024-01-01", v: "D" },
  ];

  it("desc keeps the highest value; ties keep the first occurrence", async () => {
    const p = newPipeline();
    await p.run(merge("ds1", data(), { primary_key: "id", columns: { metadata_modified: { dedup_sort: "desc" } } }));
    expect(await p.query("select id, v from ds.ds1 order by id")).toEqual([{ id: 1, v: "B" }, { id: 2, v: "C" }]);
  });

  it("asc keeps the lowest value", async () => {
    const p = newPipeline();
    await p.run(merge("ds2", data(), { primary_key: "id", columns: { metadata_modified: { dedup_sort: "asc" } } }));
    expect(await p.query("select id, v from ds.ds2 order by id")).toEqual([{ id: 1, v: "A" }, { id: 2, v: "C" }]);
  });

  it("with nested tables, the children of the kept row are inserted", async () => {
    const p = newPipeline();
    await p.run(
      merge("dsn", [
        { id: 1, lsn: 1, kids: ["old"] },
        { id: 1, lsn: 3, kids: ["new", "newer"] },
        { id: 1, lsn: 2, kids: ["mid"] },
      ], { primary_key: "id", columns: { lsn: { dedup_sort: "desc" } } }),
    );
    expect(await p.query("select lsn from ds.dsn")).toEqual([{ lsn: 3 }]);
    expect(await p.query("select value from ds.dsn__kids order by _dlt_list_idx")).toEqual([{ value: "new" }, { value: "newer" }]);
  });
});

describe("S17 — hard_delete", () => {
  it("bool column: only TRUE deletes; a delete row is never inserted", async () => {
    const p = newPipeline();
    const hints = { primary_key: "id", columns: { deleted_flag: { hard_delete: true } } };
    await p.run(
      merge("hd", [
        { id: 1, val: "a", deleted_flag: false },
        { id: 2, val: "b", deleted_flag: null },
        { id: 3, val: "c" },
      ], hints),
    );
    expect(await p.query("select id from ds.hd order by id")).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await p.run(
      merge("hd", [
        { id: 1, deleted_flag: true },
        { id: 4, val: "new", deleted_flag: true },
      ], hints),
    );
    expect(await p.query("select id, val from ds.hd order by id")).toEqual([{ id: 2, val: "b" }, { id: 3, val: "c" }]);
  });

  it("FALSE is a normal upsert", async () => {
    const p = newPipeline();
    const hints = { primary_key: "id", columns: { deleted_flag: { hard_delete: true } } };
    await p.run(merge("hf", [{ id: 1, val: "a", deleted_flag: false }], hints));
    await p.run(merge("hf", [{ id: 1, val: "a2", deleted_flag: false }], hints));
    expect(await p.query("select id, val, deleted_flag from ds.hf")).toEqual([{ id: 1, val: "a2", deleted_flag: false }]);
  });

  it("is applied after dedup_sort: the top row decides", async () => {
    const p = newPipeline();
    const hints = { primary_key: "id", columns: { lsn: { dedup_sort: "desc" }, deleted_flag: { hard_delete: true } } };
    await p.run(
      merge("hs", [
        { id: 1, val: "foo", lsn: 1, deleted_flag: null },
        { id: 1, val: "baz", lsn: 3, deleted_flag: null },
        { id: 1, val: "bar", lsn: 2, deleted_flag: true },
      ], hints),
    );
    expect(await p.query("select id, val, lsn from ds.hs")).toEqual([{ id: 1, val: "baz", lsn: 3 }]);
    await p.run(
      merge("hs", [
        { id: 2, val: "foo", lsn: 1, deleted_flag: false },
        { id: 2, lsn: 2, deleted_flag: true },
      ], hints),
    );
    expect(await p.query("select id, val, lsn from ds.hs order by id")).toEqual([{ id: 1, val: "baz", lsn: 3 }]);
  });

  it("non-bool column with a merge key: any non-NULL value deletes", async () => {
    const p = newPipeline();
    const hints = { merge_key: "id", columns: { deleted_at_ts: { hard_delete: true } } };
    await p.run(merge("hm", [{ id: 1, val: "foo" }, { id: 1, val: "bar" }], hints));
    expect(await p.query("select count(*) as n from ds.hm")).toEqual([{ n: 2 }]);
    await p.run(merge("hm", [{ id: 1, val: "foo", deleted_at_ts: "2024-02-22T12:34:56Z" }], hints));
    expect(await p.query("select count(*) as n from ds.hm")).toEqual([{ n: 0 }]);
  });

  it("a hard delete removes nested rows of the deleted root; kept rows bring theirs", async () => {
    const p = newPipeline();
    const hints = { primary_key: "id", columns: { deleted: { hard_delete: true } } };
    await p.run(merge("hn", [{ id: 1, kids: [1, 2] }, { id: 2, kids: [3] }], hints));
    await p.run(merge("hn", [{ id: 1, deleted: true, kids: [9] }, { id: 2, kids: [4, 5], deleted: false }], hints));
    expect(await p.query("select id from ds.hn")).toEqual([{ id: 2 }]);
    expect(await p.query("select value from ds.hn__kids order by value")).toEqual([{ value: 4 }, { value: 5 }]);
  });
});

describe("S18 — merge_key, and primary key OR merge key", () => {
  it("merge_key replaces the whole partition", async () => {
    const p = newPipeline();
    const hints = { merge_key: "batch_day" };
    await p.run(merge("b", [{ batch_day: "d1", v: 1 }, { batch_day: "d1", v: 2 }, { batch_day: "d2", v: 3 }], hints));
    await p.run(merge("b", [{ batch_day: "d1", v: 10 }], hints));
    expect(await p.query("select batch_day, v from ds.b order by batch_day")).toEqual([
      { batch_day: "d1", v: 10 },
      { batch_day: "d2", v: 3 },
    ]);
  });

  it("rows matching the primary key OR the merge key are deleted", async () => {
    const p = newPipeline();
    const hints = { primary_key: "id", merge_key: "day" };
    await p.run(merge("pm", [{ id: 1, day: "d1", c: "c1" }, { id: 2, day: "d1", c: "c1" }, { id: 3, day: "d2", c: "c1" }], hints));
    await p.run(merge("pm", [{ id: 3, day: "d1", c: "c2" }], hints));
    expect(await p.query("select id, day, c from ds.pm")).toEqual([{ id: 3, day: "d1", c: "c2" }]);
  });

  it("a compound merge key matches on all its columns", async () => {
    const p = newPipeline();
    const hints = { merge_key: ["a", "b"] };
    await p.run(merge("cm", [{ a: 1, b: 23, v: "x" }, { a: 12, b: 3, v: "y" }], hints));
    await p.run(merge("cm", [{ a: 1, b: 23, v: "x2" }], hints));
    expect(await p.query("select a, b, v from ds.cm order by a")).toEqual([
      { a: 1, b: 23, v: "x2" },
      { a: 12, b: 3, v: "y" },
    ]);
  });

  it("a changed merge key takes effect on the next run", async () => {
    const p = newPipeline();
    const r = merge("ch", [{ id: 1, day: "d1" }, { id: 2, day: "d1" }], { merge_key: "id" });
    await p.run(r);
    await p.run(merge("ch", [{ id: 3, day: "d1" }], { merge_key: "day" }));
    expect(await p.query("select id from ds.ch")).toEqual([{ id: 3 }]);
    const col = p.default_schema!.tables.ch.columns.id;
    expect(col.merge_key).toBeUndefined();
  });

  it("NULL in a merge-key column fails in normalize with CannotCoerceNullException", async () => {
    const p = newPipeline();
    await p.run(merge("nk", [{ id: 1, day: "d1" }], { merge_key: "day" }));
    const err = await p.run(merge("nk", [{ id: 2, day: null }], { merge_key: "day" })).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("normalize");
    expect(err.exception.name).toBe("NormalizeJobFailed");
    expect(chainOf(err.exception).map((e) => e.name)).toContain("CannotCoerceNullException");
    expect(await p.query("select id, day from ds.nk")).toEqual([{ id: 1, day: "d1" }]);
  });
});

describe("S19 — merge without keys", () => {
  it("appends through staging", async () => {
    const p = newPipeline();
    await p.run(merge("nokeys", [{ id: 1 }]));
    await p.run(merge("nokeys", [{ id: 1 }]));
    expect(await p.query("select id from ds.nokeys")).toEqual([{ id: 1 }, { id: 1 }]);
    expect(await p.query("select id from ds_staging.nokeys")).toEqual([{ id: 1 }]);
  });

  it("appends nested rows too", async () => {
    const p = newPipeline();
    await p.run(merge("nokeysn", [{ id: 1, kids: [1, 2] }]));
    await p.run(merge("nokeysn", [{ id: 1, kids: [3] }]));
    expect(await p.query("select count(*) as n from ds.nokeysn")).toEqual([{ n: 2 }]);
    expect(await p.query("select value from ds.nokeysn__kids order by value")).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
  });

  it("run(write_disposition='merge', primary_key=...) on plain data merges", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: "a" }, { id: 2, v: "b" }], { table_name: "plain", write_disposition: "merge", primary_key: "id" });
    await p.run([{ id: 2, v: "b2" }], { table_name: "plain", write_disposition: "merge", primary_key: "id" });
    expect(await p.query("select id, v from ds.plain order by id")).toEqual([{ id: 1, v: "a" }, { id: 2, v: "b2" }]);
  });
});

describe("merge hints that cannot work", () => {
  it("two dedup_sort columns stop the load with SchemaCorruptedException; data untouched, package pending", async () => {
    const p = newPipeline();
    await p.run(merge("two", [{ id: 1, a: 1, b: 1 }], { primary_key: "id" }));
    const bad = merge("two", [{ id: 1, a: 2, b: 2 }], { primary_key: "id", columns: { a: { dedup_sort: "desc" }, b: { dedup_sort: "asc" } } });
    const err = await p.run(bad).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    expect(err.exception.name).toBe("SchemaCorruptedException");
    expect(err.exception.message).toContain('Found multiple "dedup_sort" column hints for table "two"');
    expect(await p.query("select id, a, b from ds.two")).toEqual([{ id: 1, a: 1, b: 1 }]);
    expect(p.list_pending_packages()).toHaveLength(1);
  });
});

function chainOf(e: unknown): Error[] {
  const out: Error[] = [];
  let cur = e as (Error & { __context__?: unknown }) | undefined;
  while (cur && !out.includes(cur)) {
    out.push(cur);
    cur = (cur.cause ?? cur.__context__) as typeof cur;
  }
  return out;
}


