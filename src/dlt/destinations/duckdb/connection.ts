// The one shape the engine needs from DuckDB-WASM, met by both the browser's AsyncDuckDBConnection
// and Node's blocking DuckDBConnection (whose methods return plain values; `await` accepts both).
// Arrow data goes in as IPC bytes, never as Table objects: DuckDB-WASM checks Arrow classes with
// instanceof, and a second copy of apache-arrow (ESM next to the CJS build it requires in Node)
// makes such inserts silently store nothing.
import type { Table } from "apache-arrow";

export interface ArrowInsertOptions {
  name: string;
  schema?: string;
  create?: boolean;
}

export interface SqlConnection {
  query(sql: string): Promise<Table> | Table;
  insertArrowFromIPCStream(buffer: Uint8Array, options: ArrowInsertOptions): Promise<void> | void;
}

/** An open DuckDB database: a connection for the engine, and how to name it in LoadInfo. */
export interface DuckDBHandle {
  connection: SqlConnection;
  /** e.g. `duckdb:///:memory:` or `duckdb:///opfs://notebook.duckdb`, as in dlt's LoadInfo text */
  location: string;
  /** Serializes transactions of pipelines that share this database. */
  lock?: Promise<unknown>;
  close?: () => Promise<void> | void;
}

export type DuckDBOpener = (path: string) => Promise<DuckDBHandle>;

let notebookDatabase: (() => Promise<DuckDBHandle>) | undefined;
let pathOpener: DuckDBOpener | undefined;

/** The cell runtime registers the notebook's own database: `duckdb()` with no argument. */
export function setNotebookDatabase(factory: (() => Promise<DuckDBHandle>) | undefined): void {
  notebookDatabase = factory;
}

/** How a path (":memory:", a file, "opfs://...") is opened here; the runtime may replace it. */
export function setDuckDBOpener(opener: DuckDBOpener | undefined): void {
  pathOpener = opener;
}

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/**
 * A file path that Node opens with native DuckDB (@duckdb/node-api): DuckDB-WASM in Node can't keep
 * a file. `:memory:` stays on DuckDB-WASM (fast to start, what unit tests use); a runtime that
 * registered its own opener (the browser worker) decides for itself.
 */
export function isNativePath(target: unknown): target is string {
  return isNode && !pathOpener && typeof target === "string" && target !== ":memory:" && !target.startsWith("opfs://");
}

export async function openNative(path: string): Promise<Awaited<ReturnType<typeof import("./native_driver.ts").openNativeDuckDB>>> {
  // Kept out of the browser bundle like node.ts.
  const nativeModule = "./native_driver.ts";
  const { openNativeDuckDB } = (await import(/* @vite-ignore */ nativeModule)) as typeof import("./native_driver.ts");
  return openNativeDuckDB(path);
}

export async function openDuckDB(target?: string | DuckDBHandle): Promise<DuckDBHandle> {
  if (target && typeof target === "object") return target;
  if (target === undefined && notebookDatabase) return notebookDatabase();
  const path = target ?? ":memory:";
  if (pathOpener) return pathOpener(path);
  if (isNode) {
    // Kept out of the browser bundle: only Node can load the blocking build.
    const nodeModule = "./node.ts";
    const { openNodeDuckDB } = (await import(/* @vite-ignore */ nodeModule)) as typeof import("./node.ts");
    return openNodeDuckDB(path);
  }
  throw new Error(
    `No DuckDB is available for ${JSON.stringify(path)}: in the browser, open the database in the worker and pass its handle`,
  );
}
