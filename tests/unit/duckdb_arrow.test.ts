// The WASM driver's Arrow path: values written into typed buffers by hand must come back from
// DuckDB unchanged, through both the direct append and the scratch-table fallback.
import { describe, expect, it } from "vitest";
import { openDuckDB, type SqlConnection } from "../../src/dlt/destinations/duckdb/connection.ts";
import { duckdbDialect } from "../../src/dlt/destinations/duckdb/sql.ts";
import { WasmDriver } from "../../src/dlt/destinations/duckdb/wasm_driver.ts";
import { createTableSql } from "../../src/dlt/destinations/sql/ddl.ts";
import type { TColumn, TNormalizedValue } from "../../src/dlt/schema/types.ts";

const d = duckdbDialect({ jsonType: false });
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
const SAFE = Number.MAX_SAFE_INTEGER;

const columns: TColumn[] = [
  { name: "i", data_type: "bigint", nullable: true },
  { name: "f", data_type: "double", nullable: true },
  { name: "s", data_type: "text", nullable: true },
  { name: "b", data_type: "bool", nullable: true },
  { name: "ts", data_type: "timestamp", nullable: true },
  { name: "dt", data_type: "date", nullable: true },
];

type Row = Record<string, TNormalizedValue>;

const rows: Row[] = [
  { i: I64_MAX, f: 1.5, s: "plain", b: true, ts: 0, dt: 0 },
  { i: I64_MIN, f: -0.25, s: "grüße 日本 🦆", b: false, ts: -1, dt: -1 },
  { i: SAFE, f: 1e300, s: "ascii then é", b: null, ts: 1_704_067_200_123_456, dt: 19_723 },
  { i: -SAFE, f: null, s: "", b: true, ts: -62_135_596_800_000_000, dt: -719_162 },
  { i: 2 ** 32, f: 0, s: null, b: false, ts: null, dt: null },
  { i: -(2 ** 32) - 1, f: 2, s: "🦆", b: true, ts: 253_402_300_799_999_999, dt: 2_932_896 },
  { i: -1, f: 3, s: "x\u0000y", b: true, ts: 1, dt: 1 },
  { i: 2 ** 31, f: 4, s: "ß", b: true, ts: 2 ** 40, dt: 2 },
  { i: null, f: 5, s: "tail", b: false, ts: 5, dt: 3 },
  { i: 9_007_199_254_740_993n, f: 6, s: "last", b: true, ts: 6, dt: 4 },
];

/** A load job's pages. */
async function* pagesOf(...pages: Row[][]): AsyncIterable<Row[]> {
  yield* pages;
}

async function tableWith(cols: TColumn[]): Promise<{ c: SqlConnection; driver: WasmDriver; inserts: string[]; queries: string[] }> {
  const h = await openDuckDB();
  const c = h.connection;
  await c.query("CREATE SCHEMA ds");
  await c.query(createTableSql(d, "ds", { name: "t", columns: {} }, cols));
  // Which tables the Arrow bytes went into: the target itself, or a scratch table.
  const inserts: string[] = [];
  const queries: string[] = [];
  const counting: SqlConnection = {
    query: (sql) => {
      queries.push(sql);
      return c.query(sql);
    },
    insertArrowFromIPCStream: (buffer, options) => {
      inserts.push(options.name);
      return c.insertArrowFromIPCStream(buffer, options);
    },
  };
  return { c, driver: new WasmDriver(counting), inserts, queries };
}

async function readBack(c: SqlConnection): Promise<Row[]> {
  // Values as text from DuckDB itself, so the check does not depend on Arrow's reading side.
  const t = await c.query(
    "SELECT i::VARCHAR AS i, f, s, b, epoch_us(ts)::VARCHAR AS ts, (dt - DATE '1970-01-01')::BIGINT::VARCHAR AS dt FROM ds.t ORDER BY rowid",
  );
  return t.toArray().map((r) => {
    const o = r.toJSON() as Row;
    return { i: o.i, f: o.f, s: o.s, b: o.b, ts: o.ts, dt: o.dt };
  });
}

const expected = rows.map((r) => ({
  i: r.i === null ? null : String(r.i),
  f: r.f,
  s: r.s,
  b: r.b,
  ts: r.ts === null ? null : String(r.ts),
  dt: r.dt === null ? null : String(r.dt),
}));

/**
 * A job of 118,000 rows in pages that make inserts of 55,000 rows, then 60,000 (two pages: the
 * buffers grow), then 3,000 (they shrink). Every value differs from the rows around it and nulls
 * move, so values left over in reused buffers from an earlier insert would show. Returns the rows.
 */
