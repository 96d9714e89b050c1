// DuckDB DDL for dlt types (dlt/destinations/impl/duckdb/factory.py) and identifier quoting.
import type { TColumn, TTableSchema } from "../../schema/types.ts";

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(dataset: string, table: string): string {
  return `${quoteIdent(dataset)}.${quoteIdent(table)}`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export interface DdlCapabilities {
  /** The JSON type needs DuckDB's json extension; without it dlt's json is stored as VARCHAR. */
  jsonType: boolean;
}

export function ddlType(col: TColumn, caps: DdlCapabilities): string {
  switch (col.data_type) {
    case "text":
      return "VARCHAR";
    case "double":
      return "DOUBLE";
    case "bool":
      return "BOOLEAN";
    case "bigint": {
      const p = col.precision;
      if (p === undefined) return "BIGINT";
      if (p <= 8) return "TINYINT";
      if (p <= 16) return "SMALLINT";
      if (p <= 32) return "INTEGER";
      if (p <= 64) return "BIGINT";
      return "HUGEINT";
    }
    case "timestamp": {
      if (col.timezone === false) {
        const p = col.precision;
        if (p === 0) return "TIMESTAMP_S";
        if (p !== undefined && p <= 3) return "TIMESTAMP_MS";
        if (p !== undefined && p > 6) return "TIMESTAMP_NS";
        return "TIMESTAMP";
      }
      return "TIMESTAMP WITH TIME ZONE";
    }
    case "date":
      return "DATE";
    case "time":
      return "TIME";
    case "decimal":
      return `DECIMAL(${col.precision ?? 38},${col.scale ?? 9})`;
    case "wei":
      return "DECIMAL(38,0)";
    case "binary":
      return "BLOB";
    case "json":
      return caps.jsonType ? "JSON" : "VARCHAR";
    default:
      throw new Error(`Column ${col.name} has no data type and cannot be created`);
  }
}

function columnDef(col: TColumn, caps: DdlCapabilities, withNotNull: boolean): string {
  const notNull = withNotNull && col.nullable === false ? " NOT NULL" : "";
  return `${quoteIdent(col.name)} ${ddlType(col, caps)}${notNull}`;
}

export function createTableSql(dataset: string, table: TTableSchema, columns: TColumn[], caps: DdlCapabilities): string {
  return `CREATE TABLE ${qualified(dataset, table.name)} (${columns.map((c) => columnDef(c, caps, true)).join(", ")})`;
}

/** DuckDB can't add a column with a NOT NULL constraint; dlt's DuckDB client adds it nullable too. */
export function addColumnSql(dataset: string, table: string, col: TColumn, caps: DdlCapabilities): string {
  return `ALTER TABLE ${qualified(dataset, table)} ADD COLUMN ${columnDef(col, caps, false)}`;
}
