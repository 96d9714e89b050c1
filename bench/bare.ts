// The floor for any DuckDB-WASM app (npm run bench:ui): a page that only starts DuckDB-WASM.
// Same bundles, same selection and instantiation as src/worker/duckdb.ts; then a connection
// and `select 1`. Built by `vite build --mode bench` into dist-bench, never into the app.
// window.bareQuery then times any query in a fresh connection (the 1M-row count baseline).
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
  }
}

async function main(): Promise<void> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
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
  window.bare = { instantiated, opened, select1, bundle: bundle.mainModule.split("/").pop() ?? "" };
  document.getElementById("out")!.textContent = JSON.stringify(window.bare, null, 2);
}

main().catch((e) => {
  window.bare = { instantiated: 0, opened: 0, select1: 0, bundle: "", error: String((e as Error)?.stack ?? e) };
});
