// `--destination`: what `dlt.destinations.duckdb()` without an argument means for this run, and
// the database SQL cells query. A path is a DuckDB file, ":memory:" a database for this run only,
// a postgresql:// URL the postgres destination.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { openDuckDB, type DuckDBHandle } from "../dlt/destinations/duckdb/connection.ts";
import { setDefaultDestination } from "../dlt/destinations/default.ts";
import { duckdb } from "../dlt/destinations/duckdb/factory.ts";
import type { QueryConnection } from "../notebook/sql.ts";
import type { SqlClient } from "../dlt/destinations/client.ts";
import { postgres, type PostgresDestination } from "../dlt/destinations/postgres/factory.ts";
import { sqlClientConnection } from "./sql_connection.ts";

export type Target = { kind: "duckdb"; path: string } | { kind: "postgres"; url: string };

/** A wrong --destination, or one this build can't load into: exit code 2, nothing run. */
export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationError";
  }
}

export interface NotebookDatabase {
  target: Target;
  /** dlt's location text, as LoadInfo prints it: duckdb:////abs/path.duckdb */
  location: string;
  /** in words, for "Data went to …" */
  description: string;
  /** what SQL cells and load summaries query */
  connection: QueryConnection;
  close(): Promise<void>;
}

/** The target a --destination value names; without one, `./<notebook name>.duckdb` in the working directory. */
export function parseTarget(spec: string | undefined, notebookPath: string): Target {
  if (spec === undefined) return { kind: "duckdb", path: path.resolve(path.basename(notebookPath).replace(/\.ipynb$/i, "") + ".duckdb") };
  if (/^postgres(ql)?:\/\//i.test(spec)) return { kind: "postgres", url: spec };
  if (spec === ":memory:") return { kind: "duckdb", path: spec };
  const duckdbUrl = /^duckdb:\/\/\/(.+)$/.exec(spec);
  if (duckdbUrl) return parseTarget(duckdbUrl[1], notebookPath);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (scheme) throw new DestinationError(`--destination ${spec}: unknown kind of destination '${scheme[1]}' (use a DuckDB file path, ":memory:" or a postgresql:// URL)`);
  return { kind: "duckdb", path: path.resolve(spec) };
}

/** Shows a URL without its password. */
export function redact(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

function checkFileTarget(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DestinationError(`--destination ${file}: the folder ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new DestinationError(`--destination ${file} is a folder, not a DuckDB file`);
}

async function openDuckDBTarget(target: Extract<Target, { kind: "duckdb" }>): Promise<DuckDBHandle> {
  try {
    return await openDuckDB(target.path);
  } catch (e) {
    throw new DestinationError(`Could not open the DuckDB database ${target.path}: ${String((e as Error)?.message ?? e)}`);
  }
}

/**
 * Opens the run's database and makes every argument-less `duckdb()` load into it. Returns what
 * SQL cells query; `close()` undoes the redirection and closes the database.
 */
export async function openNotebookDatabase(target: Target): Promise<NotebookDatabase> {
  if (target.kind === "postgres") {
    let destination: PostgresDestination;
    let client: SqlClient;
    try {
      destination = postgres(target.url);
      client = (await destination.client()) as SqlClient;
    } catch (e) {
      throw new DestinationError(`--destination ${redact(target.url)}: could not connect: ${String((e as Error)?.message ?? e)}`);
    }
    setDefaultDestination(() => destination);
    return {
      target,
      location: client.location,
      description: `the Postgres database ${redact(target.url)}`,
      connection: sqlClientConnection(client),
      close: async () => {
        setDefaultDestination(undefined);
        await destination.close();
      },
    };
  }
  if (target.path !== ":memory:") {
    // A file: native DuckDB (durable, what `duckdb(path)` is in Node); SQL cells read it through
    // the same client.
    checkFileTarget(target.path);
    const destination = duckdb(target.path);
    let client: SqlClient;
    try {
      client = (await destination.client()) as SqlClient;
    } catch (e) {
      throw new DestinationError(`Could not open the DuckDB database ${target.path}: ${String((e as Error)?.message ?? e)}`);
    }
    setDefaultDestination(() => destination);
    return {
      target,
      location: client.location,
      description: `the DuckDB file ${target.path}`,
      connection: sqlClientConnection(client),
      close: async () => {
        setDefaultDestination(undefined);
        await client.close?.();
      },
    };
  }
  const handle = await openDuckDBTarget(target);
  setDefaultDestination((options) => duckdb(handle, options));
  return {
    target,
    location: handle.location,
    description: target.path === ":memory:" ? "an in-memory DuckDB database (gone when the run ends)" : `the DuckDB file ${target.path}`,
    connection: handle.connection,
    close: async () => {
      setDefaultDestination(undefined);
      await handle.close?.();
    },
  };
}
