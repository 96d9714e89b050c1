// DuckDB's dialect: dlt types as DuckDB column types (dlt/destinations/impl/duckdb/factory.py).
import type { TColumn } from "../../schema/types.ts";
import { ansiDialect, ansiQuoteLiteral, type SqlDialect } from "../sql/dialect.ts";

export interface DuckDBCapabilities {
  /** The JSON type needs DuckDB's json extension; without it dlt's json is stored as VARCHAR. */
  jsonType: boolean;
}

export function duckdbColumnType(col: TColumn, caps: DuckDBCapabilities): string {
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

export function duckdbDialect(caps: DuckDBCapabilities): SqlDialect {
  return ansiDialect({
    name: "duckdb",
    columnType: (col) => duckdbColumnType(col, caps),
    insertOrder: "rowid",
    supportsMerge: true,
    // DuckDB can't add a column with a NOT NULL constraint; dlt's DuckDB client adds it nullable too.
    addColumnNotNull: false,
    // DuckDB's own catalog functions: information_schema's views over them cost a planner pass
    // that is most of a small load's time on a fresh connection (100–200 ms in DuckDB-WASM).
    columnsQuery: (dataset) =>
      `SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = ${ansiQuoteLiteral(dataset)} ORDER BY table_name, column_index`,
    tablesQuery: (dataset) =>
      `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${ansiQuoteLiteral(dataset)}`,
    schemaExistsQuery: (dataset) =>
      `SELECT count(*) AS n FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = ${ansiQuoteLiteral(dataset)}`,
  });
}
