// What crosses the boundary between the page and the runtime worker. Plain data only: it is
// structured-cloned by Comlink, so no class instances, functions or bigints in outputs.

import type { CellAnalysis, CellOutput, LoadPreview, ChartData, DefinedSourceInfo, DisplayRow, ResultMeta, RunEvent, RunReport, SqlOutcome } from "../notebook/outputs.ts";

// What a cell run produces belongs to the notebook (both runtimes make it); re-exported for the page.
export type { CellAnalysis, CellOutput, LoadPreview, ChartData, ColumnInfo, DefinedSourceInfo, DisplayRow, LoadSummary, ProgressInfo, ResultMeta, RunEvent, RunReport, SqlOutcome } from "../notebook/outputs.ts";

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
  /** what this version changed against the one before it, one line each */
  changes: string[];
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

export type ExportTarget = { resultId: string } | { dataset: string; table: string };

export interface RuntimeApi {
  init(options: { memory?: boolean }): Promise<DatabaseInfo>;
  runCode(
    cellId: string,
    source: string,
    language: "ts" | "js",
    onEvent: (event: RunEvent) => void,
  ): Promise<RunReport>;
  /** `onHead` gets a streamed result's first rows while DuckDB still produces the rest */
  runSql(cellId: string, sql: string, onHead?: (head: ResultMeta) => void): Promise<SqlOutcome>;
  rows(resultId: string, offset: number, limit: number): Promise<DisplayRow[]>;
  chart(resultId: string, columns: string[], limit: number): Promise<ChartData>;
  preview(dataset: string, table: string): Promise<ResultMeta>;
  catalog(): Promise<CatalogDataset[]>;
  pipelines(): Promise<PipelineInfo[]>;
  /** drops a dataset (tables, loads, stored state) and the named pipelines' local state */
  reset(dataset: string, pipelines: string[]): Promise<void>;
  checkpoint(): Promise<void>;
  /** a SQL result (by its id) or a dataset's table as a file to download */
  exportData(what: ExportTarget, format: "csv" | "jsonl" | "parquet"): Promise<Blob>;
  /** keeps a data file in this browser (OPFS `files/`), where `dlt.sources.filesystem` reads it */
  addDataFile(name: string, file: Blob): Promise<void>;
  /** the Load dialog's dry run: a previewCall expression run in the cells' scope */
  previewLoad(code: string): Promise<LoadPreview>;
  /** what a code cell would define, without running it (for the Load button) */
  analyze(source: string, language: "ts" | "js"): Promise<CellAnalysis>;
}
