// SQL results streamed on the page's connection (ExclusiveConnection): first rows early, the
// rest kept as Arrow batches, huge results in DuckDB instead; on real DuckDB-WASM.
import { afterEach, describe, expect, it } from "vitest";
import { openDuckDB, type DuckDBHandle } from "../../src/dlt/destinations/duckdb/connection.ts";
import { ExclusiveConnection, type StreamingConnection } from "../../src/notebook/exclusive.ts";
import type { ResultMeta } from "../../src/notebook/outputs.ts";
import { CellRunner } from "../../src/notebook/runner.ts";
import { ResultStore } from "../../src/notebook/sql.ts";

let h: DuckDBHandle | undefined;
afterEach(async () => {
  await h?.close?.();
  h = undefined;
});

async function page(budget?: number) {
  h = await openDuckDB();
  const conn = new ExclusiveConnection(h.connection as unknown as StreamingConnection);
  return { conn, store: new ResultStore(conn, budget) };
}

const MANY = "select range as id, 'row ' || range as label, range * 0.25 as v, timestamp '2024-01-01 00:00:00.000001' + to_microseconds(range) as at from range(100000)";

describe("streamed SQL results", () => {
  it("show their first rows before the rest, then page, chart and download every row exactly", async () => {
    const { store } = await page();
    const heads: ResultMeta[] = [];
    const { result } = await store.run("c1", MANY, (head) => heads.push(head));
    expect(heads).toHaveLength(1);
    expect(heads[0].streaming).toBe(true);
    expect(heads[0].rowCount).toBeGreaterThanOrEqual(200);
    expect(heads[0].rowCount).toBeLessThan(100_000);
    expect(heads[0].head[199]).toEqual(["199", "row 199", "49.75", "2024-01-01 00:00:00"]);
    expect(result!.streaming).toBeUndefined();
    expect(result!.rowCount).toBe(100_000);
    expect(result!.columns.map((c) => `${c.name} ${c.type}`)).toEqual(["id BIGINT", "label VARCHAR", "v DECIMAL(22,2)", "at TIMESTAMP"]);
    expect(result!.head).toEqual(heads[0].head.slice(0, 256));
    // a window across batch boundaries (DuckDB sends 2048 rows a batch)
    const rows = await store.rows("c1", 2046, 5);
    expect(rows.map((r) => r[0])).toEqual(["2046", "2047", "2048", "2049", "2050"]);
    expect((await store.rows("c1", 99_998, 10)).map((r) => r[1])).toEqual(["row 99998", "row 99999"]);
    const chart = await store.chart("c1", ["id", "v"], 3);
    expect(chart.values).toEqual([[0, 1, 2], [0, 0.25, 0.5]]);
    expect(chart.truncated).toBe(true);
  });

  it("name the first rows' column types as DuckDB's DESCRIBE names them, without asking it first", async () => {
    const { store } = await page();
    const typed =
      "select (range % 100)::TINYINT a, range::SMALLINT b, range::INTEGER c, range::BIGINT d, range::UBIGINT e, range::HUGEINT f, " +
      "range::FLOAT g, range::DOUBLE h, range::DECIMAL(10,3) i, range::VARCHAR j, range % 2 = 0 k, DATE '2024-01-01' + range::INTEGER l, " +
      "TIME '10:00:00' m, TIMESTAMP '2024-01-01' n, TIMESTAMP_MS '2024-01-01' o, TIMESTAMP_NS '2024-01-01' p, TIMESTAMP_S '2024-01-01' q, " +
      "INTERVAL 1 DAY r, 'x'::BLOB s, [range, 1] t, {'u': range, 'v': 'w'} u, MAP {'k': range} v, [1, 2]::INTEGER[2] w from range(5000)";
    const heads: ResultMeta[] = [];
    const { result } = await store.run("types", typed, (head) => heads.push(head));
    expect(heads).toHaveLength(1);
    expect(heads[0].columns).toEqual(result!.columns);
    expect(result!.columns.map((c) => c.type)).toContain("STRUCT(u BIGINT, v VARCHAR)");
  });

  it("free the connection when a stream is given up, before its first batch or after it", async () => {
    const { conn } = await page();
    const unread = await conn.send(MANY);
    await unread[Symbol.asyncIterator]().return!();
    expect((await conn.query("select 1 as one")).toArray()[0].toJSON().one).toBe(1);
    let seen = 0;
    for await (const b of await conn.send(MANY)) {
      seen += b.numRows;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect((await conn.query("select 2 as two")).toArray()[0].toJSON().two).toBe(2);
  });

  it("see what earlier statements of the cell made on the connection, and leave it usable", async () => {
    const { conn, store } = await page();
    const [r, other] = await Promise.all([
      store.run("c2", "create temp table picked as select 7 as x; select x * 6 as answer from picked"),
      conn.query("select 'waited its turn' as s"),
    ]);
    expect(r.result!.head).toEqual([["42"]]);
    expect(r.result!.rowCount).toBe(1);
    expect(other.toArray()[0].toJSON().s).toBe("waited its turn");
  });

  it("fail as a whole when DuckDB fails after the first rows, and the connection is free after", async () => {
    h = await openDuckDB();
    const runner = new CellRunner({ connection: () => conn });
    const conn = new ExclusiveConnection(h.connection as unknown as StreamingConnection);
    const heads: ResultMeta[] = [];
    const out = await runner.runSql("c3", "select case when range = 60000 then error('boom at 60000') else range end as x from range(100000)", (m) => heads.push(m));
    expect(heads.length).toBeLessThanOrEqual(1);
    expect(out.ok).toBe(false);
    expect(JSON.stringify(out)).toContain("boom at 60000");
    const after = await runner.runSql("c3", "select 1 as one");
    expect(after.ok && after.result!.head).toEqual([["1"]]);
  });

  it("past the memory budget are kept in DuckDB instead, the same rows", async () => {
    const { store } = await page(64 * 1024);
    const { result } = await store.run("c4", MANY);
    expect(result!.rowCount).toBe(100_000);
    expect((await store.rows("c4", 77_777, 2)).map((r) => r[1])).toEqual(["row 77777", "row 77778"]);
    expect(await store.relation("c4")).toHaveProperty("table");
  });

  it("with no rows still name their columns", async () => {
    const { store } = await page();
    const { result } = await store.run("c5", "select 1::integer as a, 'x' as b where false");
    expect(result!.rowCount).toBe(0);
    expect(result!.columns.map((c) => `${c.name} ${c.type}`)).toEqual(["a INTEGER", "b VARCHAR"]);
  });
});
