// The DuckDB side of a load: schema migration, bulk inserts through Arrow, transactions.
import { tableToIPC, type Table } from "apache-arrow";
import type { TColumn, TNormalizedValue, TTableSchema } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import { rowsToArrow } from "./arrow.ts";
import type { DuckDBHandle } from "./connection.ts";
import { tableToRows, type ResultRow } from "./results.ts";
import {
  addColumnSql,
  createTableSql,
  ddlType,
  qualified,
  quoteIdent,
  quoteLiteral,
  type DdlCapabilities,
} from "./sql.ts";

/** Serializes transactions per database: DuckDB has one transaction per connection. */
const locks = new WeakMap<object, Promise<unknown>>();

export class DuckDBClient {
  readonly handle: DuckDBHandle;
  private caps?: DdlCapabilities;

  constructor(handle: DuckDBHandle) {
    this.handle = handle;
  }

  get location(): string {
    return this.handle.location;
  }

  async execute(sql: string): Promise<Table> {
    return await this.handle.connection.query(sql);
  }

  async rows(sql: string): Promise<ResultRow[]> {
    return tableToRows(await this.execute(sql));
  }

  async capabilities(): Promise<DdlCapabilities> {
    if (!this.caps) {
      const rows = await this.rows(
        "SELECT count(*) AS n FROM duckdb_extensions() WHERE extension_name = 'json' AND loaded",
      );
      this.caps = { jsonType: Number(rows[0]?.n ?? 0) > 0 };
    }
    return this.caps;
  }

  /** Runs `fn` inside BEGIN/COMMIT; any error rolls back and is rethrown. One at a time per database. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.handle.connection as object;
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    locks.set(key, previous.then(() => mine));
    await previous.catch(() => undefined);
    try {
      await this.execute("BEGIN TRANSACTION");
      try {
        const result = await fn();
        await this.execute("COMMIT");
        return result;
      } catch (e) {
        await this.execute("ROLLBACK").catch(() => undefined);
        throw e;
      }
    } finally {
      release();
    }
  }

  /** Existing columns per table of a dataset (DuckDB schema), in table order. */
  async storageColumns(dataset: string): Promise<Map<string, string[]>> {
    const rows = await this.rows(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ${quoteLiteral(dataset)} ORDER BY table_name, ordinal_position`,
    );
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const t = String(r.table_name);
      if (!out.has(t)) out.set(t, []);
      out.get(t)!.push(String(r.column_name));
    }
    return out;
  }

  async datasetExists(dataset: string): Promise<boolean> {
    const rows = await this.rows(
      `SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = ${quoteLiteral(dataset)}`,
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  /** CREATE TABLE for new tables, ADD COLUMN for new complete columns. Returns the DDL it ran. */
  async migrate(dataset: string, tables: TTableSchema[], storage: Map<string, string[]>): Promise<string[]> {
    const caps = await this.capabilities();
    const ddl: string[] = [];
    if (!(await this.datasetExists(dataset))) ddl.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(dataset)}`);
    for (const table of tables) {
      const columns = completeColumns(table);
      if (columns.length === 0) continue;
      const existing = storage.get(table.name);
      if (!existing) {
        ddl.push(createTableSql(dataset, table, columns, caps));
        storage.set(table.name, columns.map((c) => c.name));
        continue;
      }
      for (const col of columns) {
        if (!existing.includes(col.name)) {
          ddl.push(addColumnSql(dataset, table.name, col, caps));
          existing.push(col.name);
        }
      }
    }
    for (const sql of ddl) await this.execute(sql);
    return ddl;
  }

  /** Drops and recreates a staging table with the table's current columns. */
  async recreateTable(dataset: string, table: TTableSchema): Promise<void> {
    const caps = await this.capabilities();
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(dataset)}`);
    await this.execute(`DROP TABLE IF EXISTS ${qualified(dataset, table.name)}`);
    await this.execute(createTableSql(dataset, table, completeColumns(table), caps));
  }

  /**
   * Bulk insert: rows → Arrow (typed by the schema) → a scratch table → INSERT ... SELECT with casts
   * for the types Arrow carries as text. Only the columns present in the rows' table are named.
   */
  async insertRows(
    dataset: string,
    table: TTableSchema,
    rows: Array<Record<string, TNormalizedValue>>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const caps = await this.capabilities();
    const columns = completeColumns(table);
    const scratch = `_pipebook_load_${uniqIdHex(6)}`;
    const ipc = tableToIPC(rowsToArrow(columns, rows), "stream");
    await this.handle.connection.insertArrowFromIPCStream(ipc, { name: scratch, schema: "main", create: true });
    try {
      const names = columns.map((c) => quoteIdent(c.name)).join(", ");
      const select = columns
        .map((c) => {
          const q = quoteIdent(c.name);
          return castNeeded(c) ? `CAST(${q} AS ${ddlType(c, caps)})` : q;
        })
        .join(", ");
      await this.execute(
        `INSERT INTO ${qualified(dataset, table.name)} (${names}) SELECT ${select} FROM main.${quoteIdent(scratch)}`,
      );
    } finally {
      // After a failed INSERT the transaction is aborted and the DROP fails too; rollback removes it.
      await Promise.resolve(this.execute(`DROP TABLE IF EXISTS main.${quoteIdent(scratch)}`)).catch(() => undefined);
    }
  }
}

function castNeeded(c: TColumn): boolean {
  return c.data_type === "decimal" || c.data_type === "wei" || c.data_type === "time" || c.data_type === "json";
}

export function completeColumns(table: TTableSchema): TColumn[] {
  return Object.values(table.columns).filter((c) => c.data_type !== undefined);
}
