// merge strategies upsert and insert-only against real DuckDB-WASM (reference §5.5, §5.6, §13.3,
// §13.4; S20).
import { describe, expect, it } from "vitest";
import { dlt, newPipeline } from "./helpers.ts";

const upsert = (name: string, data: unknown[], hints: Record<string, unknown> = {}) =>
  dlt.resource(data, { name, write_disposition: { disposition: "merge", strategy: "upsert" }, primary_key: "id", ...hints });
const insertOnly = (name: string, data: unknown[], hints: Record<string, unknown> = {}) =>
  dlt.resource(data, { name, write_disposition: { disposition: "merge", strategy: "insert-only" }, primary_key: "id", ...hints });

describe("S20 — upsert", () => {
  it("updates and inserts by primary key; ids are the key hash; nested rows follow the list", async () => {
    const p = newPipeline();
    const info1 = await p.run(upsert("ups", [{ id: 1, v: "a", kids: [1, 2] }, { id: 2, v: "b" }]));
    const kidsRun1 = await p.query("select value, _dlt_id from ds.ups__kids order by _dlt_list_idx");
    expect(kidsRun1.map((k) => k.value)).toEqual([1, 2]);
    expect(kidsRun1[0]._dlt_id).toBe("MLWFOonzK0aNQQ");
    expect(await p.query("select _dlt_id from ds.ups where id = 1")).toEqual([{ _dlt_id: "z5jIxXIbUnmbKw" }]);

    const info2 = await p.run(upsert("ups", [{ id: 1, v: "a2", kids: [9] }, { id: 3, v: "c" }]));
    expect(await p.query("select id, v, _dlt_id, _dlt_load_id from ds.ups order by id")).toEqual([
      { id: 1, v: "a2", _dlt_id: "z5jIxXIbUnmbKw", _dlt_load_id: info2.loads_ids[0] },
      { id: 2, v: "b", _dlt_id: expect.stringMatching(/^[A-Za-z0-9+/]{14}$/), _dlt_load_id: info1.loads_ids[0] },
      { id: 3, v: "c", _dlt_id: expect.stringMatching(/^[A-Za-z0-9+/]{14}$/), _dlt_load_id: info2.loads_ids[0] },
    ]);
    expect(await p.query("select value, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id from ds.ups__kids")).toEqual([
      { value: 9, _dlt_root_id: "z5jIxXIbUnmbKw", _dlt_parent_id: "z5jIxXIbUnmbKw", _dlt_list_idx: 0, _dlt_id: "MLWFOonzK0aNQQ" },
    ]);
  });

  it("replaces the whole row: a column missing from the new item becomes NULL (§13.4)", async () => {
    const p = newPipeline();
    await p.run(upsert("w", [{ id: 1, a: "x", b: "y" }]));
    await p.run(upsert("w", [{ id: 1, a: "x2" }]));
    expect(await p.query("select id, a, b from ds.w")).toEqual([{ id: 1, a: "x2", b: null }]);
  });

  it("a root without its list loses its nested rows; other roots keep theirs", async () => {
    const p = newPipeline();
    await p.run(upsert("l", [{ id: 1, kids: [1, 2, 3] }, { id: 2, kids: [4] }]));
    await p.run(upsert("l", [{ id: 1, v: "no kids" }]));
    expect(await p.query("select value from ds.l__kids order by value")).toEqual([{ value: 4 }]);
  });

  it("shorter list: trailing elements go, leading ones are updated in place", async () => {
    const p = newPipeline();
    await p.run(upsert("s", [{ id: 1, kids: [{ k: "a" }, { k: "b" }, { k: "c" }] }]));
    const before = await p.query("select _dlt_id from ds.s__kids order by _dlt_list_idx");
    await p.run(upsert("s", [{ id: 1, kids: [{ k: "A" }] }]));
    expect(await p.query("select k, _dlt_id from ds.s__kids")).toEqual([{ k: "A", _dlt_id: before[0]._dlt_id }]);
  });

  it("nested tables two levels deep are kept in step", async () => {
    const p = newPipeline();
    await p.run(upsert("deep", [{ id: 1, a: [{ x: 1, b: [1, 2] }, { x: 2, b: [3] }] }]));
    await p.run(upsert("deep", [{ id: 1, a: [{ x: 10, b: [7] }] }]));
    expect(await p.query("select x from ds.deep__a")).toEqual([{ x: 10 }]);
    expect(await p.query("select value from ds.deep__a__b")).toEqual([{ value: 7 }]);
  });

  it("hard_delete deletes matched rows with their nested rows; a new key flagged deleted is inserted (§13.3)", async () => {
    const p = newPipeline();
    const hints = { columns: { deleted: { hard_delete: true } } };
    await p.run(upsert("hd", [{ id: 1, v: "a", kids: [1] }, { id: 2, v: "b", kids: [2] }], hints));
    await p.run(upsert("hd", [{ id: 1, deleted: true }, { id: 3, v: "c", deleted: true }, { id: 2, v: "b2", deleted: false }], hints));
    expect(await p.query("select id, v, deleted from ds.hd order by id")).toEqual([
      { id: 2, v: "b2", deleted: false },
      { id: 3, v: "c", deleted: true },
    ]);
    const root2 = (await p.query("select _dlt_id from ds.hd where id = 2"))[0]._dlt_id;
    expect(await p.query("select _dlt_root_id from ds.hd__kids")).toEqual([]);
    // id 2's new item has no list: its kid went with the update
    expect(root2).toMatch(/^[A-Za-z0-9+/]{14}$/);
  });

  it("without a primary key the load fails with SchemaCorruptedException", async () => {
    const p = newPipeline();
    const r = dlt.resource([{ id: 1 }], { name: "nopk", write_disposition: { disposition: "merge", strategy: "upsert" } });
    const err = await p.run(r).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    expect(err.exception.name).toBe("SchemaCorruptedException");
    expect(err.exception.message).toContain(
      "No primary key defined for table `nopk`. `primary_key` needs to be set when using the `upsert` merge strategy.",
    );
    expect(await p.query("select count(*) as n from information_schema.tables where table_schema = 'ds' and table_name = 'nopk'")).toEqual([{ n: 0 }]);
  });
});

