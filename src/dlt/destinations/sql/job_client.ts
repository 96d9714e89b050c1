// JobClient for SQL databases in terms of a few driver primitives (run SQL, read rows, bulk load,
// transaction statements): dlt's SqlJobClientBase. DuckDB and Postgres extend it.
import { LOADS_TABLE, STATE_TABLE, VERSION_TABLE, type StoredSchema } from "../../schema/schema.ts";
import { microsFromDate } from "../../normalize/temporal.ts";
import type { TTableSchema } from "../../schema/types.ts";
import type { DestinationCapabilities, LoadRow, ResultRow, SqlClient, StoredStateRow } from "../client.ts";
import { addColumnSql, completeColumns, createTableSql } from "./ddl.ts";
import type { SqlDialect } from "./dialect.ts";

/** Serializes transactions per connection: a connection has one transaction at a time. */
const locks = new WeakMap<object, Promise<unknown>>();

export abstract class SqlJobClient implements SqlClient {
  abstract readonly location: string;
  abstract readonly dialect: SqlDialect;
  abstract capabilities(): DestinationCapabilities;
  abstract execute(sql: string): Promise<void>;
  abstract rows(sql: string): Promise<ResultRow[]>;
  /** Bulk-loads pages of rows into an existing table whose complete columns match `table`'s. */
  protected abstract bulkLoad(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>): Promise<void>;
  /** The object transactions are serialized on (the connection). */
  protected abstract get lockKey(): object;

  begin(): Promise<void> {
    return this.execute("BEGIN TRANSACTION");
  }

  commit(): Promise<void> {
    return this.execute("COMMIT");
  }

  rollback(): Promise<void> {
    return this.execute("ROLLBACK");
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.lockKey;
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    locks.set(key, previous.then(() => mine));
    await previous.catch(() => undefined);
    try {
      await this.begin();
      try {
        const result = await fn();
        await this.commit();
        return result;
      } catch (e) {
        await this.rollback().catch(() => undefined);
        throw e;
      }
    } finally {
      release();
    }
  }

  protected lit(value: string): string {
    return this.dialect.quoteLiteral(value);
  }

  async storageColumns(dataset: string, tables?: readonly string[]): Promise<Map<string, string[]>> {
    // A dataset that is not there has no columns. Asked anyway, DuckDB would first list (and bind)
    // every system view of its catalog: 100–200 ms of a fresh DuckDB-WASM's first load.
    if (!(await this.datasetExists(dataset))) return new Map();
    return this.listedColumns(dataset, tables);
  }

  /** The dataset's columns as the dialect's catalog query lists them, only `tables`' if given. */
  protected async listedColumns(dataset: string, tables?: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const wanted = tables && new Set(tables);
    for (const r of await this.rows(this.dialect.columnsQuery(dataset))) {
      const t = String(r.table_name);
      if (wanted && !wanted.has(t)) continue;
      if (!out.has(t)) out.set(t, []);
      out.get(t)!.push(String(r.column_name));
    }
    return out;
  }

  async storageTables(dataset: string): Promise<Set<string>> {
    if (!(await this.datasetExists(dataset))) return new Set();
    return new Set((await this.rows(this.dialect.tablesQuery(dataset))).map((r) => String(r.table_name)));
  }

  async datasetExists(dataset: string): Promise<boolean> {
    const rows = await this.rows(this.dialect.schemaExistsQuery(dataset));
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async migrate(dataset: string, tables: TTableSchema[], storage: Map<string, string[]>): Promise<string[]> {
    const d = this.dialect;
    const ddl: string[] = [];
    // Tables in storage are in the dataset: it exists.
    if (storage.size === 0 && !(await this.datasetExists(dataset))) ddl.push(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdent(dataset)}`);
    for (const table of tables) {
      const columns = completeColumns(table);
      if (columns.length === 0) continue;
      const existing = storage.get(table.name);
      if (!existing) {
        ddl.push(createTableSql(d, dataset, table, columns));
        storage.set(table.name, columns.map((c) => c.name));
        continue;
      }
      for (const col of columns) {
        if (!existing.includes(col.name)) {
          ddl.push(addColumnSql(d, dataset, table.name, col));
          existing.push(col.name);
        }
      }
    }
    for (const sql of ddl) await this.execute(sql);
    return ddl;
  }

  async dropTables(dataset: string, tables: string[]): Promise<void> {
    for (const t of tables) await this.execute(`DROP TABLE ${this.dialect.qualified(dataset, t)}`);
  }

  async truncateTables(dataset: string, tables: string[]): Promise<void> {
    // DELETE rather than TRUNCATE: it is transactional everywhere.
    for (const t of tables) await this.execute(`DELETE FROM ${this.dialect.qualified(dataset, t)} WHERE 1=1`);
  }

  async recreateStagingTable(dataset: string, table: TTableSchema): Promise<void> {
    const d = this.dialect;
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdent(dataset)}`);
    await this.execute(`DROP TABLE IF EXISTS ${d.qualified(dataset, table.name)}`);
    await this.execute(createTableSql(d, dataset, table, completeColumns(table)));
  }