async function appendLargeJob(driver: WasmDriver): Promise<Row[]> {
  const row = (k: number): Row => ({
    i: k % 11 === 0 ? null : k * 3 - 70_000,
    f: k % 13 === 0 ? null : k / 4,
    s: k % 7 === 0 ? null : k % 5 === 0 ? `é${k}🦆` : `r${k}`,
    b: k % 17 === 0 ? null : k % 2 === 0,
    ts: k % 19 === 0 ? null : k * 1_000_003,
    dt: k % 23 === 0 ? null : k - 40_000,
  });
  const page = (from: number, n: number) => Array.from({ length: n }, (_, j) => row(from + j));
  const sizes = [55_000, 30_000, 30_000, 3_000];
  const starts = sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
  await driver.append(d, "ds", "t", columns, pagesOf(...sizes.map((n, j) => page(starts[j], n))));
  return page(0, 118_000);
}

async function readLarge(c: SqlConnection): Promise<Row[]> {
  const t = await c.query("SELECT i::DOUBLE AS i, f, s, b, epoch_us(ts)::DOUBLE AS ts, (dt - DATE '1970-01-01')::INTEGER AS dt FROM ds.t");
  return t.toArray().map((r) => {
    const o = r.toJSON() as Row;
    return { i: o.i, f: o.f, s: o.s, b: o.b, ts: o.ts, dt: o.dt };
  });
}

describe("WASM driver Arrow append", () => {
  it("appends directly and keeps int64 extremes, nulls, unicode, timestamps and bools", async () => {
    const { c, driver, inserts } = await tableWith(columns);
    await driver.append(d, "ds", "t", columns, pagesOf(rows));
    expect(await readBack(c)).toEqual(expected);
    expect(inserts).toEqual(["t"]);
  });

  it("gathers a job's small pages into one insert, in order", async () => {
    const { c, driver, inserts } = await tableWith(columns);
    await driver.append(d, "ds", "t", columns, pagesOf(rows.slice(0, 2), rows.slice(2, 7), rows.slice(7)));
    expect(await readBack(c)).toEqual(expected);
    expect(inserts).toEqual(["t"]);
  });

  it("inserts a large job 50,000 rows at a time (buffers reused, grown and shrunk), asking for the table's columns once", async () => {
    const { c, driver, inserts, queries } = await tableWith(columns);
    const all = await appendLargeJob(driver);
    expect(inserts).toEqual(["t", "t", "t"]);
    expect(queries.filter((q) => /LIMIT 0/.test(q))).toHaveLength(1);
    expect(await readLarge(c)).toEqual(all);
  });

  it("keeps every string when a page outgrows the job's string buffer", async () => {
    const cols: TColumn[] = [{ name: "s", data_type: "text", nullable: true }];
    const { c, driver } = await tableWith(cols);
    const long = (k: number) => `${"x".repeat(700)}·${k}·${"é".repeat(300)}`;
    await driver.append(d, "ds", "t", cols, pagesOf([{ s: "a" }, { s: null }], [{ s: long(1) }, { s: "b" }, { s: long(2) }], [{ s: "c" }]));
    const back = (await c.query("SELECT s FROM ds.t")).toArray().map((r) => r.toJSON().s);
    expect(back).toEqual(["a", null, long(1), "b", long(2), "c"]);
  });

  it("goes through the scratch table when the stored columns are in another order", async () => {
    const { c, driver, inserts } = await tableWith([...columns].reverse());
    await driver.append(d, "ds", "t", columns, pagesOf(rows));
    expect(await readBack(c)).toEqual(expected);
    expect(inserts).toEqual([expect.stringMatching(/^_pipebook_load_/)]);
  });

  it("gathers a large job in one scratch table, copies it with one INSERT and drops it", async () => {
    const { c, driver, inserts, queries } = await tableWith([...columns].reverse());
    const all = await appendLargeJob(driver);
    expect(await readLarge(c)).toEqual(all);
    expect(inserts).toHaveLength(3);
    expect(new Set(inserts).size).toBe(1);
    expect(inserts[0]).toMatch(/^_pipebook_load_/);
    expect(queries.filter((q) => q.startsWith("INSERT INTO"))).toHaveLength(1);
    const left = await c.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '_pipebook_load_%'");
    expect(Number(left.toArray()[0].n)).toBe(0);
  });

  it("goes through the scratch table when a column is narrower than int64", async () => {
    const narrow = columns.map((col) => (col.name === "i" ? { ...col, precision: 16 } : col));
    const { driver } = await tableWith(narrow);
    await expect(driver.append(d, "ds", "t", narrow, pagesOf([{ i: 70_000 }]))).rejects.toThrow(/Conversion Error/);
  });

  it("reports a failed direct append as DuckDB's error", async () => {
    const strict = columns.map((col) => (col.name === "s" ? { ...col, nullable: false } : col));
    const { driver } = await tableWith(strict);
    await expect(driver.append(d, "ds", "t", strict, pagesOf([{ s: null }]))).rejects.toThrow(/^Constraint Error: .*NOT NULL/);
  });

  it("never writes NaN as an int64", async () => {
    const { driver } = await tableWith(columns);
    await expect(driver.append(d, "ds", "t", columns, pagesOf([{ i: NaN }]))).rejects.toThrow(RangeError);
  });
});
