import { describe, expect, it } from "vitest";
import { columnsOf, dlt, newPipeline } from "./helpers.ts";

describe("the lesson's first pipeline", () => {
  it("loads a source into mydata.load_dict and prints dlt's LoadInfo", async () => {
    const data = [
      { id: 1, name: "Alice" },
      { id: 2, name: "Bob" },
    ];
    const simple_source = dlt.source(function simple_source() {
      const load_dict = dlt.resource(function* load_dict() {
        yield data;
      });
      return load_dict;
    });
    const pipeline = dlt.pipeline({
      pipeline_name: "simple_pipeline",
      destination: dlt.destinations.duckdb(),
      dataset_name: "mydata",
    });
    const info = await pipeline.run(simple_source(), { write_disposition: "replace" });
    const lines = String(info).split("\n");
    expect(lines[0]).toMatch(/^Pipeline simple_pipeline load step completed in \d+\.\d\d seconds$/);
    expect(lines[1]).toBe("1 load package(s) were loaded to destination duckdb and into dataset mydata");
    expect(lines[2]).toBe("The duckdb destination used duckdb:///:memory: location to store data");
    expect(lines[3]).toMatch(/^Load package \d+\.\d+ is LOADED and contains no failed jobs$/);
    expect(info.has_failed_jobs).toBe(false);
    expect(pipeline.default_schema_name).toBe("simple_source");

    const rows = await pipeline.query("select id, name from mydata.load_dict order by id");
    expect(rows).toEqual([
      { id: 1, name: "Alice" },
      { id: 2, name: "Bob" },
    ]);
    expect(await columnsOf(pipeline, "load_dict", "mydata")).toEqual([
      "id BIGINT",
      "name VARCHAR",
      "_dlt_load_id VARCHAR NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
    const loads = await pipeline.query("select load_id, schema_name, status from mydata._dlt_loads");
    expect(loads).toEqual([{ load_id: info.loads_ids[0], schema_name: "simple_source", status: 0 }]);
    const ids = await pipeline.query("select _dlt_id, _dlt_load_id from mydata.load_dict");
    for (const r of ids) {
      expect(r._dlt_id).toMatch(/^[A-Za-z0-9+/]{14}$/);
      expect(r._dlt_load_id).toBe(info.loads_ids[0]);
    }
  });

  it("replace, append and merge behave as the lesson says", async () => {
    const data = [
      { id: 1, name: "Alice" },
      { id: 2, name: "Bob" },
    ];
    const src = dlt.source(function simple_source() {
      return dlt.resource(function* load_dict() {
        yield data;
      });
    });
    const p = newPipeline();
    const count = async () => Number((await p.query("select count(*) as n from ds.load_dict"))[0].n);
    await p.run(src(), { write_disposition: "replace" });
    await p.run(src(), { write_disposition: "replace" });
    expect(await count()).toBe(2);
    await p.run(src(), { write_disposition: "append" });
    expect(await count()).toBe(4);
    await p.run(src(), { write_disposition: "replace" });
    await p.run(src(), { write_disposition: "merge", primary_key: "id" });
    expect(await count()).toBe(2);
    data[0].name = "Alicia";
    await p.run(src(), { write_disposition: "merge", primary_key: "id" });
    expect(await p.query("select id, name from ds.load_dict order by id")).toEqual([
      { id: 1, name: "Alicia" },
      { id: 2, name: "Bob" },
    ]);
  });
});

describe("S1 nested lists become child tables", () => {
  it("links child rows to parents with dlt's ids and counts rows", async () => {
    const p = newPipeline();
    const users = [
      { id: 1, name: "Alice", pets: [{ id: 1, name: "Fluffy", type: "cat" }, { id: 2, name: "Spot", type: "dog" }] },
      { id: 2, name: "Bob", pets: [{ id: 3, name: "Fido", type: "dog" }] },
    ];
    await p.run(users, { table_name: "users" });
    expect(p.last_trace!.last_normalize_info!.row_counts).toEqual({ _dlt_pipeline_state: 1, users: 2, users__pets: 3 });
    expect(String(p.last_trace!.last_normalize_info)).toContain("- users__pets: 3 row(s)");
    const parents = await p.query("select id, _dlt_id from ds.users order by id");
    const pets = await p.query(
      "select id, name, type, _dlt_parent_id, _dlt_list_idx, _dlt_id from ds.users__pets order by id",
    );
    expect(pets.map((r) => [r.id, r._dlt_parent_id, r._dlt_list_idx])).toEqual([
      [1, parents[0]._dlt_id, 0],
      [2, parents[0]._dlt_id, 1],
      [3, parents[1]._dlt_id, 0],
    ]);
    expect(await columnsOf(p, "users__pets")).toEqual([
      "id BIGINT",
      "name VARCHAR",
      "type VARCHAR",
      "_dlt_parent_id VARCHAR NOT NULL",
      "_dlt_list_idx BIGINT NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
  });
});

describe("S3 scalars and table names", () => {
  it("loads scalar items into a value column", async () => {
    const p = newPipeline();
    await p.run([1, 2, 3], { table_name: "numbers" });
    expect(await p.query("select value from ds.numbers order by value")).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    expect(await columnsOf(p, "numbers")).toEqual(["value BIGINT", "_dlt_load_id VARCHAR NOT NULL", "_dlt_id VARCHAR NOT NULL"]);
  });

  it("a plain list without table_name fails at extract with ResourceNameMissing", async () => {
    const p = newPipeline();
    const err = await p.run([{ a: 1 }]).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.exception).toBeInstanceOf(dlt.ResourceNameMissing);
  });

  it("normalizes table names", async () => {
    const p = newPipeline();
    await p.run([{ a: 1 }], { table_name: "Watch Event" });
    expect(await p.query("select a from ds.watch_event")).toEqual([{ a: 1 }]);
  });

  it("loose resources go into a schema named after the pipeline", async () => {
    const p = newPipeline();
    const gen = dlt.resource(function* gen() {
      yield { x: 1 };
    });
    await p.run(gen);
    expect(p.default_schema_name).toBe(p.pipeline_name);
    expect(await p.query("select x from ds.gen")).toEqual([{ x: 1 }]);
  });
});

describe("S9 schema evolution", () => {
  it("adds columns at the end and stores a new schema version", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, name: "a" }], { table_name: "items" });
    const v1 = await p.query("select max(version) as v from ds._dlt_version");
    await p.run([{ id: 2, name: "b", extra: true }], { table_name: "items" });
    expect(await columnsOf(p, "items")).toEqual([
      "id BIGINT",
      "name VARCHAR",
      "_dlt_load_id VARCHAR NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
      "extra BOOLEAN",
    ]);
    expect(await p.query("select id, extra from ds.items order by id")).toEqual([
      { id: 1, extra: null },
      { id: 2, extra: true },
    ]);
    const v2 = await p.query("select max(version) as v from ds._dlt_version");
    expect(Number(v2[0].v)).toBeGreaterThan(Number(v1[0].v));
    const stored = await p.query("select schema from ds._dlt_version order by version desc limit 1");
    const schema = JSON.parse(String(stored[0].schema));
    expect(schema.tables.items.columns.extra.data_type).toBe("bool");
  });
});

