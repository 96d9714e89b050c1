// The same load semantics on every destination: native DuckDB (a file), DuckDB-WASM (:memory:) and
// Postgres (a throwaway cluster). Each case runs its body once per destination and asserts the
// values read back from the real database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dlt from "../../src/dlt/index.ts";
import type { Destination } from "../../src/dlt/index.ts";
import { postgresUnavailable, startPostgres, type PostgresCluster } from "./support/postgres.ts";

interface Target {
  name: string;
  destination(): Destination;
  skip?: string;
}

const dir = mkdtempSync(path.join(tmpdir(), "pipebook-dest-"));
let cluster: PostgresCluster | undefined;
const pgSkip = postgresUnavailable();
if (pgSkip) console.warn(`postgres cases skipped: ${pgSkip}`);

const targets: Target[] = [
  { name: "duckdb (native file)", destination: () => dlt.destinations.duckdb(path.join(dir, "native.duckdb")) },
  { name: "duckdb (wasm :memory:)", destination: () => dlt.destinations.duckdb() },
  { name: "postgres", destination: () => dlt.destinations.postgres(cluster!.url), skip: pgSkip },
];

beforeAll(async () => {
  if (!pgSkip) cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  if (cluster) {
    await dlt.destinations.postgres(cluster.url).close();
    cluster.stop();
  }
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A pipeline with its own dataset and empty local state. */
function pipelineOn(t: Target, options: Partial<dlt.PipelineOptions> = {}) {
  n += 1;
  return dlt.pipeline({
    pipeline_name: `dest_${n}`,
    destination: t.destination(),
    dataset_name: `ds_${n}`,
    pipelines_dir: mkdtempSync(path.join(dir, "pipes-")),
    ...options,
  });
}

describe.each(targets)("$name", (t) => {
  const test = t.skip ? it.skip : it;

  test("append adds rows; replace swaps them; LoadInfo names the destination", async () => {
    const p = pipelineOn(t);
    const info = await p.run([{ id: 1, v: "a" }, { id: 2, v: "b" }], { table_name: "items" });
    expect(info.destination_type).toBe(t.destination().destination_type);
    expect(String(info)).toContain(`to destination ${t.destination().destination_name}`);
    if (t.name === "postgres") expect(String(info)).toContain(`postgresql://postgres:***@127.0.0.1:${cluster!.port}/postgres`);
    await p.run([{ id: 3, v: "c" }], { table_name: "items" });
    const ds = p.dataset_name;
    expect(await p.query(`SELECT id, v FROM ${ds}.items ORDER BY id`)).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "b" },
      { id: 3, v: "c" },
    ]);
    await p.run([{ id: 9, v: "z" }], { table_name: "items", write_disposition: "replace" });
    expect(await p.query(`SELECT id, v FROM ${ds}.items ORDER BY id`)).toEqual([{ id: 9, v: "z" }]);
    const loads = await p.query(`SELECT count(*) AS n FROM ${ds}._dlt_loads WHERE status = 0`);
    expect(loads[0].n).toBe(3);
  });

  test("merge delete-insert with nested tables replaces the children of updated rows", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    const opts = { table_name: "orders", write_disposition: "merge", primary_key: "id" } as const;
    await p.run(
      [
        { id: 1, status: "new", lines: [{ sku: "a" }, { sku: "b" }] },
        { id: 2, status: "new", lines: [{ sku: "c" }] },
      ],
      opts,
    );
    await p.run([{ id: 1, status: "paid", lines: [{ sku: "x" }] }, { id: 1, status: "shipped", lines: [{ sku: "y" }] }], opts);
    expect(await p.query(`SELECT id, status FROM ${ds}.orders ORDER BY id`)).toEqual([
      { id: 1, status: "paid" },
      { id: 2, status: "new" },
    ]);
    expect(
      await p.query(`SELECT o.id, l.sku FROM ${ds}.orders o JOIN ${ds}.orders__lines l ON l._dlt_parent_id = o._dlt_id ORDER BY o.id, l.sku`),
    ).toEqual([
      { id: 1, sku: "x" },
      { id: 2, sku: "c" },
    ]);
  });

  test("upsert updates matched keys, inserts new ones and applies hard deletes", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    const wd = { disposition: "merge", strategy: "upsert" } as const;
    const columns = { deleted: { hard_delete: true, data_type: "bool" } } as const;
    await p.run([{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "c" }], { table_name: "kv", write_disposition: wd, primary_key: "id", columns });
    await p.run([{ id: 2, v: "B" }, { id: 3, deleted: true }, { id: 4, v: "d" }], { table_name: "kv", write_disposition: wd, primary_key: "id", columns });
    expect(await p.query(`SELECT id, v FROM ${ds}.kv ORDER BY id`)).toEqual([
      { id: 1, v: "a" },
      { id: 2, v: "B" },
      { id: 4, v: "d" },
    ]);
  });

  test("scd2 retires changed and absent records at one boundary", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    const wd = { disposition: "merge", strategy: "scd2" } as const;
    const i1 = await p.run([{ k: 1, v: "a" }, { k: 2, v: "b" }], { table_name: "dim", write_disposition: wd });
    const i2 = await p.run([{ k: 1, v: "a2" }], { table_name: "dim", write_disposition: wd });
    const at = (id: string) => new Date(Math.round(Number(id) * 1000));
    expect(await p.query(`SELECT k, v, _dlt_valid_from AS f, _dlt_valid_to AS t FROM ${ds}.dim ORDER BY k, f`)).toEqual([
      { k: 1, v: "a", f: at(i1.loads_ids[0]), t: at(i2.loads_ids[0]) },
      { k: 1, v: "a2", f: at(i2.loads_ids[0]), t: null },
      { k: 2, v: "b", f: at(i1.loads_ids[0]), t: at(i2.loads_ids[0]) },
    ]);
  });

  test("every dlt type reads back exactly", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    const row = {
      id: 1,
      big: 2n ** 60n + 7n,
      neg: -(2n ** 62n),
      dbl: 1.25,
      flag: true,
      txt: "tab\there, backslash \\ and newline\nend",
      empty: "",
      nothing: null,
      dec: "12345.678900001",
      ts: "2024-01-15T10:00:00.123456Z",
      day: "2024-02-29",
      tm: "12:34:56.5",
      bin: new Uint8Array([0, 1, 92, 9, 255]),
      doc: { a: [1, 2], b: "x\ty", c: null },
    };
    await p.run([row, { id: 2, nothing: "set" }], {
      table_name: "typed",
      columns: {
        dec: { data_type: "decimal" },
        day: { data_type: "date" },
        tm: { data_type: "time" },
        doc: { data_type: "json" },
        nothing: { data_type: "text" },
      },
    });
    const [got] = await p.query(`SELECT * FROM ${ds}.typed WHERE id = 1`);
    expect(got.big).toBe(2n ** 60n + 7n);
    expect(got.neg).toBe(-(2n ** 62n));
    expect(got.dbl).toBe(1.25);
    expect(got.flag).toBe(true);
    expect(got.txt).toBe(row.txt);
    expect(got.empty).toBe("");
    expect(got.nothing).toBeNull();
    expect(got.dec).toBe("12345.678900001");
    expect(got.ts).toEqual(new Date(Date.UTC(2024, 0, 15, 10, 0, 0, 123)));
    expect(got.day).toBe("2024-02-29");
    expect(got.tm).toBe("12:34:56.500000");
    expect(Array.from(got.bin as Uint8Array)).toEqual([0, 1, 92, 9, 255]);
    expect(JSON.parse(String(got.doc))).toEqual(row.doc);
    // Microseconds are kept, not only what a Date shows.
    const [us] = await p.query(`SELECT count(*) AS n FROM ${ds}.typed WHERE ts = '2024-01-15 10:00:00.123456+00'`);
    expect(us.n).toBe(1);
  });

  test("state restores from the destination into a pipeline without local state", async () => {
    const events = (upTo: number) =>
      dlt.resource(
        function* events(cursor = dlt.sources.incremental("id", { initial_value: 0 })) {
          for (let id = Number(cursor.last_value) + 1; id <= upTo; id++) yield { id };
        },
        { name: "events" },
      );
    const first = pipelineOn(t);
    await first.run(events(5));
    const again = dlt.pipeline({
      pipeline_name: first.pipeline_name,
      destination: t.destination(),
      dataset_name: first.dataset_name,
      pipelines_dir: mkdtempSync(path.join(dir, "pipes-")),
    });
    await again.run(events(8));
    expect(await again.query(`SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS m FROM ${first.dataset_name}.events`)).toEqual([
      { n: 8, d: 8, m: 8 },
    ]);
    const sources = again.state.sources as Record<string, { resources: Record<string, { incremental: Record<string, { last_value: number }> }> }>;
    expect(Object.values(sources)[0].resources.events.incremental.id.last_value).toBe(8);
  });

  test("a failing job leaves every table as it was and fails the load step", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    const columns = { amount: { data_type: "decimal", precision: 4, scale: 1 } } as const;
    await p.run([{ id: 1, amount: "1.5" }], { table_name: "money", columns });
    await p.run([{ id: 1, note: "kept" }], { table_name: "notes" });
    const before = async () => ({
      money: await p.query(`SELECT id, amount FROM ${ds}.money ORDER BY id`),
      notes: await p.query(`SELECT id, note FROM ${ds}.notes ORDER BY id`),
      loads: await p.query(`SELECT count(*) AS n FROM ${ds}._dlt_loads`),
    });
    const snapshot = await before();
    expect(snapshot.money).toEqual([{ id: 1, amount: "1.5" }]);
    const bad = dlt.source(function bad_source() {
      return [
        dlt.resource([{ id: 2, note: "lost" }], { name: "notes" }),
        dlt.resource([{ id: 2, amount: "123456.5" }], { name: "money", columns }),
      ];
    });
    const failure = await p.run(bad()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(dlt.PipelineStepFailed);
    expect((failure as dlt.PipelineStepFailed).step).toBe("load");
    expect(String((failure as Error).message)).toMatch(/money/);
    expect(await before()).toEqual(snapshot);
  });

  test("the columns of named tables: only those that exist, in column order, also inside a transaction", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    await p.run([{ id: 1, tags: ["a"], note: "n" }], { table_name: "items" });
    const client = (await p.destination.client()) as dlt.SqlClient;
    await client.execute(`CREATE TABLE ${ds}."odd ""name"" . x" (b INTEGER, a VARCHAR)`);
    const listed = await client.storageColumns(ds);
    expect(listed.get("items")).toEqual(["id", "note", "_dlt_load_id", "_dlt_id"]);
    const named = ["items", 'odd "name" . x', "items__tags", "_dlt_loads"];
    const expected = new Map(named.map((n) => [n, listed.get(n)]));
    expect(expected.get('odd "name" . x')).toEqual(["b", "a"]);
    expect(await client.storageColumns(ds, named)).toEqual(expected);
    // a missing table is left out, and the transaction it was asked in still commits
    await client.transaction(async () => {
      expect(await client.storageColumns(ds, ["nope", "items"])).toEqual(new Map([["items", listed.get("items")]]));
      await client.execute(`INSERT INTO ${ds}."odd ""name"" . x" VALUES (7, 'kept')`);
    });
    expect(await p.query(`SELECT b, a FROM ${ds}."odd ""name"" . x"`)).toEqual([{ b: 7, a: "kept" }]);
    expect(await client.storageColumns("no_such_dataset", ["items"])).toEqual(new Map());
  });

  test("tables dropped by hand are made again by the next load", async () => {
    const p = pipelineOn(t);
    const ds = p.dataset_name;
    await p.run([{ id: 1, tags: ["a", "b"] }], { table_name: "items" });
    await p.query(`DROP TABLE ${ds}.items__tags`);
    await p.query(`DROP TABLE ${ds}.items`);
    await p.run([{ id: 2, tags: ["c"] }], { table_name: "items" });
    expect(await p.query(`SELECT id FROM ${ds}.items`)).toEqual([{ id: 2 }]);
    expect(await p.query(`SELECT value FROM ${ds}.items__tags`)).toEqual([{ value: "c" }]);
  });
});

