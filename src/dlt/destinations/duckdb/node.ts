// DuckDB-WASM in Node through the blocking bundle: synchronous, fast to start, used by unit
// tests, benchmarks and scripts.
import { createRequire } from "node:module";
import path from "node:path";
import type { DuckDBHandle } from "./connection.ts";

const require = createRequire(import.meta.url);

type Blocking = typeof import("@duckdb/duckdb-wasm/blocking");

export async function openNodeDuckDB(dbPath = ":memory:"): Promise<DuckDBHandle> {
  const duckdb = require("@duckdb/duckdb-wasm/blocking") as Blocking;
  const dist = path.dirname(require.resolve("@duckdb/duckdb-wasm/blocking"));
  const bundles = {
    mvp: { mainModule: path.join(dist, "duckdb-mvp.wasm"), mainWorker: "" },
    eh: { mainModule: path.join(dist, "duckdb-eh.wasm"), mainWorker: "" },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  db.open({ path: dbPath });
  const connection = db.connect();
  // Extensions would be fetched from the network; offline that hangs. Core types suffice.
  connection.query("SET autoload_known_extensions=false");
  connection.query("SET autoinstall_known_extensions=false");
  return {
    connection,
    location: `duckdb:///${dbPath}`,
    close: () => {
      connection.close();
      db.reset();
    },
  };
}
