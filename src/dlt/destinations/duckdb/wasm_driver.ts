// The DuckDB-WASM driver: rows go in as Arrow IPC bytes. When the Arrow columns are exactly the
// table's columns, in its order and with its types, they are appended to the table directly;
// otherwise (casts, a table whose columns differ) through a scratch table and INSERT ... SELECT.
import { tableToIPC, type Table } from "apache-arrow";
import type { TColumn } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import type { LoadRow, ResultRow } from "../client.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import { ArrowBatches } from "./arrow.ts";
import { insertFromScratchSql, needsCast } from "./scratch.ts";
import type { SqlConnection } from "./connection.ts";
import type { DuckDBDriver } from "./driver.ts";
import { tableToRows } from "./results.ts";

/**
 * Rows per Arrow insert: a job's pages are gathered up to this many. Fewer, larger inserts cost
 * less to serialize and to insert (200,000 flat rows: IPC ~50 → ~30 ms, insert ~110 → ~95 ms).
 */
const INSERT_ROWS = 50_000;

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

  async columnNames(sql: string): Promise<string[]> {
    return (await this.connection.query(sql)).schema.fields.map((f) => f.name);
  }

  async append(d: SqlDialect, dataset: string, table: string, columns: TColumn[], pages: AsyncIterable<LoadRow[]>): Promise<void> {
    // Whether the rows go straight into the table is decided once per job: within the load's
    // transaction the table cannot change under it.
    let direct: boolean | undefined;
    let scratch: string | undefined;
    const arrowBatches = new ArrowBatches(columns);
    const insert = async (rows: LoadRow[]) => {
      const arrow = arrowBatches.table(rows);
      const ipc = tableToIPC(arrow, "stream");
      direct ??= await this.takesArrowAsIs(d, dataset, table, columns, arrow);
      if (direct) {
        // The scratch table and its copy cost as much as the insert itself.
        try {
          await this.connection.insertArrowFromIPCStream(ipc, { name: table, schema: dataset, create: false });
        } catch (e) {
          throw duckdbError(e);
        }
        return;
      }
      const create = scratch === undefined;
      scratch ??= `_pipebook_load_${uniqIdHex(6)}`;
      await this.connection.insertArrowFromIPCStream(ipc, { name: scratch, schema: "main", create });
    };
    let batch: LoadRow[][] = [];
    let batched = 0;
    const flush = async () => {
      if (batched > 0) await insert(batch.length === 1 ? batch[0] : batch.flat());
      batch = [];
      batched = 0;
    };
    try {
      for await (const rows of pages) {
        batch.push(rows);
        batched += rows.length;
        if (batched >= INSERT_ROWS) await flush();
      }
      await flush();
      if (scratch !== undefined) await this.run(insertFromScratchSql(d, dataset, table, columns, `main.${d.quoteIdent(scratch)}`));
    } finally {
      // After a failed INSERT the transaction is aborted and the DROP fails too; rollback removes it.
      if (scratch !== undefined) await this.run(`DROP TABLE IF EXISTS main.${d.quoteIdent(scratch)}`).catch(() => undefined);
    }
  }

  /**
   * Whether a direct (positional) Arrow append stores each value in its own column unchanged:
   * the table's columns — asked of DuckDB once per job, as a notebook cell may have altered the
   * table since the last load — have the Arrow table's names, order and types. Columns that need
   * a CAST (decimal, json, ...) always take the scratch path, whose explicit CAST checks them.
   */
  private async takesArrowAsIs(d: SqlDialect, dataset: string, table: string, columns: TColumn[], arrow: Table): Promise<boolean> {
    if (columns.some(needsCast)) return false;
    // The schema of an empty result: a few times cheaper than reading duckdb_columns().
    const stored = (await this.connection.query(`SELECT * FROM ${d.qualified(dataset, table)} LIMIT 0`)).schema.fields;
    const given = arrow.schema.fields;
    if (stored.length !== given.length) return false;
    for (let i = 0; i < given.length; i++) {
      if (stored[i].name !== given[i].name || String(stored[i].type) !== String(given[i].type)) return false;
    }
    return true;
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
