// The DuckDB-WASM driver: rows go in as Arrow IPC bytes into a scratch table, then INSERT ... SELECT
// with casts for the types Arrow carries as text.
import { tableToIPC } from "apache-arrow";
import type { TColumn } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import type { LoadRow, ResultRow } from "../client.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import { needsCast, rowsToArrow } from "./arrow.ts";
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
    const scratch = `_pipebook_load_${uniqIdHex(6)}`;
    const ipc = tableToIPC(rowsToArrow(columns, rows), "stream");
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
}
