// The filesystem destination: a Parquet lake in a temp directory, read back with native DuckDB's
// read_parquet/read_json (what a user of the lake would do), plus state restore from the files and
// a failed load that leaves no file behind.
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dlt from "../../src/dlt/index.ts";

const dir = mkdtempSync(path.join(tmpdir(), "pipebook-fs-"));
const lake = path.join(dir, "lake");
let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await (await DuckDBInstance.create(":memory:")).connect();
});

afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function sql(text: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(text)).getRowObjectsJS() as Record<string, unknown>[];
}

let n = 0;
function pipelineTo(destination: dlt.Destination, name?: string) {
  n += 1;
  return dlt.pipeline({
    pipeline_name: name ?? `fs_${n}`,
    destination,
    dataset_name: `ds_${name ?? n}`,
    pipelines_dir: mkdtempSync(path.join(dir, "pipes-")),
  });
}

const filesOf = (p: string) => (existsSync(p) ? readdirSync(p).filter((f) => !f.startsWith(".")).sort() : []);
/** Each folder of a dataset with its files. */
const foldersOf = (ds: string) =>
  Object.fromEntries(readdirSync(ds, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => [e.name, filesOf(path.join(ds, e.name))]));

describe("filesystem destination", () => {
  it("appends and replaces Parquet files that DuckDB reads back with dlt's types", async () => {
    const p = pipelineTo(dlt.destinations.filesystem(lake));
    const ds = path.join(lake, p.dataset_name);
    const order = (id: number, ts: string) => ({
      id,
      price: id + 0.5,
      name: `order ${id}`,
      paid: id % 2 === 0,
      created: ts,
      lines: [{ sku: `a${id}`, qty: id }, { sku: `b${id}`, qty: id * 10 }],
    });
    const i1 = await p.run([order(1, "2024-01-15T10:00:00.123456Z"), order(2, "2024-02-01T00:00:00Z")], { table_name: "orders" });
    expect(String(i1)).toContain("filesystem");
    await p.run([order(3, "2024-03-01T12:30:00Z")], { table_name: "orders" });

    const orders = `read_parquet('${ds}/orders/*.parquet')`;
    const lines = `read_parquet('${ds}/orders__lines/*.parquet')`;
    expect(filesOf(path.join(ds, "orders"))).toHaveLength(2);
    const types = await sql(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${orders})`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      id: "BIGINT",
      price: "DOUBLE",
      name: "VARCHAR",
      paid: "BOOLEAN",
      created: "TIMESTAMP WITH TIME ZONE",
      _dlt_load_id: "VARCHAR",
      _dlt_id: "VARCHAR",
    });
    expect(
      await sql(
        `SELECT id, price, name, paid, epoch_us(created) AS us FROM ${orders} ORDER BY id`,
      ),
    ).toEqual([
      { id: 1n, price: 1.5, name: "order 1", paid: false, us: 1705312800123456n },
      { id: 2n, price: 2.5, name: "order 2", paid: true, us: 1706745600000000n },
      { id: 3n, price: 3.5, name: "order 3", paid: false, us: 1709296200000000n },
    ]);
    expect(
      await sql(`SELECT o.id, l.sku, l.qty FROM ${orders} o JOIN ${lines} l ON l._dlt_parent_id = o._dlt_id ORDER BY o.id, l.sku`),
    ).toEqual([
      { id: 1n, sku: "a1", qty: 1n },
      { id: 1n, sku: "b1", qty: 10n },
      { id: 2n, sku: "a2", qty: 2n },
      { id: 2n, sku: "b2", qty: 20n },
      { id: 3n, sku: "a3", qty: 3n },
      { id: 3n, sku: "b3", qty: 30n },
    ]);

    // replace deletes the old files of the table and of its child table
    const info = await p.run([order(9, "2024-09-09T09:09:09Z")], { table_name: "orders", write_disposition: "replace" });
    const loadId = info.loads_ids[0];
    expect(filesOf(path.join(ds, "orders"))).toEqual([expect.stringMatching(new RegExp(`^${loadId}\\.[0-9a-f]+\\.parquet$`))]);
    expect(filesOf(path.join(ds, "orders__lines"))).toHaveLength(1);
    expect(await sql(`SELECT id FROM ${orders}`)).toEqual([{ id: 9n }]);
    expect(await sql(`SELECT sku FROM ${lines} ORDER BY sku`)).toEqual([{ sku: "a9" }, { sku: "b9" }]);

    // system tables are JSONL files, one per load / schema version, and the init marker
    expect(existsSync(path.join(ds, "init"))).toBe(true);
    const loads = await sql(`SELECT load_id, status, schema_name FROM read_json('${ds}/_dlt_loads/*.jsonl') ORDER BY load_id`);
    expect(loads).toHaveLength(3);
    expect(loads.every((l) => l.status === 0n && l.schema_name === p.default_schema_name)).toBe(true);
    expect(loads[2].load_id).toBe(loadId);
    expect(filesOf(path.join(ds, "_dlt_loads"))).toHaveLength(3);
    expect(filesOf(path.join(ds, "_dlt_version")).length).toBeGreaterThanOrEqual(1);
    expect(filesOf(path.join(ds, "_dlt_pipeline_state")).every((f) => f.endsWith(".jsonl"))).toBe(true);
    expect(filesOf(path.join(ds, "_dlt_pipeline_state")).length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(lake).some((f) => f.startsWith(".pipebook_tx_"))).toBe(false);

    // no SQL on files
    await expect(p.query("SELECT 1")).rejects.toThrow(/does not run SQL.*read_parquet/);
  });

  it("writes JSONL with a custom layout", async () => {
    const p = pipelineTo(dlt.destinations.filesystem(lake, { loader_file_format: "jsonl", layout: "{table_name}/{YYYY}/{load_id}.{file_id}.{ext}" }));
    await p.run([{ id: 1, big: 9007199254740993n }], { table_name: "things" });
    const year = String(new Date().getUTCFullYear());
    const folder = path.join(lake, p.dataset_name, "things", year);
    const [file] = filesOf(folder);
    expect(file).toMatch(/\.jsonl$/);
    expect(readFileSync(path.join(folder, file), "utf8")).toContain('"big":9007199254740993');
    // merge has no strategy on files: dlt falls back to append
    await p.run([{ id: 1, big: 2n }], { table_name: "things", write_disposition: "merge", primary_key: "id" });
    expect(await sql(`SELECT id, big FROM read_json('${path.join(lake, p.dataset_name)}/things/*/*.jsonl', format='newline_delimited') ORDER BY big`)).toEqual([
      { id: 1n, big: 2n },
      { id: 1n, big: 9007199254740993n },
    ]);
    expect(() => dlt.destinations.filesystem(lake, { layout: "{load_id}.{ext}" })).toThrow(dlt.InvalidFilesystemLayout);
    expect(() => dlt.destinations.filesystem("s3://bucket/x")).toThrow(/only local directories/);
  });

  it("restores an incremental cursor from the files into a pipeline without local state", async () => {
    const events = (upTo: number) =>
      dlt.resource(
        function* events(cursor = dlt.sources.incremental("id", { initial_value: 0 })) {
          for (let id = Number(cursor.last_value) + 1; id <= upTo; id++) yield { id };
        },
        { name: "events" },
      );
    const first = pipelineTo(dlt.destinations.filesystem(lake), "restore_me");
    await first.run(events(5));
    const again = pipelineTo(dlt.destinations.filesystem(lake), "restore_me");
    await again.run(events(8));
    const ds = path.join(lake, first.dataset_name);
    expect(await sql(`SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS m FROM read_parquet('${ds}/events/*.parquet')`)).toEqual([
      { n: 8n, d: 8n, m: 8n },
    ]);
    const sources = again.state.sources as Record<string, { resources: Record<string, { incremental: Record<string, { last_value: number }> }> }>;
    expect(Object.values(sources)[0].resources.events.incremental.id.last_value).toBe(8);
  });

  it("a failing job leaves no new file and no _dlt_loads entry", async () => {
    const p = pipelineTo(dlt.destinations.filesystem(lake));
    const ds = path.join(lake, p.dataset_name);
    const columns = { amount: { data_type: "decimal", precision: 4, scale: 1 } } as const;
    await p.run([{ id: 1, amount: "1.5" }], { table_name: "money", columns });
    await p.run([{ id: 1, note: "kept" }], { table_name: "notes" });
    const snapshot = () => foldersOf(ds);
    const before = snapshot();
    const bad = dlt.source(function bad_source() {
      return [
        dlt.resource([{ id: 2, note: "lost" }], { name: "notes" }),
        dlt.resource([{ id: 2, amount: "123456.5" }], { name: "money", columns }),
        dlt.resource([{ id: 1 }], { name: "brand_new" }),
      ];
    });
    const failure = await p.run(bad()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(dlt.PipelineStepFailed);
    expect((failure as dlt.PipelineStepFailed).step).toBe("load");
    expect(String((failure as Error).message)).toMatch(/money/);
    expect(snapshot()).toEqual(before);
    expect(snapshot()).not.toHaveProperty("brand_new");
    expect(await sql(`SELECT count(*) AS n FROM read_json('${ds}/_dlt_loads/*.jsonl')`)).toEqual([{ n: 2n }]);

    // a dry run counts what would be written and writes nothing
    await p.drop_pending_packages();
    const dry = await p.run([{ id: 3, note: "preview" }], { table_name: "notes", dry_run: true });
    expect(dry.dry_run.tables.notes?.insert).toBe(1);
    expect(snapshot()).toEqual(before);
  });
});
