// What crosses the boundary between the page and the runtime worker. Plain data only: it is
// structured-cloned by Comlink, so no class instances, functions or bigints in outputs.

export interface ColumnInfo {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, VARCHAR, TIMESTAMP WITH TIME ZONE */
  type: string;
  numeric: boolean;
}

/** A displayed cell value: null is SQL NULL, everything else already text. */
export type DisplayRow = Array<string | null>;

/** A query result kept in DuckDB (a temp table) and read by windows. */
export interface ResultMeta {
  id: string;
  columns: ColumnInfo[];
  rowCount: number;
  /** the first rows, so a result shows at once and survives a reload as a preview */
  head: DisplayRow[];
  elapsedMs: number;
  /** false for results read in full (statements that can't be materialized) */
  paged: boolean;
}

export interface LoadSummary {
  pipeline: string;
  dataset: string;
  tables: Array<{ name: string; rows: number }>;
  newColumns: Array<{ table: string; column: string; type: string }>;
  failedJobs: Array<{ table: string; message: string }>;
  loadIds: string[];
}

export interface ProgressInfo {
  pipeline: string;
  step: "extract" | "normalize" | "load";
  /** resource (extract) or table (normalize/load) */
  target?: string;
  items?: number;
  done?: number;
  total?: number;
}

export type CellOutput =
  | { type: "stream"; name: "stdout" | "stderr"; text: string }
  | { type: "value"; text: string; table?: { columns: string[]; rows: DisplayRow[]; total: number } }
  | { type: "error"; name: string; message: string; line?: number; column?: number; detail?: string }
  | { type: "load"; text: string; summary: LoadSummary }
  | { type: "result"; result: ResultMeta; stale?: boolean }
  | { type: "info"; text: string }
  /** what the engine warned about while the cell ran (dlt's logger warnings) */
  | { type: "warning"; text: string }
  /** a passed `check(condition, what)`: a step that verified its own outcome */
  | { type: "check"; text: string };

export type RunEvent = { kind: "output"; output: CellOutput } | { kind: "progress"; progress: ProgressInfo };

export interface DefinedSourceInfo {
  name: string;
  kind: "resource" | "source" | "transformer" | "rest_api";
}

export interface RunReport {
  ok: boolean;
  elapsedMs: number;
  sources: DefinedSourceInfo[];
  /** names bound by the cell, offered by editor completion in later cells */
  declared: string[];
  /** names it takes from earlier cells (or globals): what makes it stale */
  used: string[];
}

/** What a code cell defines and uses, read from its source without running it. */
export interface CellAnalysis {
  sources: DefinedSourceInfo[];
  declared: string[];
  used: string[];
}

export interface DatabaseInfo {
  persistent: boolean;
  /** dlt's destination location text, e.g. duckdb:///opfs://pipebook.duckdb */
  location: string;
  /** why the database is in memory, in words a person understands */
  note?: string;
  version: string;
  timings: { instantiate: number; open: number };
}

export interface CatalogColumn {
  name: string;
  type: string;
  /** dlt's data type from the stored schema, when dlt loaded the table */
  dltType?: string;
  nullable?: boolean;
}

export interface CatalogTable {
  name: string;
  rows: number;
  columns: CatalogColumn[];
  parent?: string;
  /** dlt's own bookkeeping tables (_dlt_loads, ...) */
  system: boolean;
  writeDisposition?: string;
}

export interface CatalogDataset {
  name: string;
  tables: CatalogTable[];
}

export interface IncrementalCursor {
  source: string;
  resource: string;
  cursorPath: string;
  lastValue: string;
  initialValue?: string;
}

export interface LoadRecord {
  loadId: string;
  schemaName: string;
  status: number;
  insertedAt: string;
  rows: Record<string, number>;
}

export interface SchemaVersion {
  schemaName: string;
  version: number;
  engineVersion: number;
  insertedAt: string;
  hash: string;
}

export interface PipelineInfo {
  name: string;
  dataset: string;
  stateVersion: number;
  stateCreatedAt: string;
  cursors: IncrementalCursor[];
  /** the whole state as JSON text, for people who want to see it */
  stateJson: string;
  loads: LoadRecord[];
  schemas: SchemaVersion[];
}

export interface ChartData {
  columns: string[];
  /** numbers by column; text columns come back as labels */
  values: Array<Array<number | null>>;
  labels?: string[];
  truncated: boolean;
}

export type SqlOutcome = { ok: true; result?: ResultMeta; message?: string } | { ok: false; error: CellOutput };

export interface RuntimeApi {
  init(options: { memory?: boolean }): Promise<DatabaseInfo>;
  runCode(
    cellId: string,
    source: string,
    language: "ts" | "js",
    onEvent: (event: RunEvent) => void,
  ): Promise<RunReport>;
  runSql(cellId: string, sql: string): Promise<SqlOutcome>;
  rows(resultId: string, offset: number, limit: number): Promise<DisplayRow[]>;
  chart(resultId: string, columns: string[], limit: number): Promise<ChartData>;
  preview(dataset: string, table: string): Promise<ResultMeta>;
  catalog(): Promise<CatalogDataset[]>;
  pipelines(): Promise<PipelineInfo[]>;
  /** drops a dataset (tables, loads, stored state) and the named pipelines' local state */
  reset(dataset: string, pipelines: string[]): Promise<void>;
  checkpoint(): Promise<void>;
  /** what a code cell would define, without running it (for the Load button) */
  analyze(source: string, language: "ts" | "js"): Promise<CellAnalysis>;
}
