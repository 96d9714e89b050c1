// dlt.sources.incremental against real DuckDB-WASM (reference §6.1–§6.5, §7.3; S23–S26).
import { describe, expect, it } from "vitest";
import { dlt, newPipeline } from "./helpers.ts";
import { decodeState } from "../../src/dlt/pipeline/state.ts";

const incremental = dlt.sources.incremental;
type Row = Record<string, unknown>;

/** Runs a loose resource over `items` with an incremental hint and returns the loaded cursor values. */
async function filtered(items: Row[], cursor: string, options: Record<string, unknown>, column = cursor) {
  const p = newPipeline();
  await p.run(dlt.resource(items, { name: "r", incremental: incremental(cursor, options) }));
  const tables = await p.query("select table_name from information_schema.tables where table_schema = 'ds' and table_name = 'r'");
  if (tables.length === 0) return [];
  return (await p.query(`select ${column} as v from ds.r`)).map((r) => r.v);
}

const ts = (...values: number[]) => values.map((v) => ({ ts: v }));

describe("filtering (§6.2 verified examples)", () => {
  it("initial/end values, row order, min, open range, nested paths", async () => {
    expect(await filtered(ts(0, 1, 2, 3, 4, 5, 6, 7), "ts", { initial_value: 2, end_value: 5 })).toEqual([2, 3, 4]);
    expect(await filtered(ts(7, 5, 4, 2, 6), "ts", { initial_value: 5, last_value_func: "min" })).toEqual([5, 4, 2]);
    expect(await filtered(ts(1, 2, 3), "ts", { initial_value: 2, range_start: "open" })).toEqual([3]);
    expect(await filtered([{ meta: { updated: 1 } }, { meta: { updated: 3 } }], "meta.updated", { initial_value: 2 }, "meta__updated")).toEqual([3]);
  });

  it("row_order closes the generator at the first out-of-range item", async () => {
    const read: number[] = [];
    const gen = (values: number[]) =>
      function* r() {
        for (const v of values) {
          read.push(v);
          yield { ts: v };
        }
      };
    const p = newPipeline();
    await p.run(dlt.resource(gen([9, 8, 3, 2, 1, 10]), { name: "d", incremental: incremental("ts", { initial_value: 2, row_order: "desc" }) }));
    expect((await p.query("select ts from ds.d")).map((r) => r.ts)).toEqual([9, 8, 3, 2]);
    expect(read).toEqual([9, 8, 3, 2, 1]);
    read.length = 0;
    await p.run(dlt.resource(gen([1, 2, 5, 3]), { name: "a", incremental: incremental("ts", { initial_value: 0, end_value: 4, row_order: "asc" }) }));
    expect((await p.query("select ts from ds.a")).map((r) => r.ts)).toEqual([1, 2]);
    expect(read).toEqual([1, 2, 5]);
  });

  it("on_cursor_value_missing: include, exclude, raise", async () => {
    const items = [{ id: 1, ts: 1 }, { id: 2 }, { id: 3, ts: null }];
    expect(await filtered(items, "ts", { on_cursor_value_missing: "include" }, "id")).toEqual([1, 2, 3]);
    expect(await filtered(items, "ts", { on_cursor_value_missing: "exclude" }, "id")).toEqual([1]);
    const p = newPipeline();
    const err = await p.run(dlt.resource(items, { name: "r", incremental: incremental("ts") })).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(String(err.exception?.message ?? err.message)).toContain("Cursor element with JSON path `ts` was not found in extracted data item");
  });
});

