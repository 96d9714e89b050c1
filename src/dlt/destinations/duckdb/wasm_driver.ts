// The DuckDB-WASM driver: rows go in as Arrow IPC bytes. When the Arrow columns are exactly the
// table's columns, in its order and with its types, they are appended to the table directly;
// otherwise (casts, a table whose columns differ) through a scratch table and INSERT ... SELECT.
import { tableToIPC } from "apache-arrow";
import type { TColumn } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import type { LoadRow, ResultRow } from "../client.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import { arrowTypeIsExact, needsCast, rowsToArrow } from "./arrow.ts";
import type { SqlConnection } from "./connection.ts";
import type { DuckDBDriver } from "./driver.ts";
import { tableToRows } from "./results.ts";

export class WasmDriver implements DuckDBDriver {
  constructor(readonly connection: SqlConnection) {}

  get key(): object {
    return this.connection as object;
  }

  async run(sql: string): Promise<void> {
    await this.connection.query(sql);
  }

  async rows(sql: string): Promise<ResultRow[]> {
    return tableToRows(await this.connection.query(sql));
  }

  async append(d: SqlDialect, dataset: string, table: string, columns: TColumn[], rows: LoadRow[]): Promise<void> {
    const ipc = tableToIPC(rowsToArrow(columns, rows), "stream");
    if (await this.takesArrowAsIs(d, dataset, table, columns)) {
      // The scratch table and its copy cost as much as the insert itself.
      try {
        await this.connection.insertArrowFromIPCStream(ipc, { name: table, schema: dataset, create: false });
      } catch (e) {
        throw duckdbError(e);
      }
      return;
    }
    const scratch = `_pipebook_load_${uniqIdHex(6)}`;
    await this.connection.insertArrowFromIPCStream(ipc, { name: scratch, schema: "main", create: true });
    try {
      const names = columns.map((c) => d.quoteIdent(c.name)).join(", ");
      const select = columns
        .map((c) => (needsCast(c) ? `CAST(${d.quoteIdent(c.name)} AS ${d.columnType(c)})` : d.quoteIdent(c.name)))
        .join(", ");
      await this.run(`INSERT INTO ${d.qualified(dataset, table)} (${names}) SELECT ${select} FROM main.${d.quoteIdent(scratch)}`);
    } finally {
      // After a failed INSERT the transaction is aborted and the DROP fails too; rollback removes it.
      await Promise.resolve(this.run(`DROP TABLE IF EXISTS main.${d.quoteIdent(scratch)}`)).catch(() => undefined);
    }
  }

  /**
   * Whether a direct (positional) Arrow append stores each value in its own column unchanged:
   * the table's columns, asked of DuckDB each time (a notebook cell may have altered the table),
   * are the given ones in the same order, and every Arrow type is the column's DuckDB type.
   */
  private async takesArrowAsIs(d: SqlDialect, dataset: string, table: string, columns: TColumn[]): Promise<boolean> {
    if (!columns.every((c) => arrowTypeIsExact(c, d.columnType(c)))) return false;
    const stored = await this.rows(
      `SELECT column_name FROM duckdb_columns() WHERE schema_name = ${d.quoteLiteral(dataset)} AND table_name = ${d.quoteLiteral(table)} ORDER BY column_index`,
    );
    return stored.length === columns.length && stored.every((r, i) => r.column_name === columns[i].name);
  }
}

/** DuckDB-WASM reports a failed Arrow insert as JSON; this gives it the shape of a query error. */
function duckdbError(e: unknown): unknown {
  const text = e instanceof Error ? e.message : String(e);
  try {
    const parsed = JSON.parse(text) as { exception_type?: string; exception_message?: string };
    if (parsed.exception_type && parsed.exception_message) {
      return new Error(`${parsed.exception_type} Error: ${parsed.exception_message}`, { cause: e });
    }
  } catch {
    // not JSON: the error as it came
  }
  return e;
}
