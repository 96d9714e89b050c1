// Opening the notebook's database: DuckDB-WASM in OPFS so data survives a reload, in memory
// where OPFS is missing. Runs inside the runtime worker; DuckDB's own worker is nested in it,
// so terminating the runtime (Stop) also ends DuckDB and releases the OPFS file.
import * as duckdb from "@duckdb/duckdb-wasm";
import mvpWasm from "@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url";
import mvpWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url";
import ehWasm from "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url";
import ehWorker from "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url";

export const OPFS_PATH = "opfs://pipebook.duckdb";

export interface OpenDatabase {
  db: duckdb.AsyncDuckDB;
  persistent: boolean;
  location: string;
  note?: string;
  version: string;
  /** ms spent instantiating the wasm module and opening the database */
  timings: { instantiate: number; open: number };
}

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker },
};

export interface Instance {
  db: duckdb.AsyncDuckDB;
  /** ms the wasm took to fetch, compile and instantiate */
  ms: number;
}

/** DuckDB's wasm, compiled and instantiated, with no database open yet. */
export async function instantiate(): Promise<Instance> {
  const t0 = performance.now();
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  return { db, ms: performance.now() - t0 };
}

async function opfsAvailable(): Promise<string | undefined> {
  try {
    if (!navigator.storage?.getDirectory) return "this browser has no Origin Private File System";
    const root = await navigator.storage.getDirectory();
    const probe = await root.getFileHandle("pipebook-probe", { create: true });
    if (typeof (probe as { createSyncAccessHandle?: unknown }).createSyncAccessHandle !== "function") {
      return "this browser cannot write OPFS files from a worker";
    }
    await root.removeEntry("pipebook-probe");
    return undefined;
  } catch (e) {
    return `the browser refused OPFS (${(e as Error).message})`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Extensions would be fetched from the network; offline they hang or fail obscurely.
const SESSION_DEFAULTS = "SET autoload_known_extensions=false; SET autoinstall_known_extensions=false;";

/**
 * Opens can "succeed" on a file whose previous owner (a runtime terminated a moment ago) has not
 * let go yet, and then fail every commit with "File is not opened in write mode". A real write
 * to the file now finds that out while we can still retry.
 */
const PROBE_WRITE = "CREATE OR REPLACE TABLE main.__pipebook_probe AS SELECT 1 AS x; DROP TABLE main.__pipebook_probe; CHECKPOINT;";

/** Session defaults every connection needs, and (for a file) the write probe: one round trip. */
async function prepare(db: duckdb.AsyncDuckDB, probeWrite = false): Promise<void> {
  const c = await db.connect();
  try {
    await c.query(SESSION_DEFAULTS + (probeWrite ? ` ${PROBE_WRITE}` : ""));
  } finally {
    await c.close();
  }
}

/** Opens the notebook's database in `instance` (one started earlier, or a fresh one). */
export async function openDatabase(options: { memory?: boolean } = {}, instance = instantiate()): Promise<OpenDatabase> {
  // Whether OPFS can hold the file is found out while the wasm compiles.
  const storage = options.memory ? Promise.resolve("in-memory mode was asked for (?storage=memory)") : opfsAvailable();
  const { db, ms } = await instance;
  const t1 = performance.now();
  const timings = () => ({ instantiate: Math.round(ms), open: Math.round(performance.now() - t1) });
  const version = await db.getVersion();
  const unavailable = await storage;
  if (!unavailable) {
    let lastError: unknown;
    // A runtime that was just terminated (Stop, another tab) releases its OPFS handle a moment later.
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await db.open({
          path: OPFS_PATH,
          accessMode: duckdb.DuckDBAccessMode.READ_WRITE,
          opfs: { fileHandling: "auto" },
        });
        await prepare(db, true);
        return { db, persistent: true, location: `duckdb:///${OPFS_PATH}`, version, timings: timings() };
      } catch (e) {
        lastError = e;
        console.warn(`pipebook: opening ${OPFS_PATH} failed (attempt ${attempt + 1}): ${String((e as Error)?.message ?? e)}`);
        if (!/Access Handle|NoModificationAllowed|locked|another open|write mode/i.test(String((e as Error)?.message ?? e))) break;
        await sleep(150 + attempt * 50);
      }
    }
    await db.terminate();
    const { db: memDb } = await instantiate();
    await memDb.open({ path: ":memory:" });
    await prepare(memDb);
    return {
      db: memDb,
      persistent: false,
      location: "duckdb:///:memory:",
      note: `The database file could not be opened (${String((lastError as Error)?.message ?? lastError).slice(0, 200)}). Data is kept in memory and is lost on reload.`,
      version,
      timings: timings(),
    };
  }
  await db.open({ path: ":memory:" });
  await prepare(db);
  return {
    db,
    persistent: false,
    location: "duckdb:///:memory:",
    note: `Data is kept in memory and is lost on reload: ${unavailable}.`,
    version,
    timings: timings(),
  };
}
