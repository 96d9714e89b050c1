// Resource hints → a table in the schema (dlt/extract/hints.py): normalized names, key columns
// marked not-null, hinted columns first, disposition and strategy stored as dlt stores them.
import { normalizePath, normalizeTableIdentifier } from "../naming/snake_case.ts";
import { DATA_TYPES } from "../schema/types.ts";
import type {
  TColumn,
  TColumnSchema,
  TDataType,
  TMergeStrategy,
  TReplaceStrategy,
  TSchemaContract,
  TTableHints,
  TTableSchema,
  TWriteDispositionConfig,
} from "../schema/types.ts";
import { DictValidationException, InvalidResourceArgument, ValueError } from "../errors.ts";
import { toUtcMicros } from "../load/timestamps.ts";
import { C_DLT_ID, type Schema } from "../schema/schema.ts";

const MERGE_STRATEGIES: TMergeStrategy[] = ["delete-insert", "upsert", "insert-only", "scd2"];
const REPLACE_STRATEGIES: TReplaceStrategy[] = ["truncate-and-insert", "insert-from-staging"];
const DISPOSITIONS = ["append", "replace", "merge", "skip"];

export interface SourceDefaults {
  max_table_nesting?: number;
  root_key?: boolean;
  schema_contract?: TSchemaContract;
}

function asList(keys: string | string[] | undefined): string[] {
  // An empty string clears the key, as dlt's `if not keys` does.
  if (keys === undefined || keys === null || keys === "") return [];
  return Array.isArray(keys) ? keys : [keys];
}

function columnsList(columns: TTableHints["columns"]): TColumn[] {
  if (!columns) return [];
  if (Array.isArray(columns)) {
    return columns.map((c) => {
      if (!c.name) throw new InvalidResourceArgument("Every column in a `columns` list needs a `name`");
      return validColumnHints({ ...c, name: c.name });
    });
  }
  return Object.entries(columns).map(([name, c]) => validColumnHints({ ...c, name: c.name ?? name }));
}

const BOOLEAN_HINTS = [
  "nullable", "timezone", "primary_key", "merge_key", "unique", "row_key", "parent_key", "root_key",
  "partition", "cluster", "sort", "variant", "incremental",
] as const;
/** Largest precision per type that a destination can create (DuckDB's DECIMAL is 38 digits). */
const MAX_PRECISION: Partial<Record<TDataType, number>> = { decimal: 38, wei: 38, bigint: 128, timestamp: 9, time: 9 };

/**
 * Column hints reach DDL, so each is checked by type here, before anything is extracted: a
 * precision is a whole number in range, never a string spliced into `DECIMAL(…)`.
 */
