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

  /** Runs `fn` with the connection to itself. */
  private async exclusive<T>(fn: (conn: StreamingConnection) => Promise<T> | T): Promise<T> {
    const release = await this.turn();
    try {
      return await fn(this.conn);
    } finally {
      release();
    }
  }

  query(sql: string): Promise<Table> {
    return this.exclusive((c) => c.query(sql));
  }

  insertArrowFromIPCStream(buffer: Uint8Array, options: ArrowInsertOptions): Promise<void> {
    return this.exclusive((c) => c.insertArrowFromIPCStream(buffer, options));
  }

  /**
   * Streams a query's rows; the connection is the stream's until it is read out, fails, or is
   * given up (`return()`, as `break` in a `for await` does) — even before its first batch.
   */
  async send(sql: string): Promise<BatchStream> {
    const turn = await this.turn();
    let released = false;
    const release = () => {
      if (!released) turn();
      released = true;
    };
    let reader: Awaited<ReturnType<StreamingConnection["send"]>>;
    try {
      reader = await this.conn.send(sql, true);
    } catch (e) {
      release();
      throw e;
    }
    const batches: AsyncIterator<RecordBatch> | Iterator<RecordBatch> =
      Symbol.asyncIterator in reader ? reader[Symbol.asyncIterator]() : reader[Symbol.iterator]();
    const done = { done: true, value: undefined } as const;
    const stream: AsyncIterableIterator<RecordBatch> = {
      [Symbol.asyncIterator]: () => stream,
      async next() {
        if (released) return done;
        try {
          const r = await batches.next();
          if (r.done) release();
          return r;
        } catch (e) {
          release();
          throw readableError(e);
        }
      },
      async return() {
        release();
        return done;
      },
    };
    return Object.assign(stream, { schema: reader.schema });
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
