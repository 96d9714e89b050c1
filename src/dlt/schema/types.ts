// dlt's schema vocabulary (dlt/common/schema/typing.py), kept with dlt's names so that a schema
// written by pipebook into `_dlt_version` reads like one written by dlt.

export type TDataType =
  | "text"
  | "double"
  | "bool"
  | "timestamp"
  | "bigint"
  | "binary"
  | "json"
  | "decimal"
  | "wei"
  | "date"
  | "time";

export const DATA_TYPES: readonly TDataType[] = [
  "text",
  "double",
  "bool",
  "timestamp",
  "bigint",
  "binary",
  "json",
  "decimal",
  "wei",
  "date",
  "time",
];

export type TWriteDisposition = "append" | "replace" | "merge" | "skip";
export type TMergeStrategy = "delete-insert" | "upsert" | "insert-only" | "scd2";
export type TReplaceStrategy = "truncate-and-insert" | "insert-from-staging";
export type TSortOrder = "asc" | "desc";

export interface TColumnSchema {
  name?: string;
  data_type?: TDataType;
  nullable?: boolean;
  precision?: number;
  scale?: number;
  timezone?: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
  unique?: boolean;
  row_key?: boolean;
  parent_key?: boolean;
  root_key?: boolean;
  partition?: boolean;
  cluster?: boolean;
  sort?: boolean;
  dedup_sort?: TSortOrder;
  hard_delete?: boolean;
  variant?: boolean;
  incremental?: boolean;
  "x-row-version"?: boolean;
  "x-active-record-timestamp"?: unknown;
  [hint: string]: unknown;
}

/** A column of a table in the schema: always named. */
export type TColumn = TColumnSchema & { name: string };

export type TSchemaContractMode = "evolve" | "freeze" | "discard_row" | "discard_value";
export type TSchemaContractEntity = "tables" | "columns" | "data_type";
export type TSchemaContractDict = Partial<Record<TSchemaContractEntity, TSchemaContractMode>>;
export type TSchemaContract = TSchemaContractMode | TSchemaContractDict;

export interface TWriteDispositionDict {
  disposition: TWriteDisposition;
  strategy?: TMergeStrategy | TReplaceStrategy;
  validity_column_names?: [string, string];
  active_record_timestamp?: unknown;
  boundary_timestamp?: unknown;
  row_version_column_name?: string;
  [key: string]: unknown;
}

export type TWriteDispositionConfig = TWriteDisposition | TWriteDispositionDict;

export interface TTableSchema {
  name: string;
  columns: Record<string, TColumn>;
  write_disposition?: TWriteDisposition;
  parent?: string;
  resource?: string;
  description?: string;
  schema_contract?: TSchemaContract;
  table_format?: string;
  "x-merge-strategy"?: TMergeStrategy;
  "x-replace-strategy"?: TReplaceStrategy;
  "x-normalizer"?: { "seen-data"?: boolean; max_nesting?: number; [k: string]: unknown };
  "x-validity-column-names"?: [string, string];
  "x-active-record-timestamp"?: unknown;
  "x-boundary-timestamp"?: unknown;
  "x-row-version-column-name"?: string;
  [hint: string]: unknown;
}

/** Table hints as given on a resource, before names are normalized. */
export interface TTableHints {
  /** a name, or a function of the item for dynamic tables */
  table_name?: string | ((item: any) => string);
  parent_table_name?: string;
  write_disposition?: TWriteDispositionConfig;
  primary_key?: string | string[];
  merge_key?: string | string[];
  columns?: Record<string, TColumnSchema> | TColumnSchema[];
  max_table_nesting?: number;
  schema_contract?: TSchemaContract;
  root_key?: boolean;
  [hint: string]: unknown;
}

/**
 * How a normalized value is carried from the normalizer to the loader, by dlt type. One
 * representation per type, so that the loader converts each column without looking at values.
 * - text, time, decimal, wei: string (time as HH:MM:SS[.ffffff], decimals as their exact digits)
 * - bigint: number when within 2^53, else bigint
 * - double: number; bool: boolean
 * - timestamp: number of microseconds since the Unix epoch, UTC
 * - date: number of days since the Unix epoch
 * - json: compact JSON text
 * - binary: Uint8Array
 */
export type TNormalizedValue = string | number | bigint | boolean | Uint8Array | null;
