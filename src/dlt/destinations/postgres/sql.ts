// Postgres' dialect: dlt types as Postgres column types (dlt/destinations/impl/postgres/factory.py).
import type { TColumn } from "../../schema/types.ts";
import { ansiDialect, type SqlDialect } from "../sql/dialect.ts";

/** NAMEDATALEN - 1: longer identifiers are cut by Postgres itself. */
export const POSTGRES_MAX_IDENTIFIER_LENGTH = 63;

export function postgresColumnType(col: TColumn): string {
  switch (col.data_type) {
    case "text":
      return col.precision !== undefined ? `varchar(${col.precision})` : "varchar";
    case "double":
      return "double precision";
    case "bool":
      return "boolean";
    case "bigint": {
      const p = col.precision;
      if (p === undefined) return "bigint";
      if (p <= 16) return "smallint";
      if (p <= 32) return "integer";
      if (p <= 64) return "bigint";
      return `numeric(${p},0)`;
    }
    case "timestamp": {
      const zone = col.timezone === false ? "without time zone" : "with time zone";
      return col.precision !== undefined ? `timestamp (${col.precision}) ${zone}` : `timestamp ${zone}`;
    }
    case "date":
      return "date";
    case "time":
      return col.precision !== undefined ? `time (${col.precision}) without time zone` : "time without time zone";
    case "decimal":
      return `numeric(${col.precision ?? 38},${col.scale ?? 9})`;
    case "wei":
      return "numeric";
    case "binary":
      return "bytea";
    case "json":
      return "jsonb";
    default:
      throw new Error(`Column ${col.name} has no data type and cannot be created`);
  }
}

export const postgresDialect: SqlDialect = ansiDialect({
  name: "postgres",
  columnType: postgresColumnType,
  // The physical row address: a freshly loaded staging table's rows are in COPY order.
  insertOrder: "ctid",
  supportsMerge: true,
  addColumnNotNull: false,
});
