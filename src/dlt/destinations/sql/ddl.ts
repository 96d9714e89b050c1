// DDL every SQL destination shares, typed through the dialect.
import type { TColumn, TTableSchema } from "../../schema/types.ts";
import type { SqlDialect } from "./dialect.ts";

export function completeColumns(table: TTableSchema): TColumn[] {
  return Object.values(table.columns).filter((c) => c.data_type !== undefined);
}

function columnDef(d: SqlDialect, col: TColumn, withNotNull: boolean): string {
  const notNull = withNotNull && col.nullable === false ? " NOT NULL" : "";
  return `${d.quoteIdent(col.name)} ${d.columnType(col)}${notNull}`;
}

export function createTableSql(d: SqlDialect, dataset: string, table: TTableSchema, columns: TColumn[]): string {
  return `CREATE TABLE ${d.qualified(dataset, table.name)} (${columns.map((c) => columnDef(d, c, true)).join(", ")})`;
}

export function addColumnSql(d: SqlDialect, dataset: string, table: string, col: TColumn): string {
  return `ALTER TABLE ${d.qualified(dataset, table)} ADD COLUMN ${columnDef(d, col, d.addColumnNotNull)}`;
}
