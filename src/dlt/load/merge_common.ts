// Pieces shared by the merge strategies: which columns play which role in a table chain, and the
// SQL fragments built from them. Only complete columns exist in DuckDB, so only they are used.
import { completeColumns } from "../destinations/sql/ddl.ts";
import { ansiQuoteIdent, type SqlDialect } from "../destinations/sql/dialect.ts";
import { DltException } from "../errors.ts";
import type { TColumn, TTableSchema } from "../schema/types.ts";
import { uniqIdHex } from "../utils/digest.ts";

export interface MergeContext {
  /** root table first, then its nested tables (parents before children) */
  chain: TTableSchema[];
  dataset: string;
  staging: string;
  /** the package's load id: scd2's default boundary timestamp */
  loadId: string;
  schemaName?: string;
  dialect: SqlDialect;
  /** No primary key repeats among the staged root rows (checked by the loader): dedup can be skipped. */
  stagedKeysUnique?: boolean;
}

/** dlt's MergeDispositionException: the follow-up SQL cannot be generated for this chain. */
export class MergeDispositionException extends DltException {
  readonly dataset_name: string;
  readonly staging_dataset_name: string;
  readonly tables: string[];
  readonly reason: string;

  constructor(ctx: MergeContext, reason: string) {
    const tables = ctx.chain.map((t) => t.name);
    super(
      `Merge sql job for dataset name \`${ctx.dataset}\`, staging dataset name \`${ctx.staging}\` COULD NOT BE ` +
        `GENERATED. Merge will not be performed. Data for the following tables (${tables.join(", ")}) is loaded ` +
        `to staging dataset. You may need to write your own materialization. The reason is:\n${reason}`,
    );
    this.name = "MergeDispositionException";
    this.dataset_name = ctx.dataset;
    this.staging_dataset_name = ctx.staging;
    this.tables = tables;
    this.reason = reason;
  }
}

/** Every dialect here quotes identifiers the SQL-standard way. */
export const q = ansiQuoteIdent;

export function columnsWith(table: TTableSchema, hint: string): TColumn[] {
  return completeColumns(table).filter((c) => !!c[hint]);
}

export function namesWith(table: TTableSchema, hint: string): string[] {
  return columnsWith(table, hint).map((c) => c.name);
}

export function columnNames(table: TTableSchema): string[] {
  return completeColumns(table).map((c) => c.name);
}

export function quotedList(names: string[], alias?: string): string {
  return names.map((n) => (alias ? `${alias}.${q(n)}` : q(n))).join(", ");
}

/** `d.a = s.a AND d.b = s.b` */
export function equalOn(names: string[], left: string, right: string): string {
  return names.map((n) => `${left}.${q(n)} = ${right}.${q(n)}`).join(" AND ");
}

export const dest = (ctx: MergeContext, t: TTableSchema) => ctx.dialect.qualified(ctx.dataset, t.name);
export const stage = (ctx: MergeContext, t: TTableSchema) => ctx.dialect.qualified(ctx.staging, t.name);

/** The column identifying a row: `row_key`, else `unique`, else a single primary key. */
export function rowKeyColumn(ctx: MergeContext, table: TTableSchema): string {
  const named = namesWith(table, "row_key")[0] ?? namesWith(table, "unique")[0];
  if (named) return named;
  const pk = namesWith(table, "primary_key");
  if (pk.length === 1) return pk[0];
  throw new MergeDispositionException(
    ctx,
    pk.length > 1
      ? `Multiple primary key columns found in table \`${table.name}\`. Cannot use as \`row_key\`.`
      : `No \`row_key\`, \`unique\`, or single primary key column (e.g. \`_dlt_id\`) in table \`${table.name}\`.`,
  );
}

/** The column of a nested table pointing at its root row; a direct child may use its parent key. */
export function rootKeyColumn(ctx: MergeContext, table: TTableSchema): string {
  const rootKey = namesWith(table, "root_key")[0];
  if (rootKey) return rootKey;
  const reason = `No \`root_key\` column (e.g. \`_dlt_root_id\`) in table \`${table.name}\`.`;
  if (table.parent === ctx.chain[0].name) {
    const parentKey = namesWith(table, "parent_key")[0];
    if (parentKey) return parentKey;
    throw new MergeDispositionException(ctx, `${reason}No \`parent_key\` column (e.g. \`_dlt_parent_id\`) in table \`${table.name}\`.`);
  }
  throw new MergeDispositionException(ctx, reason);
}

export interface HardDelete {
  column: string;
  /** true for rows that request a delete (bool: only TRUE; other types: any non-NULL) */
  deleted: (alias?: string) => string;
  /** the complement of `deleted`, NULL-safe */
  kept: (alias?: string) => string;
}

export function hardDelete(root: TTableSchema): HardDelete | null {
  const col = columnsWith(root, "hard_delete")[0];
  if (!col) return null;
  const ref = (alias?: string) => (alias ? `${alias}.${q(col.name)}` : q(col.name));
  if (col.data_type === "bool") {
    return { column: col.name, deleted: (a) => `${ref(a)} = TRUE`, kept: (a) => `(${ref(a)} IS NULL OR ${ref(a)} = FALSE)` };
  }
  return { column: col.name, deleted: (a) => `${ref(a)} IS NOT NULL`, kept: (a) => `${ref(a)} IS NULL` };
}

/** A temp table name unique to this statement list (DuckDB temp tables live per connection). */
export function tempName(table: string, op: string): string {
  return q(`${table}_${op}_${uniqIdHex(8)}`);
}
