// Native DuckDB in Node (@duckdb/node-api): file databases that survive the process. Only Node
// reaches this module (connection.ts imports it dynamically); the browser bundle never does.
// Rows go in through DuckDB's appender in data chunks, typed by the table's own column types.
import {
  DuckDBBlobValue,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { TColumn } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import type { LoadRow, ResultRow } from "../client.ts";
import type { SqlDialect } from "../sql/dialect.ts";
import { insertFromScratchSql, needsCast } from "./scratch.ts";
import type { DuckDBDriver } from "./driver.ts";
import { decimalToString, timeToString } from "./results.ts";

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK = 2048;

type ToDuck = (v: Exclude<LoadRow[string], null | undefined>) => DuckDBValue;

const toBigInt = (v: unknown) => (typeof v === "bigint" ? v : BigInt(Math.trunc(v as number)));
const micros = (v: unknown) => (typeof v === "bigint" ? v : BigInt(Math.trunc(v as number)));

/** How a normalized value becomes a value of the column's DuckDB type. */
function writerFor(type: DuckDBType): ToDuck {
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return (v) => Number(v);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return toBigInt;
    case DuckDBTypeId.BOOLEAN:
      return (v) => v === true;
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (v) => new DuckDBTimestampTZValue(micros(v));
    case DuckDBTypeId.TIMESTAMP:
      return (v) => new DuckDBTimestampValue(micros(v));
    case DuckDBTypeId.TIMESTAMP_S:
      return (v) => new DuckDBTimestampSecondsValue(micros(v) / 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v) => new DuckDBTimestampMillisecondsValue(micros(v) / 1_000n);
    case DuckDBTypeId.TIMESTAMP_NS:
      return (v) => new DuckDBTimestampNanosecondsValue(micros(v) * 1_000n);
    case DuckDBTypeId.DATE:
      return (v) => new DuckDBDateValue(Number(v));
    case DuckDBTypeId.BLOB:
      return (v) => new DuckDBBlobValue(v as Uint8Array);
    default:
      return (v) => (typeof v === "string" ? v : String(v));
  }
}

/** Query results as the WASM driver gives them (results.ts): same JS values from both drivers. */
function readerFor(type: DuckDBType): (v: DuckDBValue) => unknown {
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return (v) => {
        const b = v as bigint;
        return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
      };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (v) => new Date(Number((v as DuckDBTimestampValue).micros / 1000n));
    case DuckDBTypeId.TIMESTAMP_S:
      return (v) => new Date(Number((v as DuckDBTimestampSecondsValue).seconds) * 1000);
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v) => new Date(Number((v as DuckDBTimestampMillisecondsValue).millis));
    case DuckDBTypeId.TIMESTAMP_NS:
      return (v) => new Date(Number((v as DuckDBTimestampNanosecondsValue).nanos / 1_000_000n));
    case DuckDBTypeId.DATE:
      return (v) => String(v);
    case DuckDBTypeId.DECIMAL:
      return (v) => {
        const d = v as unknown as { value: bigint; scale: number };
        return decimalToString(d.value, d.scale);
      };
    case DuckDBTypeId.TIME:
      return (v) => timeToString((v as unknown as { micros: bigint }).micros, 1_000_000);
    case DuckDBTypeId.BLOB:
      return (v) => (v as DuckDBBlobValue).bytes;
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return (v) => v;
    default:
      return (v) => (typeof v === "object" ? String(v) : v);
  }
}

export class NativeDriver implements DuckDBDriver {
  constructor(readonly connection: DuckDBConnection) {}

  get key(): object {
    return this.connection;
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async columnNames(sql: string): Promise<string[]> {
    return (await this.connection.run(sql)).columnNames();
  }

  async rows(sql: string): Promise<ResultRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const readers = reader.columnTypes().map(readerFor);
    const columns = reader.getColumns();
    const n = reader.currentRowCount;
    const out: ResultRow[] = new Array(n);
    for (let r = 0; r < n; r++) {
      const row: ResultRow = {};
      for (let c = 0; c < names.length; c++) {
        const v = columns[c][r];
        row[names[c]] = v === null || v === undefined ? null : readers[c](v);
      }
      out[r] = row;
    }
    return out;
  }

  async append(d: SqlDialect, dataset: string, table: string, columns: TColumn[], pages: AsyncIterable<LoadRow[]>): Promise<void> {
    // Types the appender can't take from JS values exactly (decimal, wei, time, json as text) go
    // through a scratch table and a casting INSERT ... SELECT, as in the WASM driver.
    const cast = columns.some(needsCast);
    const target = cast ? `_pipebook_load_${uniqIdHex(6)}` : table;
    const targetSchema = cast ? "main" : dataset;
    if (cast) {
      const defs = columns.map((c) => `${d.quoteIdent(c.name)} ${needsCast(c) ? "VARCHAR" : d.columnType(c)}`);
      await this.run(`CREATE TEMPORARY TABLE ${d.quoteIdent(target)} (${defs.join(", ")})`);
    }
    try {
      await this.appendChunks(targetSchema, target, columns, pages, cast);
      if (cast) await this.run(insertFromScratchSql(d, dataset, table, columns, `temp.main.${d.quoteIdent(target)}`));
    } finally {
      if (cast) await this.run(`DROP TABLE IF EXISTS temp.main.${d.quoteIdent(target)}`).catch(() => undefined);
    }
  }

  /** One appender for all the job's pages. */
  private async appendChunks(schema: string, table: string, columns: TColumn[], pages: AsyncIterable<LoadRow[]>, temp: boolean): Promise<void> {
    const appender = await this.connection.createAppender(table, temp ? "main" : schema, temp ? "temp" : null);
    try {
      if (appender.columnCount !== columns.length) {
        throw new Error(`Table ${schema}.${table} has ${appender.columnCount} columns, the load has ${columns.length}`);
      }
      const types = columns.map((_, i) => appender.columnType(i));
      const writers = types.map(writerFor);
      const names = columns.map((c) => c.name);
      for await (const rows of pages) {
        for (let start = 0; start < rows.length; start += CHUNK) {
          const end = Math.min(rows.length, start + CHUNK);
          const chunk = DuckDBDataChunk.create(types, end - start);
          for (let c = 0; c < names.length; c++) {
            const name = names[c];
            const write = writers[c];
            const values: DuckDBValue[] = new Array(end - start);
            for (let r = start; r < end; r++) {
              const v = rows[r][name];
              values[r - start] = v === null || v === undefined ? null : write(v);
            }
            chunk.setColumnValues(c, values);
          }
          appender.appendDataChunk(chunk);
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

const instances = new Map<string, Promise<DuckDBInstance>>();

/** Opens (or reuses, per path) a native DuckDB database and a connection for the engine. */
export async function openNativeDuckDB(path: string): Promise<{ driver: NativeDriver; location: string; close: () => void }> {
  if (!instances.has(path)) {
    // Extensions would be fetched from the network; offline that hangs. Built-in ones still load.
    const opening = DuckDBInstance.create(path, { autoinstall_known_extensions: "false" });
    instances.set(path, opening);
    opening.catch(() => instances.delete(path));
  }
  const instance = await instances.get(path)!;
  const connection = await instance.connect();
  return {
    driver: new NativeDriver(connection),
    location: `duckdb:///${path}`,
    close: () => connection.closeSync(),
  };
}
