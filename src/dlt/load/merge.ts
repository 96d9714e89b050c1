// SQL that merges staging tables into final tables, per merge strategy (dlt/destinations/sql_jobs.py).
import { C_DLT_ID, C_DLT_ROOT_ID } from "../schema/schema.ts";
import type { TTableSchema } from "../schema/types.ts";
import { qualified, quoteIdent } from "../destinations/duckdb/sql.ts";
import { completeColumns } from "../destinations/duckdb/client.ts";
import { uniqIdHex } from "../utils/digest.ts";

export interface MergeContext {
  /** root table first, then its nested tables (parents before children) */
  chain: TTableSchema[];
  dataset: string;
  staging: string;
  loadId: string;
}

function keyColumns(table: TTableSchema, flag: "primary_key" | "merge_key"): string[] {
  return Object.values(table.columns).filter((c) => c[flag]).map((c) => c.name);
}

function columnList(table: TTableSchema): string {
  return completeColumns(table).map((c) => quoteIdent(c.name)).join(", ");
}

/** Statements of the `delete-insert` strategy (§5.4): delete by key, dedup staging, insert. */
export function deleteInsertSql(ctx: MergeContext): string[] {
  const [root, ...nested] = ctx.chain;
  const pk = keyColumns(root, "primary_key");
  const mk = keyColumns(root, "merge_key");
  const dst = qualified(ctx.dataset, root.name);
  const stg = qualified(ctx.staging, root.name);
  const sql: string[] = [];
  const conditions: string[] = [];
  if (pk.length) conditions.push(pk.map((c) => `d.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(" AND "));
  if (mk.length) conditions.push(mk.map((c) => `d.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(" AND "));
  const hex = uniqIdHex(5);
  const del = `${root.name}_delete_${hex}`;
  const ins = `${root.name}_insert_${hex}`;
  if (conditions.length) {
    const where = `EXISTS (SELECT 1 FROM ${stg} AS s WHERE ${conditions.map((c) => `(${c})`).join(" OR ")})`;
    if (nested.length) {
      sql.push(`CREATE TEMPORARY TABLE ${quoteIdent(del)} AS SELECT d.${quoteIdent(C_DLT_ID)} FROM ${dst} AS d WHERE ${where}`);
      for (const t of nested) {
        sql.push(`DELETE FROM ${qualified(ctx.dataset, t.name)} WHERE ${quoteIdent(C_DLT_ROOT_ID)} IN (SELECT * FROM ${quoteIdent(del)})`);
      }
      sql.push(`DELETE FROM ${dst} WHERE ${quoteIdent(C_DLT_ID)} IN (SELECT * FROM ${quoteIdent(del)})`);
    } else {
      sql.push(`DELETE FROM ${dst} AS d WHERE ${where}`);
    }
  }
  // Dedup by primary key: the first row of the batch wins (rowid order) unless dedup_sort says otherwise.
  const dedupCol = Object.values(root.columns).find((c) => c.dedup_sort);
  const order = dedupCol ? `${quoteIdent(dedupCol.name)} ${dedupCol.dedup_sort === "asc" ? "ASC" : "DESC"}, rowid` : "rowid";
  const partition = pk.map(quoteIdent).join(", ");
  const selectIds = pk.length
    ? `SELECT ${quoteIdent(C_DLT_ID)} FROM (SELECT ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS _dlt_dedup_rn, ${quoteIdent(C_DLT_ID)} FROM ${stg}) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1`
    : `SELECT ${quoteIdent(C_DLT_ID)} FROM ${stg}`;
  sql.push(`CREATE TEMPORARY TABLE ${quoteIdent(ins)} AS ${selectIds}`);
  const cols = columnList(root);
  sql.push(`INSERT INTO ${dst} (${cols}) SELECT ${cols} FROM ${stg} WHERE ${quoteIdent(C_DLT_ID)} IN (SELECT * FROM ${quoteIdent(ins)})`);
  for (const t of nested) {
    const tc = columnList(t);
    sql.push(
      `INSERT INTO ${qualified(ctx.dataset, t.name)} (${tc}) SELECT ${tc} FROM (SELECT ROW_NUMBER() OVER (PARTITION BY ${quoteIdent(C_DLT_ID)} ORDER BY rowid) AS _dlt_dedup_rn, * FROM ${qualified(ctx.staging, t.name)}) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1 AND ${quoteIdent(C_DLT_ROOT_ID)} IN (SELECT * FROM ${quoteIdent(ins)})`,
    );
  }
  sql.push(`DROP TABLE IF EXISTS ${quoteIdent(del)}`, `DROP TABLE IF EXISTS ${quoteIdent(ins)}`);
  return sql;
}

/** The follow-up statements that merge the staged chain of one root table. */
export function mergeSql(ctx: MergeContext): string[] {
  const strategy = ctx.chain[0]["x-merge-strategy"] ?? "delete-insert";
  switch (strategy) {
    case "delete-insert":
      return deleteInsertSql(ctx);
    default:
      throw new Error(`Merge strategy \`${strategy}\` is not supported yet`);
  }
}
