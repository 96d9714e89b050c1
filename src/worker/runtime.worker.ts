// The runtime: one dedicated worker per page, behind Comlink. It owns DuckDB (nested worker,
// OPFS file) and the cells' shared bindings. The page ends a runaway cell by terminating this
// worker and starting a fresh one; DuckDB's WAL keeps the database consistent across that.
import * as Comlink from "comlink";
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import * as dltModule from "../dlt/index.ts";
import { CellSession } from "../notebook/session.ts";
import type { DuckDBHandle } from "../dlt/destinations/duckdb/connection.ts";
import type { RunEvent, RuntimeApi, RunReport } from "./api.ts";
import { readCatalog, readPipelines } from "./catalog.ts";
import { captureEngineWarnings, cellConsole, cellDlt, check, emitOutput, errorOutput, isReported, setCurrentCell, valueOutput } from "./cells.ts";
import { OPFS_PATH, openDatabase, type OpenDatabase } from "./duckdb.ts";
import { ResultStore, quoteIdent, quoteLiteral } from "./sql.ts";
import { IdbStore } from "../dlt/storage/idb_store.ts";
import { recordedLoadRows } from "./loadlog.ts";

let opened: Promise<OpenDatabase> | undefined;
let uiConn: AsyncDuckDBConnection;
let results: ResultStore;
let engineHandle: Promise<DuckDBHandle> | undefined;

async function database(): Promise<OpenDatabase> {
  if (!opened) throw new Error("The runtime is not started");
  return opened;
}

async function checkpoint(): Promise<void> {
  // Another connection's open transaction makes CHECKPOINT fail; the next write retries it.
  await uiConn?.query("CHECKPOINT").catch(() => undefined);
}

async function datasetColumns(dataset: string): Promise<Map<string, string>> {
  const t = await uiConn.query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ${quoteLiteral(dataset)} AND table_name NOT LIKE '\\_dlt\\_%' ESCAPE '\\'`,
  );
  const out = new Map<string, string>();
  for (const r of t.toArray()) out.set(`${r.table_name}\u0000${r.column_name}`, String(r.data_type));
  return out;
}

const dlt = cellDlt(checkpoint, datasetColumns);
const session = new CellSession({ dlt, check, console: cellConsole, display: (v: unknown) => emitOutput(valueOutput(v)) });

// Pipelines keep their local state in this browser's IndexedDB (pipelines_dir names the database).
dltModule.setPipelineStoreFactory((dir) => new IdbStore(dir ?? "pipebook-pipelines"));

dltModule.setNotebookDatabase(() => {
  engineHandle ??= (async () => {
    const { db, location } = await database();
    // The engine gets its own connection: its transactions never mix with SQL cells'.
    return { connection: await db.connect(), location };
  })();
  return engineHandle;
});

dltModule.setDuckDBOpener(async (path) => {
  if (path === OPFS_PATH) return dltModule.destinations.duckdb().open();
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

const api: RuntimeApi = {
  async init(options) {
    opened ??= openDatabase(options);
    const { db, persistent, location, note, version, timings } = await opened;
    if (!uiConn) {
      uiConn = await db.connect();
      results = new ResultStore(uiConn);
    }
    return { persistent, location, note, version, timings };
  },

  async runCode(cellId, source, language, onEvent: (event: RunEvent) => void) {
    await database();
    const started = performance.now();
    const url = `cell-${cellId}.ts`;
    const report: RunReport = { ok: false, elapsedMs: 0, sources: [], declared: [], used: [] };
    setCurrentCell((event) => void onEvent(event));
    try {
      const compiled = session.compile(source, language, url);
      report.sources = compiled.sources;
      report.declared = compiled.declared.map((d) => d.name);
      report.used = compiled.used;
      const r = await session.run(source, { language, url });
      if (r.hasValue && !isReported(r.value)) emitOutput(valueOutput(r.value));
      report.ok = true;
    } catch (e) {
      emitOutput(errorOutput(e, cellId));
    } finally {
      setCurrentCell(undefined);
    }
    report.elapsedMs = performance.now() - started;
    return report;
  },

  async runSql(cellId, sql) {
    await database();
    try {
      const { result, wrote, message } = await results.run(cellId.replace(/\W/g, "_"), sql);
      if (wrote) await checkpoint();
      if (result) result.id = cellId.replace(/\W/g, "_");
      return { ok: true, result, message };
    } catch (e) {
      return { ok: false, error: { type: "error", name: "SQL error", message: String((e as Error).message ?? e) } };
    }
  },

  rows: (id, offset, limit) => results.rows(id, offset, limit),
  chart: (id, columns, limit) => results.chart(id, columns, limit),

  async preview(dataset, table) {
    const key = `preview`;
    const { result } = await results.run(key, `SELECT * FROM ${quoteIdent(dataset)}.${quoteIdent(table)}`);
    return result!;
  },

  catalog: async () => readCatalog(uiConn),
  pipelines: async () => readPipelines(uiConn, await recordedLoadRows()),

  async reset(dataset, pipelines) {
    await uiConn.query(`DROP SCHEMA IF EXISTS ${quoteIdent(dataset)} CASCADE`);
    await uiConn.query(`DROP SCHEMA IF EXISTS ${quoteIdent(`${dataset}_staging`)} CASCADE`);
    for (const name of pipelines) await dltModule.pipeline({ pipeline_name: name, dataset_name: dataset }).drop();
    await checkpoint();
  },

  checkpoint,

  async analyze(source, language) {
    try {
      const c = session.compile(source, language);
      return { sources: c.sources, declared: c.declared.map((d) => d.name), used: c.used };
    } catch {
      return { sources: [], declared: [], used: [] };
    }
  },
};

Comlink.expose(api);