function validColumnHints(c: TColumn): TColumn {
  const bad = (hint: string, why: string): never => {
    throw new InvalidResourceArgument(`Column \`${c.name}\`: hint \`${hint}\` ${why}, got ${describe(c[hint])}`);
  };
  if (typeof c.name !== "string" || c.name === "") bad("name", "must be a non-empty string");
  if (c.data_type !== undefined && !DATA_TYPES.includes(c.data_type)) bad("data_type", `must be one of ${DATA_TYPES.join(", ")}`);
  for (const hint of BOOLEAN_HINTS) if (c[hint] !== undefined && typeof c[hint] !== "boolean") bad(hint, "must be true or false");
  const max = (c.data_type && MAX_PRECISION[c.data_type]) ?? 65535;
  const min = c.data_type === "timestamp" || c.data_type === "time" ? 0 : 1;
  if (c.precision !== undefined && (!Number.isInteger(c.precision) || c.precision < min || c.precision > max)) {
    bad("precision", `must be a whole number from ${min} to ${max}${c.data_type ? ` for \`${c.data_type}\`` : ""}`);
  }
  if (c.scale !== undefined) {
    const upTo = c.precision ?? max;
    if (!Number.isInteger(c.scale) || c.scale < 0 || c.scale > upTo) bad("scale", `must be a whole number from 0 to ${upTo} (the precision)`);
  }
  return c;
}

function describe(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : String(v);
}

/** Python's repr of a list of strings, as dlt's messages print allowed values. */
function pyList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(", ")}]`;
}

/**
 * dlt's check when hints are set (the resource is defined or hints applied): an unknown merge
 * strategy or an scd2 timestamp that does not parse is a ValueError right away, not at extract.
 */
export function validateWriteDispositionHint(wd: TWriteDispositionConfig | undefined): void {
  if (!wd || typeof wd !== "object" || wd.disposition !== "merge") return;
  if (wd.strategy !== undefined && !MERGE_STRATEGIES.includes(wd.strategy as TMergeStrategy)) {
    throw new ValueError(
      `Received invalid value \`write_disposition['strategy']=${String(wd.strategy)}\`. Valid values are: ${pyList([...MERGE_STRATEGIES].sort())}`,
    );
  }
  if (wd.strategy !== "scd2") return;
  for (const key of ["active_record_timestamp", "boundary_timestamp"] as const) {
    const ts = wd[key];
    if (ts === undefined || ts === null) continue;
    try {
      toUtcMicros(ts, key);
    } catch (e) {
      throw new ValueError((e as Error).message);
    }
  }
}

/**
 * dlt validates each new table against its typed spec at extract; of that, the one value a
 * user gives that the loader would otherwise misread: `dedup_sort` must be "asc" or "desc".
 */
function validateColumnHints(resourceName: string, columns: TColumn[]): void {
  for (const c of columns) {
    const sort = (c as { dedup_sort?: unknown }).dedup_sort;
    if (sort === undefined || sort === null || sort === "asc" || sort === "desc") continue;
    throw new DictValidationException(
      `field \`dedup_sort=${String(sort)}\` is not one of: ('asc', 'desc')`,
      `new_table/${resourceName}/columns[${c.name}]`,
      "dedup_sort",
      sort,
    );
  }
}

/** Validates and splits a write disposition given as a string or dict. */
export function parseWriteDisposition(wd: TWriteDispositionConfig | undefined): {
  disposition: "append" | "replace" | "merge" | "skip";
  hints: Partial<TTableSchema>;
} {
  if (wd === undefined) return { disposition: "append", hints: {} };
  if (typeof wd === "string") {
    if (!DISPOSITIONS.includes(wd)) {
      throw new InvalidResourceArgument(
        `Write disposition \`${wd}\` is not one of ${DISPOSITIONS.join(", ")}`,
      );
    }
    return { disposition: wd, hints: {} };
  }
  const { disposition, strategy } = wd;
  if (!DISPOSITIONS.includes(disposition)) {
    throw new InvalidResourceArgument(`Write disposition \`${disposition}\` is not one of ${DISPOSITIONS.join(", ")}`);
  }
  const hints: Partial<TTableSchema> = {};
  if (disposition === "merge") {
    const s = (strategy ?? "delete-insert") as TMergeStrategy;
    if (!MERGE_STRATEGIES.includes(s)) {
      throw new InvalidResourceArgument(
        `\`${s}\` is not a valid merge strategy. Allowed values: ${MERGE_STRATEGIES.join(", ")}.`,
      );
    }
    hints["x-merge-strategy"] = s;
    if (s === "scd2") {
      const [from, to] = wd.validity_column_names ?? ["_dlt_valid_from", "_dlt_valid_to"];
      hints["x-validity-column-names"] = [normalizePath(from), normalizePath(to)];
      for (const key of ["active_record_timestamp", "boundary_timestamp"] as const) {
        const ts = wd[key];
        // An explicit null puts the boundary back to the package time (dlt stores the None).
        if (ts === null && key === "boundary_timestamp") hints["x-boundary-timestamp"] = null;
        if (ts === undefined || ts === null) continue;
        // dlt rejects an unparseable timestamp when the hint is set, not at load time.
        try {
          toUtcMicros(ts, key);
        } catch (e) {
          throw new InvalidResourceArgument((e as Error).message);
        }
        hints[`x-${key.replace(/_/g, "-")}`] = ts instanceof Date ? ts.toISOString() : ts;
      }
      if (wd.row_version_column_name !== undefined) {
        hints["x-row-version-column-name"] = normalizePath(wd.row_version_column_name);
      }
    }
  } else if (disposition === "replace" && strategy !== undefined) {
    if (!REPLACE_STRATEGIES.includes(strategy as TReplaceStrategy)) {
      throw new InvalidResourceArgument(
        `\`${strategy}\` is not a valid replace strategy on duckdb. Allowed values: ${REPLACE_STRATEGIES.join(", ")}.`,
      );
    }
    hints["x-replace-strategy"] = strategy as TReplaceStrategy;
  }
  return { disposition, hints };
}

/**
 * The partial table that the hints of one resource describe for `tableName` (un-normalized).
 * Column order: hinted columns in hint order, then key columns not otherwise hinted.
 */
export function tableFromHints(
  tableName: string,
  resourceName: string,
  hints: TTableHints,
  defaults: SourceDefaults = {},
): TTableSchema {
  const name = normalizeTableIdentifier(tableName);
  const { disposition, hints: wdHints } = parseWriteDisposition(hints.write_disposition);
  const columns: Record<string, TColumn> = {};

  if (wdHints["x-merge-strategy"] === "scd2") {
    // Validity columns come first in an scd2 table (dlt places them before data columns).
    const [from, to] = wdHints["x-validity-column-names"]!;
    columns[from] = { name: from, data_type: "timestamp", nullable: true, "x-valid-from": true };
    columns[to] = { name: to, data_type: "timestamp", nullable: true, "x-valid-to": true };
    if (wdHints["x-active-record-timestamp"] !== undefined) {
      columns[to]["x-active-record-timestamp"] = wdHints["x-active-record-timestamp"];
    }
    // The row version is a hash, so equal rows share it: neither unique nor a row key. Untyped,
    // it takes its place when data arrives (after `_dlt_load_id` for `_dlt_id`).
    const version = wdHints["x-row-version-column-name"] ?? C_DLT_ID;
    columns[version] = { name: version, nullable: false, "x-row-version": true, unique: false, row_key: false };
  }
  const hinted = columnsList(hints.columns);
  validateColumnHints(resourceName, hinted);
  for (const c of hinted) {
    const n = normalizePath(c.name);
    const col: TColumn = { ...(columns[n] ?? {}), ...stripUndefined(c), name: n };
    if (col.primary_key || col.merge_key) col.nullable = false;
    columns[n] = col;
  }
  for (const [flag, keys] of [
    ["primary_key", asList(hints.primary_key)],
    ["merge_key", asList(hints.merge_key)],
  ] as const) {
    for (const k of keys) {
      const n = normalizePath(k);
      columns[n] = { ...(columns[n] ?? { name: n }), name: n, [flag]: true, nullable: false };
    }
  }

  const table: TTableSchema = { name, columns, write_disposition: disposition, resource: resourceName, ...wdHints };
  const nesting = hints.max_table_nesting ?? defaults.max_table_nesting;
  const xNormalizer: Record<string, unknown> = {};
  if (nesting !== undefined) xNormalizer.max_nesting = nesting;
  const rootKey = hints.root_key ?? defaults.root_key;
  if (rootKey !== undefined) xNormalizer.root_key = rootKey;
  if (Object.keys(xNormalizer).length) table["x-normalizer"] = xNormalizer as TTableSchema["x-normalizer"];
  const contract = hints.schema_contract ?? defaults.schema_contract;
  if (contract !== undefined) table.schema_contract = contract;
  return table;
}

function stripUndefined(c: TColumnSchema): TColumnSchema {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

/**
 * Puts a resource's table into the schema. Key flags present on existing columns but no longer
 * hinted are cleared, so that changing keys between runs takes effect (dlt: test_replacing_merge_key).
 */
export function mergeHintsIntoSchema(schema: Schema, partial: TTableSchema): TTableSchema {
  const existing = schema.getTable(partial.name);
  if (existing) {
    for (const col of Object.values(existing.columns)) {
      for (const flag of ["primary_key", "merge_key"] as const) {
        if (col[flag] && !partial.columns[col.name]?.[flag]) {
          delete col[flag];
          if (!col.data_type || col.nullable === false) col.nullable = true;
        }
      }
    }
    if (!partial["x-merge-strategy"]) delete existing["x-merge-strategy"];
    if (!partial["x-replace-strategy"]) delete existing["x-replace-strategy"];
    if (partial.schema_contract === undefined) delete existing.schema_contract;
  }
  return schema.updateTable(partial);
}
