// Values neither driver can hand DuckDB in their final type (decimal, wei, time, json travel as
// text) go into a scratch table first and reach the target through one casting INSERT ... SELECT.
import type { TColumn } from "../../schema/types.ts";
import type { SqlDialect } from "../sql/dialect.ts";

/** Whether the column's values arrive as text and need a CAST to the column's DuckDB type. */
export function needsCast(col: TColumn): boolean {
  return ["decimal", "wei", "time", "json"].includes(col.data_type ?? "");
}

/** `INSERT INTO dataset.table (columns) SELECT <columns, cast where needed> FROM <from>`. */
export function insertFromScratchSql(d: SqlDialect, dataset: string, table: string, columns: TColumn[], from: string): string {
  const names = columns.map((c) => d.quoteIdent(c.name)).join(", ");
  const select = columns
    .map((c) => (needsCast(c) ? `CAST(${d.quoteIdent(c.name)} AS ${d.columnType(c)})` : d.quoteIdent(c.name)))
    .join(", ");
  return `INSERT INTO ${d.qualified(dataset, table)} (${names}) SELECT ${select} FROM ${from}`;
}