describe("insert-only", () => {
  it("inserts new keys and never updates existing ones", async () => {
    const p = newPipeline();
    const info1 = await p.run(insertOnly("io", [{ id: 1, v: "a" }, { id: 2, v: "b" }]));
    await p.run(insertOnly("io", [{ id: 1, v: "a2" }, { id: 3, v: "c" }]));
    expect(await p.query("select id, v from ds.io order by id")).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "b" },
      { id: 3, v: "c" },
    ]);
    expect(await p.query("select _dlt_id, _dlt_load_id from ds.io where id = 1")).toEqual([
      { _dlt_id: "z5jIxXIbUnmbKw", _dlt_load_id: info1.loads_ids[0] },
    ]);
  });

  it("hard-deleted rows are not inserted and do not delete existing rows", async () => {
    const p = newPipeline();
    const hints = { columns: { deleted: { hard_delete: true } } };
    await p.run(insertOnly("iod", [{ id: 1, v: "a", deleted: false }], hints));
    await p.run(insertOnly("iod", [{ id: 1, deleted: true }, { id: 2, v: "b", deleted: true, kids: [1] }, { id: 3, v: "c" }], hints));
    expect(await p.query("select id, v from ds.iod order by id")).toEqual([
      { id: 1, v: "a" },
      { id: 3, v: "c" },
    ]);
    expect(await p.query("select count(*) as n from ds.iod__kids")).toEqual([{ n: 0 }]);
  });

  it("nested rows of existing roots are not replaced", async () => {
    const p = newPipeline();
    await p.run(insertOnly("ion", [{ id: 1, kids: ["a", "b"] }]));
    await p.run(insertOnly("ion", [{ id: 1, kids: ["x"] }, { id: 2, kids: ["y"] }]));
    expect(await p.query("select value from ds.ion__kids order by value")).toEqual([{ value: "a" }, { value: "b" }, { value: "y" }]);
  });
});