  loadRows(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>): Promise<void> {
    return this.bulkLoad(dataset, table, nonEmpty(pages));
  }

  async deleteSchemaHistory(dataset: string, schemaName: string): Promise<void> {
    await this.execute(`DELETE FROM ${this.dialect.qualified(dataset, VERSION_TABLE)} WHERE schema_name = ${this.lit(schemaName)}`);
  }

  async schemaVersionStored(dataset: string, schemaName: string, versionHash: string): Promise<boolean> {
    const known = await this.rows(
      `SELECT count(*) AS n FROM ${this.dialect.qualified(dataset, VERSION_TABLE)} WHERE version_hash = ${this.lit(versionHash)} AND schema_name = ${this.lit(schemaName)}`,
    );
    return Number(known[0]?.n ?? 0) > 0;
  }

  async storeSchemaVersion(dataset: string, schema: StoredSchema): Promise<void> {
    const now = this.dialect.timestampLiteral(microsFromDate(new Date()));
    await this.execute(
      `INSERT INTO ${this.dialect.qualified(dataset, VERSION_TABLE)} (version, engine_version, inserted_at, schema_name, version_hash, ${this.dialect.quoteIdent("schema")}) ` +
        `VALUES (${schema.version}, ${schema.engine_version}, ${now}, ${this.lit(schema.name)}, ${this.lit(schema.version_hash)}, ${this.lit(JSON.stringify(schema))})`,
    );
  }

  async completeLoad(dataset: string, loadId: string, schemaName: string, versionHash: string): Promise<void> {
    const now = this.dialect.timestampLiteral(microsFromDate(new Date()));
    await this.execute(
      `INSERT INTO ${this.dialect.qualified(dataset, LOADS_TABLE)} (load_id, schema_name, status, inserted_at, schema_version_hash) ` +
        `VALUES (${this.lit(loadId)}, ${this.lit(schemaName)}, 0, ${now}, ${this.lit(versionHash)})`,
    );
  }

  async newestStoredState(dataset: string, pipelineName: string): Promise<StoredStateRow | undefined> {
    const d = this.dialect;
    const rows = await this.rows(
      `SELECT s.state FROM ${d.qualified(dataset, STATE_TABLE)} s JOIN ${d.qualified(dataset, LOADS_TABLE)} l ON l.load_id = s._dlt_load_id ` +
        `WHERE s.pipeline_name = ${this.lit(pipelineName)} AND l.status = 0 ORDER BY s._dlt_load_id DESC, s.version DESC LIMIT 1`,
    );
    return rows.length ? { state: String(rows[0].state) } : undefined;
  }

  async newestStoredSchema(dataset: string, schemaName: string): Promise<string | undefined> {
    const v = await this.rows(
      `SELECT ${this.dialect.quoteIdent("schema")} FROM ${this.dialect.qualified(dataset, VERSION_TABLE)} WHERE schema_name = ${this.lit(schemaName)} ORDER BY inserted_at DESC, version DESC LIMIT 1`,
    );
    return v.length ? String(v[0].schema) : undefined;
  }
}

async function* nonEmpty(pages: AsyncIterable<LoadRow[]>): AsyncIterable<LoadRow[]> {
  for await (const rows of pages) if (rows.length > 0) yield rows;
}
