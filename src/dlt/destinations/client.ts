// What the loader needs from a destination (dlt's JobClientBase / WithStateSync), split from what
// only SQL destinations offer (dlt's SqlClientBase). load/ and pipeline/ talk to these interfaces
// only; a destination that is not a database (a file lake) implements JobClient without SQL.
import type { StoredSchema } from "../schema/schema.ts";
import type { TReplaceStrategy, TTableSchema } from "../schema/types.ts";
import type { TNormalizedValue } from "../schema/types.ts";
import type { SqlDialect } from "./sql/dialect.ts";

export type ResultRow = Record<string, unknown>;
export type LoadRow = Record<string, TNormalizedValue>;

export interface DestinationCapabilities {
  /** Longest table/column name the destination keeps (Postgres: 63 bytes). */
  max_identifier_length: number;
  max_column_identifier_length: number;
  /** Whether DDL and data commit together (the whole package is one transaction). */
  supports_ddl_transactions: boolean;
}

/** The rows of `_dlt_pipeline_state`/`_dlt_version` the pipeline restores from. */
export interface StoredStateRow {
  state: string;
}

export interface JobClient {
  /** e.g. `duckdb:///:memory:`, `postgresql://loader:***@localhost:5432/dlt_data`, as in LoadInfo */
  readonly location: string;
  capabilities(): DestinationCapabilities;
  /** Runs `fn` as one unit: everything it did commits, or (on any error) nothing does. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Existing columns per table of a dataset, in column order; empty when there is no dataset.
   * With `tables`, only those of them that exist: a destination may ask for named tables faster
   * than it lists a dataset.
   */
  storageColumns(dataset: string, tables?: readonly string[]): Promise<Map<string, string[]>>;
  /** The dataset's table names; empty when there is no dataset. Cheaper than its columns. */
  storageTables(dataset: string): Promise<Set<string>>;
  datasetExists(dataset: string): Promise<boolean>;
  /**
   * Creates the dataset, new tables and new complete columns, and adds what it created to
   * `storage`; returns a description of what it did (DDL).
   */
  migrate(dataset: string, tables: TTableSchema[], storage: Map<string, string[]>): Promise<string[]>;
  dropTables(dataset: string, tables: string[]): Promise<void>;
  truncateTables(dataset: string, tables: string[]): Promise<void>;
  /** An empty staging copy of `table` in `dataset` (dropped first if there). */
  recreateStagingTable(dataset: string, table: TTableSchema): Promise<void>;
  /**
   * One load job: bulk-loads a table's normalized rows (every complete column of `table`; values
   * typed by the schema), page by page, setting up once per job what a page does not need anew.
   * `loadId` is the package's load id (file destinations name their files by it).
   */
  loadRows(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>, loadId?: string): Promise<void>;
  /** Removes a schema's history from `_dlt_version` (refresh). */
  deleteSchemaHistory(dataset: string, schemaName: string): Promise<void>;
  schemaVersionStored(dataset: string, schemaName: string, versionHash: string): Promise<boolean>;
  /** Adds the schema to `_dlt_version` (dlt's update_stored_schema). */
  storeSchemaVersion(dataset: string, schema: StoredSchema): Promise<void>;
  /** Marks a load complete in `_dlt_loads` (status 0): the last write of a package (dlt's complete_load). */
  completeLoad(dataset: string, loadId: string, schemaName: string, versionHash: string): Promise<void>;
  /** The newest state of a pipeline whose load completed (`_dlt_loads.status = 0`). */
  newestStoredState(dataset: string, pipelineName: string): Promise<StoredStateRow | undefined>;
  /** The newest stored version of a schema, as JSON text. */
  newestStoredSchema(dataset: string, schemaName: string): Promise<string | undefined>;
  close?(): Promise<void>;
}

export interface SqlClient extends JobClient {
  readonly dialect: SqlDialect;
  execute(sql: string): Promise<void>;
  rows(sql: string): Promise<ResultRow[]>;
}

export function isSqlClient(client: JobClient): client is SqlClient {
  return typeof (client as SqlClient).execute === "function" && !!(client as SqlClient).dialect;
}

/** A configured destination (`dlt.destinations.x(...)`): names and how to open a client. */
export interface Destination {
  readonly destination_type: string;
  readonly destination_name: string;
  /** dlt's `[destination] replace_strategy` */
  readonly replace_strategy?: TReplaceStrategy;
  /** Opens (or reuses) the client; a failed open is retried by the next call. */
  client(): Promise<JobClient>;
}

export function isDestination(value: unknown): value is Destination {
  return (
    !!value &&
    typeof value === "object" &&
    typeof (value as Destination).destination_type === "string" &&
    typeof (value as Destination).client === "function"
  );
}
