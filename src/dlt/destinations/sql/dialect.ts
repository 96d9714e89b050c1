// The SQL that differs between databases, as data: quoting, dlt type → column type, literals.
// Builders in sql/ and load/ write standard SQL and ask the dialect for the rest.
import type { TColumn } from "../../schema/types.ts";
import { formatIsoMicros } from "../../normalize/temporal.ts";

export interface SqlDialect {
  readonly name: string;
  quoteIdent(name: string): string;
  /** `dataset.table`, quoted */
  qualified(dataset: string, table: string): string;
  quoteLiteral(value: string): string;
  /** The column type for a dlt column (precision/scale/timezone hints included). */
  columnType(col: TColumn): string;
  /** A TIMESTAMP WITH TIME ZONE literal for UTC microseconds. */
  timestampLiteral(micros: number): string;
  /** A column (pseudo-column) giving a freshly loaded table's rows in insert order: dedup keeps the first. */
  insertOrder: string;
  /** Whether `MERGE INTO` exists (upsert, insert-only). */
  supportsMerge: boolean;
  /** Whether ADD COLUMN may carry NOT NULL (DuckDB can't; dlt adds such columns nullable there). */
  addColumnNotNull: boolean;
  /** A query giving `table_name, column_name` of a dataset's tables, in column order. */
  columnsQuery(dataset: string): string;
  /** A query giving `table_name` of a dataset's tables. */
  tablesQuery(dataset: string): string;
  /** A query giving `n` > 0 when the dataset (schema) exists. */
  schemaExistsQuery(dataset: string): string;
}

/** SQL-standard double-quoted identifiers, which every dialect here uses. */
export function ansiQuoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function ansiQuoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function ansiTimestampLiteral(micros: number): string {
  return `'${formatIsoMicros(micros).replace("T", " ")}+00'::TIMESTAMPTZ`;
}

/** The parts every dialect here shares; a dialect adds its type mapping and capabilities. */
export function ansiDialect(
  spec: Pick<SqlDialect, "name" | "columnType" | "insertOrder" | "supportsMerge" | "addColumnNotNull"> &
    Partial<Pick<SqlDialect, "columnsQuery" | "tablesQuery" | "schemaExistsQuery">>,
): SqlDialect {
  return {
    columnsQuery: (dataset) =>
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ${ansiQuoteLiteral(dataset)} ORDER BY table_name, ordinal_position`,
    tablesQuery: (dataset) => `SELECT table_name FROM information_schema.tables WHERE table_schema = ${ansiQuoteLiteral(dataset)}`,
    schemaExistsQuery: (dataset) => `SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = ${ansiQuoteLiteral(dataset)}`,
    ...spec,
    quoteIdent: ansiQuoteIdent,
    qualified: (dataset, table) => `${ansiQuoteIdent(dataset)}.${ansiQuoteIdent(table)}`,
    quoteLiteral: ansiQuoteLiteral,
    timestampLiteral: ansiTimestampLiteral,
  };
}
