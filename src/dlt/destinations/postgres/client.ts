// The Postgres client (Node only: `pg` and `pg-copy-streams`; factory.ts imports this module
// dynamically so that the browser bundle never reaches it). Bulk loads with COPY FROM STDIN.
import { Buffer } from "node:buffer";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TTableSchema } from "../../schema/types.ts";
import type { DestinationCapabilities, LoadRow, ResultRow } from "../client.ts";
import { completeColumns } from "../sql/ddl.ts";
import { SqlJobClient } from "../sql/job_client.ts";
import { copyText } from "./copy.ts";
import { POSTGRES_MAX_IDENTIFIER_LENGTH, postgresDialect } from "./sql.ts";
import type { PostgresCredentials } from "./credentials.ts";

const CAPABILITIES: DestinationCapabilities = {
  max_identifier_length: POSTGRES_MAX_IDENTIFIER_LENGTH,
  max_column_identifier_length: POSTGRES_MAX_IDENTIFIER_LENGTH,
  supports_ddl_transactions: true,
};

/** Rows per COPY chunk written to the stream. */
const COPY_BATCH = 5_000;

const OID = { int8: 20, numeric: 1700, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, json: 114, jsonb: 3802 };

/**
 * Values read back the way the DuckDB client gives them: bigint as number when exact else BigInt,
 * numeric as exact text, date as `YYYY-MM-DD`, json as its text, timestamps as Date.
 */
function typeParser(oid: number, format?: string): (text: string) => unknown {
  switch (oid) {
    case OID.int8:
      return (t) => {
        const n = Number(t);
        return Number.isSafeInteger(n) ? n : BigInt(t);
      };
    case OID.time:
      // Six fractional digits when there is a fraction, as DuckDB's results give it.
      return (t) => (t.includes(".") ? t.padEnd(15, "0") : t);
    case OID.numeric:
    case OID.date:
    case OID.json:
    case OID.jsonb:
      return (t) => t;
    default:
      return pg.types.getTypeParser(oid, format as "text") as (text: string) => unknown;
  }
}

export class PostgresClient extends SqlJobClient {
  readonly dialect = postgresDialect;
  readonly location: string;

  private constructor(
    private readonly client: pg.Client,
    location: string,
  ) {
    super();
    this.location = location;
  }

  static async open(credentials: PostgresCredentials): Promise<PostgresClient> {
    const client = new pg.Client({
      host: credentials.host,
      port: credentials.port,
      database: credentials.database,
      user: credentials.username,
      password: credentials.password,
      connectionTimeoutMillis: credentials.connect_timeout * 1000,
      types: { getTypeParser: typeParser as never },
    });
    // A dropped connection surfaces on the next query; without a listener it would crash the process.
    client.on("error", () => undefined);
    await client.connect();
    return new PostgresClient(client, credentials.location());
  }

  protected get lockKey(): object {
    return this.client;
  }

  capabilities(): DestinationCapabilities {
    return CAPABILITIES;
  }

  async execute(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async rows(sql: string): Promise<ResultRow[]> {
    const result = await this.client.query(sql);
    // A multi-statement string gives one result per statement: the last one's rows.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return (last?.rows ?? []) as ResultRow[];
  }

  async migrate(dataset: string, tables: TTableSchema[], storage: Map<string, string[]>): Promise<string[]> {
    // Postgres silently cuts longer names, which would make two columns one: refuse clearly instead.
    for (const name of [dataset, ...tables.flatMap((t) => [t.name, ...completeColumns(t).map((c) => c.name)])]) {
      if (Buffer.byteLength(name) > POSTGRES_MAX_IDENTIFIER_LENGTH) {
        throw new Error(
          `Identifier \`${name}\` is ${Buffer.byteLength(name)} bytes long; postgres keeps at most ${POSTGRES_MAX_IDENTIFIER_LENGTH}`,
        );
      }
    }
    return super.migrate(dataset, tables, storage);
  }

  /** One COPY for all the job's pages. */
  protected async bulkLoad(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>): Promise<void> {
    const d = this.dialect;
    const columns = completeColumns(table);
    const names = columns.map((c) => d.quoteIdent(c.name)).join(", ");
    const stream = this.client.query(copyFrom(`COPY ${d.qualified(dataset, table.name)} (${names}) FROM STDIN WITH (FORMAT text)`));
    async function* chunks() {
      for await (const rows of pages) {
        for (let start = 0; start < rows.length; start += COPY_BATCH) {
          yield copyText(columns, rows, start, Math.min(rows.length, start + COPY_BATCH));
        }
      }
    }
    await pipeline(Readable.from(chunks()), stream);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
