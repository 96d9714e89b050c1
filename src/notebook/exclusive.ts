// The page's one DuckDB connection, shared by SQL cells, the catalog and downloads. DuckDB keeps
// one open result per connection: a query sent while a streamed result is still being read
// would close it. So a stream holds the connection until it has been read to its end (or
// abandoned), and everything else waits its turn.
import type { RecordBatch, Schema, Table } from "apache-arrow";
import type { ArrowInsertOptions } from "../dlt/destinations/duckdb/connection.ts";

/** A result arriving batch by batch; `schema` is known before the first batch. */
export type BatchStream = AsyncIterable<RecordBatch> & { schema?: Schema };

/** What DuckDB-WASM's connections offer (async in the browser, blocking in Node). */
export interface StreamingConnection {
  query(sql: string): Promise<Table> | Table;
  send(sql: string, allowStreamResult: boolean): Promise<BatchStream> | (Iterable<RecordBatch> & { schema?: Schema });
  insertArrowFromIPCStream(buffer: Uint8Array, options: ArrowInsertOptions): Promise<void> | void;
}

export class ExclusiveConnection {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly conn: StreamingConnection) {}

  /** Resolves when every earlier holder has released; call the function to release. */
  private turn(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const before = this.tail;
    this.tail = before.then(() => held);
    return before.then(() => release);
  }

  async query(sql: string): Promise<Table> {
    const release = await this.turn();
    try {
      return await this.conn.query(sql);
    } finally {
      release();
    }
  }

  async insertArrowFromIPCStream(buffer: Uint8Array, options: ArrowInsertOptions): Promise<void> {
    const release = await this.turn();
    try {
      await this.conn.insertArrowFromIPCStream(buffer, options);
    } finally {
      release();
    }
  }

  /** Streams a query's rows; the connection is the stream's until it is read out or dropped. */
  async send(sql: string): Promise<BatchStream> {
    const release = await this.turn();
    let reader: Awaited<ReturnType<StreamingConnection["send"]>>;
    try {
      reader = await this.conn.send(sql, true);
    } catch (e) {
      release();
      throw e;
    }
    async function* batches() {
      try {
        yield* reader;
      } catch (e) {
        throw readableError(e);
      } finally {
        release();
      }
    }
    return Object.assign(batches(), { schema: reader.schema });
  }
}

/**
 * DuckDB-WASM reports an error met while fetching a streamed result as DuckDB's JSON error
 * (`{"exception_type":"Invalid Input","exception_message":"..."}`); say it as a query would.
 */
function readableError(e: unknown): unknown {
  const message = (e as Error)?.message;
  if (typeof message !== "string" || !message.startsWith("{")) return e;
  try {
    const j = JSON.parse(message) as { exception_type?: string; exception_message?: string };
    if (typeof j.exception_message !== "string") return e;
    return new Error(j.exception_type ? `${j.exception_type} Error: ${j.exception_message}` : j.exception_message);
  } catch {
    return e;
  }
}
