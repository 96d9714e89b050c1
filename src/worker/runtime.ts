// The runtime: one dedicated worker per page, behind Comlink. It owns DuckDB (nested worker,
// OPFS file) and the cells' shared bindings. The page ends a runaway cell by terminating this
// worker and starting a fresh one; DuckDB's WAL keeps the database consistent across that.
// Loaded by the worker's entry (runtime.worker.ts), which has DuckDB starting meanwhile.
import * as dltModule from "../dlt/index.ts";
import type { DuckDBHandle } from "../dlt/destinations/duckdb/connection.ts";
import type { RuntimeApi } from "./api.ts";
import { readCatalog, readPipelines } from "./catalog.ts";
import { captureEngineWarnings, emitOutput } from "../notebook/cells.ts";
import { CellRunner } from "../notebook/runner.ts";
import { OPFS_PATH, type OpenDatabase } from "./duckdb.ts";
import { quoteIdent } from "../notebook/sql.ts";
import { IdbStore } from "../dlt/storage/idb_store.ts";
import { exportInline, exportRelation } from "./export.ts";
import { opfsFileStorage, storeDataFile } from "./opfs_files.ts";
import { dltTypes } from "./catalog.ts";
import { recordedLoadRows } from "../notebook/loadlog.ts";
import { ExclusiveConnection } from "../notebook/exclusive.ts";

let opened: Promise<OpenDatabase> | undefined;
/** the page's connection: SQL cells (streamed), the catalog, downloads, CHECKPOINTs */
let uiConn: ExclusiveConnection;
let engineHandle: Promise<DuckDBHandle> | undefined;

/** The database the entry started opening (at the page's init call). */
export function useDatabase(p: Promise<OpenDatabase>): void {
  opened ??= p;
}

let uiOpened: Promise<OpenDatabase> | undefined;
/** The open database, with the page's connection made (whatever uses the database waits for this). */
function database(): Promise<OpenDatabase> {
  if (!opened) return Promise.reject(new Error("The runtime is not started"));
  uiOpened ??= opened.then(async (open) => {
    uiConn ??= new ExclusiveConnection(await open.db.connect());
    return open;
  });
  return uiOpened;
}

/** The page's connection, once the database is open. */
async function ui(): Promise<ExclusiveConnection> {
  await database();
  return uiConn;
}

// SQL cells, load summaries and CHECKPOINTs use the page's connection; the engine has its own.
const runner = new CellRunner({ connection: () => uiConn });

// Pipelines keep their local state in this browser's IndexedDB (pipelines_dir names the database).
dltModule.setPipelineStoreFactory((dir) => new IdbStore(dir ?? "pipebook-pipelines"));

// dlt.sources.filesystem({ bucket_url: "opfs://files/" }) reads the notebook's stored data files.
dltModule.setFileStorage("opfs", opfsFileStorage);

function notebookDatabase(): Promise<DuckDBHandle> {
  engineHandle ??= (async () => {
    const { db, location } = await database();
    // The engine gets its own connection: its transactions never mix with SQL cells'.
    return { connection: await db.connect(), location };
  })();
  return engineHandle;
}
dltModule.setNotebookDatabase(notebookDatabase);

dltModule.setDuckDBOpener(async (path) => {
  if (path === OPFS_PATH) return notebookDatabase();
  if (path !== ":memory:") throw new Error(`In the browser a pipeline loads into the notebook's database (no argument) or ":memory:", not ${JSON.stringify(path)}`);
  const { openDatabase: open } = await import("./duckdb.ts");
  const { db } = await open({ memory: true });
  return { connection: await db.connect(), location: "duckdb:///:memory:", close: () => db.terminate() };
});

captureEngineWarnings();

// Errors from work a cell left running (an unawaited promise, a timer) still reach a cell.
self.addEventListener("unhandledrejection", (e) => {
  emitOutput({ type: "stream", name: "stderr", text: `Unhandled rejection: ${String((e.reason as Error)?.stack ?? e.reason)}` });
});

export const api: RuntimeApi = {
  async init() {
    const { persistent, location, note, version, timings } = await database();
    return { persistent, location, note, version, timings };
  },

  // Not waiting for the database: a cell may be posted before init is answered, and is compiled
  // and run meanwhile; what it does with the database (a pipeline's client) waits for it there.
  runCode: (cellId, source, language, onEvent) => runner.runCode(cellId, source, language, onEvent),

  async runSql(cellId, sql, onHead) {
    await database();
    return runner.runSql(cellId, sql, onHead);
  },

  rows: (id, offset, limit) => runner.results.rows(id, offset, limit),
  chart: (id, columns, limit) => runner.results.chart(id, columns, limit),

  async preview(dataset, table) {
    await database();
    const key = `preview`;
    const { result } = await runner.results.run(key, `SELECT * FROM ${quoteIdent(dataset)}.${quoteIdent(table)}`);
    return result!;
  },

  catalog: async () => readCatalog(await ui()),
  pipelines: async () => readPipelines(await ui(), await recordedLoadRows()),

  async reset(dataset, pipelines) {
    const conn = await ui();
    await conn.query(`DROP SCHEMA IF EXISTS ${quoteIdent(dataset)} CASCADE`);
    await conn.query(`DROP SCHEMA IF EXISTS ${quoteIdent(`${dataset}_staging`)} CASCADE`);
    for (const name of pipelines) await dltModule.pipeline({ pipeline_name: name, dataset_name: dataset }).drop();
    await runner.checkpoint();
  },

  checkpoint: async () => {
    await database();
    return runner.checkpoint();
  },

  async exportData(what, format) {
    const conn = await ui();
    if ("resultId" in what) {
      const r = await runner.results.relation(what.resultId);
      return "table" in r ? exportRelation(conn, r.table, format, r.dltTypes) : exportInline(r.inline, format);
    }
    const types = await dltTypes(conn, what.dataset, what.table).catch(() => ({}));
    return exportRelation(conn, `${quoteIdent(what.dataset)}.${quoteIdent(what.table)}`, format, types);
  },

  addDataFile: (name, file) => storeDataFile(name, file),

  async previewLoad(code) {
    await database();
    return runner.previewLoad(code);
  },

  analyze: async (source, language) => runner.analyze(source, language),
};