describe("postgres credentials and connection errors", () => {
  it("rejects a malformed connection string or missing fields by name", () => {
    expect(() => dlt.destinations.postgres("mysql://u:p@h/db")).toThrow(/must start with postgresql:\/\//);
    expect(() => dlt.destinations.postgres({ host: "h", database: "d" })).toThrow(/missing username/);
    expect(() => dlt.destinations.postgres("postgresql://u@h:99999/db")).toThrow(dlt.InvalidConnectionString);
    const d = dlt.destinations.postgres({ host: "db.example", port: 6543, database: "dlt_data", username: "loader", password: "pw" });
    expect(d.credentials.location()).toBe("postgresql://loader:***@db.example:6543/dlt_data");
  });

  it("an unreachable server fails the run at its sync step and leaves nothing pending", async () => {
    // A port nobody listens on: the cluster of this file is elsewhere, and 1 is privileged.
    const p = dlt.pipeline({
      pipeline_name: "pg_unreachable",
      destination: dlt.destinations.postgres({ host: "127.0.0.1", port: 1, database: "x", username: "x" }),
      dataset_name: "nowhere",
      pipelines_dir: mkdtempSync(path.join(dir, "pipes-")),
    });
    const failure = await p.run([{ id: 1 }], { table_name: "t" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(dlt.PipelineStepFailed);
    expect((failure as dlt.PipelineStepFailed).step).toBe("sync");
    expect(String((failure as Error).message)).toMatch(/ECONNREFUSED/);
    expect(p.has_pending_data).toBe(false);
  });
});
