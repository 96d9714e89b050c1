// One DuckDB client, two drivers: DuckDB-WASM (browser; `:memory:` in Node) and native DuckDB
// (@duckdb/node-api, files in Node). A driver runs SQL, reads rows and bulk-loads a table.
import type { LoadRow, ResultRow } from "../client.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import type { TColumn } from "../../schema/types.ts";

export interface DuckDBDriver {
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<ResultRow[]>;
  /** The names of a query's result columns, in order (the query runs; ask with LIMIT 0). */
  columnNames(sql: string): Promise<string[]>;
  /** Appends pages of rows to an existing table (`columns` are the complete columns, in table order). */
  append(dialect: SqlDialect, dataset: string, table: string, columns: TColumn[], pages: AsyncIterable<LoadRow[]>): Promise<void>;
  /** Transactions are serialized on this object (one per connection). */
  readonly key: object;
}
