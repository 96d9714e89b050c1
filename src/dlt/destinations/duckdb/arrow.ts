// Normalized rows → an Arrow table typed by the dlt schema, so DuckDB ingests it in bulk with the
// final column types (no per-row INSERT, no type guessing by Arrow).
import {
  Binary,
  Bool,
  DateDay,
  Float64,
  Int64,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import type { TColumn, TNormalizedValue } from "../../schema/types.ts";

type Row = Record<string, TNormalizedValue>;

function nullBitmap(rows: Row[], name: string): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array((rows.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v === null || v === undefined) nulls++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap, nulls };
}

function int64Vector(rows: Row[], name: string, type: Int64 | TimestampMicrosecond): Vector {
  const { bitmap, nulls } = nullBitmap(rows, name);
  const data = new BigInt64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v !== null && v !== undefined) data[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(v as number));
  }
  // makeData's typings don't list `data` for 64-bit types, though it takes it.
  return makeVector(makeData({ type, length: rows.length, nullCount: nulls, nullBitmap: nulls ? bitmap : null, data } as never));
}

function float64Vector(rows: Row[], name: string): Vector {
  const { bitmap, nulls } = nullBitmap(rows, name);
  const data = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v !== null && v !== undefined) data[i] = v as number;
  }
  return makeVector(makeData({ type: new Float64(), length: rows.length, nullCount: nulls, nullBitmap: nulls ? bitmap : null, data }));
}

function dateVector(rows: Row[], name: string): Vector {
  const { bitmap, nulls } = nullBitmap(rows, name);
  const data = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v !== null && v !== undefined) data[i] = v as number;
  }
  return makeVector(makeData({ type: new DateDay(), length: rows.length, nullCount: nulls, nullBitmap: nulls ? bitmap : null, data }));
}

const encoder = new TextEncoder();

/** Strings packed by hand: vectorFromArray's builder is several times slower on large batches. */
function utf8Vector(rows: Row[], name: string): Vector {
  const n = rows.length;
  const { bitmap, nulls } = nullBitmap(rows, name);
  const offsets = new Int32Array(n + 1);
  let data = new Uint8Array(Math.max(1024, n * 16));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (v !== null && v !== undefined) {
      const text = typeof v === "string" ? v : String(v);
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      if (pos + text.length * 3 > data.length) {
        const grown = new Uint8Array(Math.max(data.length * 2, pos + text.length * 3));
        grown.set(data.subarray(0, pos));
        data = grown;
      }
      pos += encoder.encodeInto(text, data.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  return makeVector(
    makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : null, valueOffsets: offsets, data: data.subarray(0, pos) }),
  );
}

function boolVector(rows: Row[], name: string): Vector {
  const n = rows.length;
  const { bitmap, nulls } = nullBitmap(rows, name);
  const data = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (rows[i][name] === true) data[i >> 3] |= 1 << (i & 7);
  return makeVector(makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : null, data }));
}

function column(rows: Row[], col: TColumn): Vector {
  const values = () => rows.map((r) => r[col.name] ?? null);
  switch (col.data_type) {
    case "bigint":
      return int64Vector(rows, col.name, new Int64());
    case "timestamp":
      return int64Vector(rows, col.name, new TimestampMicrosecond("UTC"));
    case "double":
      return float64Vector(rows, col.name);
    case "date":
      return dateVector(rows, col.name);
    case "bool":
      return boolVector(rows, col.name);
    case "binary":
      return vectorFromArray(values() as (Uint8Array | null)[], new Binary());
    default:
      // text, json, decimal, wei, time travel as text and are cast by DuckDB on insert.
      return utf8Vector(rows, col.name);
  }
}

/** An Arrow table with one vector per column, in the order given. */
export function rowsToArrow(columns: TColumn[], rows: Row[]): Table {
  const vectors: Record<string, Vector> = {};
  for (const col of columns) vectors[col.name] = column(rows, col);
  return new Table(vectors);
}

/** Whether the Arrow vector's type differs from the column's DuckDB type (needs a CAST on insert). */
export function needsCast(col: TColumn): boolean {
  return ["decimal", "wei", "time", "json"].includes(col.data_type ?? "");
}