describe("S12 append with primary key does not dedupe", () => {
  it("keeps both rows and marks the key not null", async () => {
    const p = newPipeline();
    await p.run([{ id: 1 }], { table_name: "t", primary_key: "id" });
    await p.run([{ id: 1 }], { table_name: "t", primary_key: "id" });
    expect(await p.query("select id from ds.t")).toEqual([{ id: 1 }, { id: 1 }]);
    expect((await columnsOf(p, "t"))[0]).toBe("id BIGINT NOT NULL");
    expect(p.default_schema!.tables.t.columns.id.primary_key).toBe(true);
  });
});

describe("S13 replace with nested tables, and empty replace", () => {
  it("truncates the whole chain, also when nothing is yielded", async () => {
    const p = newPipeline();
    let batch: unknown[] = [
      { id: 1, kids: [1, 2] },
      { id: 2, kids: [3] },
    ];
    const r = dlt.resource(
      function* r() {
        yield* batch;
      },
      { write_disposition: "replace" },
    );
    await p.run(r);
    batch = [{ id: 3, kids: [4] }];
    await p.run(r);
    expect(await p.query("select id from ds.r")).toEqual([{ id: 3 }]);
    expect(await p.query("select value from ds.r__kids")).toEqual([{ value: 4 }]);
    batch = [];
    const info = await p.run(r);
    expect(info.loads_ids).toHaveLength(1);
    expect(await p.query("select count(*) as n from ds.r")).toEqual([{ n: 0 }]);
    expect(await p.query("select count(*) as n from ds.r__kids")).toEqual([{ n: 0 }]);
  });

  it("insert-from-staging replaces through the staging dataset", async () => {
    const p = newPipeline({ destination: dlt.destinations.duckdb(null, { replace_strategy: "insert-from-staging" }) });
    await p.run([{ id: 1, kids: [1] }], { table_name: "r", write_disposition: "replace" });
    await p.run([{ id: 2, kids: [2, 3] }], { table_name: "r", write_disposition: "replace" });
    expect(await p.query("select id from ds.r")).toEqual([{ id: 2 }]);
    expect(await p.query("select value from ds.r__kids order by value")).toEqual([{ value: 2 }, { value: 3 }]);
    expect(await p.query("select count(*) as n from information_schema.tables where table_schema='ds_staging'")).toEqual([{ n: 2 }]);
  });
});