describe("run to run", () => {
  it("§6.3: boundary deduplication by primary key, then nothing new", async () => {
    const p = newPipeline();
    const make = (items: Row[]) =>
      dlt.resource(function* items_res() {
        yield items;
      }, { name: "items", primary_key: "id", incremental: incremental("updated_at", { initial_value: 0 }) });
    await p.run(make([{ id: 1, updated_at: 1 }, { id: 2, updated_at: 2 }, { id: 3, updated_at: 2 }]));
    let st = p.state.sources![p.pipeline_name].resources!.items.incremental as Record<string, any>;
    expect(st.updated_at).toEqual({ initial_value: 0, last_value: 2, unique_hashes: ["Tp44cKMYfAuJiBfxLAqu", "Cn/dwi436vBbdERZ9hKf"], start_value: 0 });
    await p.run(make([{ id: 2, updated_at: 2 }, { id: 3, updated_at: 2 }, { id: 4, updated_at: 2 }, { id: 0, updated_at: 1 }, { id: 5, updated_at: 3 }]));
    expect((await p.query("select id from ds.items order by id")).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    st = p.state.sources![p.pipeline_name].resources!.items.incremental as Record<string, any>;
    expect(st.updated_at).toEqual({ initial_value: 0, last_value: 3, unique_hashes: ["tIXXf9wiHssyAgHEzQnu"], start_value: 2 });
    const info = await p.run(make([{ id: 2, updated_at: 2 }, { id: 5, updated_at: 3 }]));
    expect(info.loads_ids).toEqual([]);
    expect(String(info)).toContain("0 load package(s) were loaded");
  });

  it("S23: dedup of equal cursors without a primary key column hint on the incremental", async () => {
    const p = newPipeline();
    const rows = (pairs: Array<[number, string]>) => pairs.map(([created_at, id]) => ({ id, created_at }));
    const make = (items: Row[]) => dlt.resource(items, { name: "some_data", primary_key: "id", incremental: incremental("created_at") });
    await p.run(make(rows([[1, "a"], [2, "b"], [3, "c"], [3, "d"], [3, "e"]])));
    const st1 = (p.state.sources![p.pipeline_name].resources!.some_data.incremental as Record<string, any>).created_at;
    expect(st1).toEqual({ initial_value: null, last_value: 3, unique_hashes: ["qOM08jBxq2rZrwZqk2gR", "CauTQ6dbh/YXKOWntRWd", "NI0rKbd5ZZUg+G/wonVl"], start_value: null });
    await p.run(make(rows([[4, "g"], [3, "c"], [3, "d"], [3, "e"], [3, "f"]])));
    expect(await p.query("select created_at, id from ds.some_data order by id")).toEqual(
      [[1, "a"], [2, "b"], [3, "c"], [3, "d"], [3, "e"], [3, "f"], [4, "g"]].map(([created_at, id]) => ({ created_at, id })),
    );
    const st2 = (p.state.sources![p.pipeline_name].resources!.some_data.incremental as Record<string, any>).created_at;
    expect(st2).toEqual({ initial_value: null, last_value: 4, unique_hashes: ["mrHcW/dIw0ULFYzkchZS"], start_value: 3 });
  });

  it("the lesson's default-parameter form reads last_value inside the resource", async () => {
    const p = newPipeline();
    const seen: unknown[] = [];
    const events = [
      { id: 1, timestamp: "2024-01-02T00:00:00Z" },
      { id: 2, timestamp: "2024-01-03T00:00:00Z" },
    ];
    const load_events = dlt.resource(function* load_events(
      last_timestamp = incremental("timestamp", { initial_value: "2024-01-01" }),
    ) {
      seen.push(last_timestamp.last_value);
      yield events.filter((e) => e.timestamp > String(last_timestamp.last_value));
    });
    await p.run(load_events);
    events.push({ id: 3, timestamp: "2024-01-04T00:00:00Z" });
    await p.run(load_events);
    expect(seen).toEqual(["2024-01-01", "2024-01-03T00:00:00Z"]);
    expect((await p.query("select id from ds.load_events order by id")).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it("S25: replace resets the incremental state", async () => {
    const p = newPipeline();
    const make = () => dlt.resource(ts(1, 2, 3), { name: "r", incremental: incremental("ts") });
    expect((await p.run(make())).loads_ids).toHaveLength(1);
    expect((await p.run(make())).loads_ids).toHaveLength(0);
    const info = await p.run(make(), { write_disposition: "replace" });
    expect(info.loads_ids).toHaveLength(1);
    expect((await p.query("select ts from ds.r order by ts")).map((r) => r.ts)).toEqual([1, 2, 3]);
  });

  it("lag re-reads a window and end_value makes the run stateless", async () => {
    const p = newPipeline();
    await p.run(dlt.resource(ts(1, 2, 3, 4, 5), { name: "r", incremental: incremental("ts", { lag: 2 }) }));
    await p.run(dlt.resource(ts(1, 2, 3, 4, 5, 6, 7), { name: "r", incremental: incremental("ts", { lag: 2 }) }));
    expect((await p.query("select ts, count(*) as n from ds.r group by ts order by ts")).map((r) => `${r.ts}:${r.n}`).join()).toBe("1:1,2:1,3:2,4:2,5:2,6:1,7:1");
    const q = newPipeline();
    await q.run(dlt.resource(ts(0, 1, 2, 3, 4, 5), { name: "s", incremental: incremental("ts", { initial_value: 2, end_value: 5 }) }));
    expect(q.state.sources?.[q.pipeline_name]?.resources?.s).toBeUndefined();
  });
});

describe("state in the destination (S26, §7.3)", () => {
  it("is written with the data, decodes like dlt's, and restores a pipeline that lost its local state", async () => {
    const destination = dlt.destinations.duckdb();
    const name = `restore_${Date.now() % 100000}`;
    const make = (items: Row[]) => dlt.resource(items, { name: "some_data", primary_key: "id", incremental: incremental("ts") });
    const p = dlt.pipeline({ pipeline_name: name, destination, dataset_name: "ds" });
    await p.run(make([{ id: 1, ts: 1 }, { id: 2, ts: 5 }]));
    const rows = await p.query("select version, engine_version, pipeline_name, state, version_hash, _dlt_load_id from ds._dlt_pipeline_state");
    expect(rows).toHaveLength(1);
    expect(rows[0].version).toBe(1);
    expect(rows[0].engine_version).toBe(4);
    const loads = await p.query("select load_id from ds._dlt_loads where status = 0");
    expect(loads.map((l) => l.load_id)).toContain(rows[0]._dlt_load_id);
    const decoded = decodeState(String(rows[0].state));
    expect((decoded.sources![name].resources!.some_data.incremental as any).ts.last_value).toBe(5);
    expect(decoded._version_hash).toBe(rows[0].version_hash);

    await p.drop();
    expect(p.state.sources).toBeUndefined();
    expect(p.first_run).toBe(true);
    await p.run(make([{ id: 2, ts: 5 }, { id: 3, ts: 6 }, { id: 4, ts: 4 }]));
    expect((await p.query("select id from ds.some_data order by id")).map((r) => r.id)).toEqual([1, 2, 3]);
    const st = (p.state.sources![name].resources!.some_data.incremental as any).ts;
    expect([st.last_value, st.start_value]).toEqual([6, 5]);
  });

  it("ignores state rows whose load is not in _dlt_loads", async () => {
    const destination = dlt.destinations.duckdb();
    const name = `unfinished_${Date.now() % 100000}`;
    const make = (items: Row[]) => dlt.resource(items, { name: "r", incremental: incremental("ts") });
    const p = dlt.pipeline({ pipeline_name: name, destination, dataset_name: "ds" });
    await p.run(make(ts(1, 2)));
    await p.run(make(ts(3)));
    const newest = await p.query("select max(_dlt_load_id) as id from ds._dlt_pipeline_state");
    await p.query(`delete from ds._dlt_loads where load_id = '${newest[0].id}'`);
    await p.drop();
    await p.sync_destination();
    expect(((p.state.sources![name].resources!.r.incremental as any).ts).last_value).toBe(2);
  });

  it("S28 refresh: drop_data empties tables and restarts cursors; drop_sources drops tables", async () => {
    const p = newPipeline();
    const make = (items: Row[]) => dlt.resource(items, { name: "r", incremental: incremental("v", { initial_value: 0 }) });
    await p.run(make([{ k: 1, v: 1 }, { k: 2, v: 2 }]));
    await p.run(make([{ k: 10, v: 1 }]), { refresh: "drop_data" });
    expect(await p.query("select k, v from ds.r")).toEqual([{ k: 10, v: 1 }]);
    const st = (p.state.sources![p.pipeline_name].resources!.r.incremental as any).v;
    expect([st.last_value, st.start_value]).toEqual([1, 0]);
    await p.run(dlt.resource([{ other: "x" }], { name: "r" }), { refresh: "drop_sources" });
    expect(await p.query("select * exclude (_dlt_load_id, _dlt_id) from ds.r")).toEqual([{ other: "x" }]);
    const versions = await p.query(`select count(*) as n from ds._dlt_version where schema_name = '${p.default_schema_name}'`);
    expect(versions[0].n).toBe(1);
  });
});

describe("dlt.current", () => {
  it("source_state and resource_state are kept in the pipeline state between runs and written with the data", async () => {
    const p = newPipeline();
    const counter = () =>
      dlt.resource(function* counter() {
        const rs = dlt.current.resource_state();
        rs.runs = ((rs.runs as number) ?? 0) + 1;
        const ss = dlt.current.source_state();
        ss.seen = [...((ss.seen as string[]) ?? []), `run ${rs.runs}`];
        yield { run: rs.runs };
      });
    await p.run(counter());
    await p.run(counter());
    const src = p.state.sources![p.pipeline_name];
    expect(src.resources!.counter).toEqual({ runs: 2 });
    expect(src.seen).toEqual(["run 1", "run 2"]);
    const stateRow = await p.query("select state from ds._dlt_pipeline_state order by version desc limit 1");
    expect((decodeState(String(stateRow[0].state)).sources![p.pipeline_name].resources!.counter as { runs: number }).runs).toBe(2);
    expect(() => dlt.current.resource_state()).toThrow(dlt.PipelineStateError);
  });
});
