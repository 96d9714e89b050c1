// The DuckDB destination client: dlt's SQL job client over a DuckDB driver (WASM or native).
import type { TTableSchema } from "../../schema/types.ts";
import type { DestinationCapabilities, LoadRow, ResultRow } from "../client.ts";
import { completeColumns } from "../sql/ddl.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import { SqlJobClient } from "../sql/job_client.ts";
import type { DuckDBDriver } from "./driver.ts";
import { duckdbDialect } from "./sql.ts";

export { completeColumns } from "../sql/ddl.ts";

const CAPABILITIES: DestinationCapabilities = {
  max_identifier_length: 65536,
  max_column_identifier_length: 65536,
  supports_ddl_transactions: true,
};

export class DuckDBClient extends SqlJobClient {
  readonly location: string;
  readonly dialect: SqlDialect;

  private constructor(readonly driver: DuckDBDriver, location: string, dialect: SqlDialect) {
    super();
    this.location = location;
    this.dialect = dialect;
  }

  /** Detects what this DuckDB can store (the json type needs the json extension loaded). */
  static async open(driver: DuckDBDriver, location: string): Promise<DuckDBClient> {
    const rows = await driver.rows(
      "SELECT count(*) AS n FROM duckdb_extensions() WHERE extension_name = 'json' AND loaded",
    );
    return new DuckDBClient(driver, location, duckdbDialect({ jsonType: Number(rows[0]?.n ?? 0) > 0 }));
  }

  protected get lockKey(): object {
    return this.driver.key;
  }

  capabilities(): DestinationCapabilities {
    return CAPABILITIES;
  }

  execute(sql: string): Promise<void> {
    return this.driver.run(sql);
  }

  rows(sql: string): Promise<ResultRow[]> {
    return this.driver.rows(sql);
  }

  /**
   * Named tables are asked directly, each by the columns of an empty query over it (~1 ms; DESCRIBE
   * took 1–9 ms, one query over all of them ran more code a fresh database compiles first): listing
   * a dataset reads DuckDB's whole catalog, whose ~30 system views it builds and binds on the first
   * look — ~100 ms of a fresh database, most of a reloaded notebook's first load — and ~5 ms after.
   * A missing table fails its query — a catalog error leaves the transaction usable — and the
   * listing answers instead.
   */
  override async storageColumns(dataset: string, tables?: readonly string[]): Promise<Map<string, string[]>> {
    if (tables === undefined) return super.storageColumns(dataset);
    const out = new Map<string, string[]>();
    const names = [...new Set(tables)];
    if (names.length === 0 || !(await this.datasetExists(dataset))) return out;
    try {
      for (const t of names) out.set(t, await this.driver.columnNames(`SELECT * FROM ${this.dialect.qualified(dataset, t)} LIMIT 0`));
    } catch {
      return this.listedColumns(dataset, names);
    }
    return out;
  }

  protected bulkLoad(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>): Promise<void> {
    return this.driver.append(this.dialect, dataset, table.name, completeColumns(table), pages);
  }
}
