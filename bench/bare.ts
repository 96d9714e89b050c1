// The floor for any DuckDB-WASM app (npm run bench:ui): a page that only starts DuckDB-WASM.
// Same bundles, same selection and instantiation as src/worker/duckdb.ts; then a connection
// and `select 1`. Built by `vite build --mode bench` into dist-bench, never into the app.
// window.bareQuery then times any query in a fresh connection (the 1M-row count baseline).
// With `?twin`, a second instance starts beside the first, and window.bareFirstRun times the
// queries a first load runs, on the second instance and then on the first: what the second run
// saves is V8 compiling DuckDB's wasm functions on their first use (shared by the workers).
import * as duckdb from "@duckdb/duckdb-wasm";
import mvpWasm from "@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url";
import mvpWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url";
import ehWasm from "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url";
import ehWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url";

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
};

export interface BareResult {
  /** ms since navigation start: DuckDB instantiated, database open, `select 1` answered */
  instantiated: number;
  opened: number;
  select1: number;
  bundle: string;
  error?: string;
}

declare global {
  interface Window {
    bare?: BareResult;
    /** runs a query in a fresh connection; ms it took */
    bareQuery?: (sql: string) => Promise<{ ms: number; value: unknown }>;
    /** streams a query in a fresh connection: ms to its first batch, and to its last */
    bareStream?: (sql: string) => Promise<{ first: number; all: number; rows: number; batches: number }>;
    /** ms the queries of a first load take on this page's instance (and first on its twin, with `?twin`) */
    bareFirstRun?: () => Promise<{ ms: number; twinMs?: number }>;
  }
}

/**
 * What the walkthrough's first load asks of DuckDB, in kind: a schema, a table, an insert, a
 * delete by a join, a transaction, a table's columns, a join with an aggregate, the catalog.
 */
const FIRST_LOAD = [
  "SET autoload_known_extensions=false",
  "SELECT extension_name FROM duckdb_extensions() WHERE extension_name = 'json' AND loaded",
  "CREATE SCHEMA IF NOT EXISTS s",
  "CREATE TABLE IF NOT EXISTS s.t (id BIGINT, name VARCHAR NOT NULL, v DOUBLE, ts TIMESTAMP WITH TIME ZONE, ok BOOLEAN)",
  "BEGIN TRANSACTION",
  "INSERT INTO s.t SELECT range, 'n' || range, range * 0.5, to_timestamp(1704067200 + range), range % 2 = 0 FROM range(1000)",
  "CREATE TABLE s.u AS SELECT * FROM s.t WHERE id < 10",
  "DELETE FROM s.t WHERE EXISTS (SELECT 1 FROM s.u WHERE s.u.id = s.t.id)",
  "COMMIT",
  "SELECT * FROM s.t LIMIT 0",
  "SELECT t.name, count(*) AS n, max(t.ts) FROM s.t AS t JOIN s.u AS u ON u.id = t.id GROUP BY t.name ORDER BY n DESC LIMIT 5",
  "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 's' ORDER BY table_name, ordinal_position",
  "DROP SCHEMA s CASCADE",
];

async function firstRun(db: duckdb.AsyncDuckDB): Promise<number> {
  const c = await db.connect();
  try {
    const t0 = performance.now();
    for (const q of FIRST_LOAD) await c.query(q);
    return performance.now() - t0;
  } finally {
    await c.close();
  }
}

async function start(bundle: duckdb.DuckDBBundle): Promise<duckdb.AsyncDuckDB> {
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker!));
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  return db;
}

async function main(): Promise<void> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const twin = new URLSearchParams(location.search).has("twin") ? start(bundle) : undefined;
  const db = await start(bundle);
  const instantiated = performance.now();
  await db.open({ path: ":memory:" });
  const opened = performance.now();
  const c = await db.connect();
  await c.query("select 1");
  const select1 = performance.now();
  await c.close();
  window.bareQuery = async (sql) => {
    const conn = await db.connect();
    try {
      const t0 = performance.now();
      const t = await conn.query(sql);
      const ms = performance.now() - t0;
      const v = t.numRows ? t.getChildAt(0)!.get(0) : undefined;
      return { ms, value: typeof v === "bigint" ? Number(v) : v };
    } finally {
      await conn.close();
    }
  };
  window.bareStream = async (sql) => {
    const conn = await db.connect();
    try {
      const t0 = performance.now();
      const reader = await conn.send(sql, true);
      let first = NaN;
      let rows = 0;
      let batches = 0;
      for await (const b of reader) {
        if (!batches++) first = performance.now() - t0;
        rows += b.numRows;
      }
      return { first, all: performance.now() - t0, rows, batches };
    } finally {
      await conn.close();
    }
  };
  window.bareFirstRun = async () => {
    let twinMs: number | undefined;
    if (twin) {
      const other = await twin;
      await other.open({ path: ":memory:" });
      twinMs = await firstRun(other);
    }
    return { ms: await firstRun(db), twinMs };
  };
  window.bare = { instantiated, opened, select1, bundle: bundle.mainModule.split("/").pop() ?? "" };
  document.getElementById("out")!.textContent = JSON.stringify(window.bare, null, 2);
}

main().catch((e) => {
  window.bare = { instantiated: 0, opened: 0, select1: 0, bundle: "", error: String((e as Error)?.stack ?? e) };
});
