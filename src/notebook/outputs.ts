// What running a cell produces, in plain data: outputs, progress, SQL results, the run's report.
// Both runtimes make these (the browser's worker and `pipebook run` in Node), the notebook model
// stores them and the page shows them. No class instances, functions or bigints: they are
// structured-cloned across the worker boundary and saved in .ipynb files.
import type { DryRunReport } from "../dlt/load/dry_run.ts";

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
  /** the first rows of a result DuckDB is still producing: rowCount is a lower bound */
  streaming?: boolean;
}

export interface LoadSummary {
  pipeline: string;
  dataset: string;
  tables: Array<{ name: string; rows: number }>;
  newColumns: Array<{ table: string; column: string; type: string }>;
  failedJobs: Array<{ table: string; message: string }>;
  /** what this load changed in the schema (new tables, columns, variants, hints), one line each */
  schemaChanges?: string[];
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
  /** extract from a file: which, and how many of its bytes are read */
  file?: string;
  bytes?: number;
  totalBytes?: number;
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

export interface ChartData {
  columns: string[];
  /** numbers by column; text columns come back as labels */
  values: Array<Array<number | null>>;
  labels?: string[];
  truncated: boolean;
}

export type SqlOutcome = { ok: true; result?: ResultMeta; message?: string } | { ok: false; error: CellOutput };

/** What a SQL cell shows: its result, a message ("Done: 3 rows affected."), or its error. */
export function sqlOutput(outcome: SqlOutcome): CellOutput | undefined {
  if (!outcome.ok) return outcome.error;
  if (outcome.result) return { type: "result", result: outcome.result };
  return outcome.message ? { type: "info", text: outcome.message } : undefined;
}

/** What a code cell defines and uses, read from its source without running it. */
export interface CellAnalysis {
  sources: DefinedSourceInfo[];
  declared: string[];
  used: string[];
}

/** The Load dialog's preview: what the load would do (a dry run), or why it can't be previewed. */
export type LoadPreview = { ok: true; report: DryRunReport } | { ok: false; message: string };