describe("empty runs", () => {
  it("the first run with no data creates one package with the state row; later ones none", async () => {
    const p = newPipeline();
    const empty = dlt.resource(function* empty() {}, {});
    const first = await p.run(empty);
    expect(first.loads_ids).toHaveLength(1);
    const second = await p.run(empty);
    expect(second.loads_ids).toHaveLength(0);
    const text = String(second).split("\n");
    expect(text[0]).toBe(`Pipeline ${p.pipeline_name} load step completed in ---`);
    expect(text[1]).toBe("0 load package(s) were loaded to destination duckdb and into dataset None");
  });
});

describe("run() with nothing to do", () => {
  it("returns null (dlt's None) when no data is given and nothing is pending", async () => {
    const p = newPipeline();
    expect(await p.run()).toBeNull();
    await p.run([{ a: 1 }], { table_name: "t" });
    expect(await p.run()).toBeNull();
  });
});

describe("S27 failed jobs", () => {
  const prices = () =>
    dlt.resource([{ sku: "a", price: 1.5 }, { sku: "b", price: 123456.5 }], { name: "prices", columns: { price: { data_type: "decimal", precision: 5, scale: 2 } } });

  it("by default a failed job aborts the package and raises at load; nothing is left to retry", async () => {
    const p = newPipeline();
    const err = await p.run(prices()).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    expect(err.exception).toBeInstanceOf(dlt.LoadClientJobFailed);
    expect(err.step_info.load_packages[0].state).toBe("aborted");
    expect(await p.query("select count(*) as n from information_schema.tables where table_schema = 'ds' and table_name = '_dlt_loads'")).toEqual([{ n: 0 }]);
    expect(await p.run()).toBeNull();
  });

  it("with raise_on_failed_jobs: false the package loads with its failed job reported", async () => {
    const p = newPipeline({ raise_on_failed_jobs: false });
    const info = await p.run(prices());
    expect(info.has_failed_jobs).toBe(true);
    const text = String(info);
    expect(text).toMatch(/Load package \d+\.\d+ is LOADED and contains 1 FAILED job\(s\)!\n\t\[prices\.[0-9a-f]{10}\.\w+\]: Conversion Error/);
    expect(info.load_packages[0].jobs.failed_jobs[0].failed_message).toContain("DECIMAL(5,2)");
    expect(await p.query("select status from ds._dlt_loads")).toEqual([{ status: 0 }]);
    expect(() => info.raise_on_failed_jobs()).toThrow(dlt.DestinationHasFailedJobs);
  });
});
