// Normalized rows → an Arrow table typed by the dlt schema, so DuckDB ingests it in bulk with the
// final column types (no per-row INSERT, no type guessing by Arrow).
import {
  Binary,
  Bool,
  DataType,
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

// Each column is one pass over the rows, writing its validity bitmap and values together: the
// keyed property read per row is what these loops cost. A load job's Arrow tables share one set
// of buffers (see ArrowBatches): fresh ArrayBuffers per table cost allocation, zeroing and the
// collections V8 starts for external memory.

/** One column's buffers, kept from table to table of a load job and grown when one needs more. */
class ColumnBuffers {
  private valid = new Uint8Array(0);
  private store = new ArrayBuffer(0);
  private offsets = new Int32Array(1);

  /** The validity bitmap for `n` rows, zeroed (bits are OR-ed in). */
  bitmap(n: number): Uint8Array {
    const bytes = (n + 7) >> 3;
    if (this.valid.length < bytes) this.valid = new Uint8Array(bytes);
    return this.valid.subarray(0, bytes).fill(0);
  }

  /** At least `bytes` bytes for the values; what a previous table left there is not cleared. */
  values(bytes: number): ArrayBuffer {
    if (this.store.byteLength < bytes) this.store = new ArrayBuffer(bytes);
    return this.store;
  }

  /** A larger value buffer with the first `used` bytes copied over. */
  grow(bytes: number, used: number): ArrayBuffer {
    const grown = new ArrayBuffer(bytes);
    new Uint8Array(grown).set(new Uint8Array(this.store, 0, used));
    return (this.store = grown);
  }

  /** `n + 1` string offsets, the first 0. */
  stringOffsets(n: number): Int32Array {
    if (this.offsets.length < n + 1) this.offsets = new Int32Array(n + 1);
    return this.offsets.subarray(0, n + 1);
  }
}

function makeColumn(type: DataType, n: number, bitmap: Uint8Array, nulls: number, rest: object): Vector {
  // makeData's typings don't list `data` for 64-bit types, though it takes it.
  return makeVector(makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : null, ...rest } as never));
}

const TWO32 = 4294967296;

/**
 * Int64 values written as two Int32 halves: no BigInt per value. Numbers here are integers
 * within ±2^53 (the normalizer keeps larger ones as BigInt), so the halves are exact.
 */
function int64Vector(rows: Row[], name: string, type: Int64 | TimestampMicrosecond, b: ColumnBuffers): Vector {
  const n = rows.length;
  const bitmap = b.bitmap(n);
  const store = b.values(n * 8);
  const data = new BigInt64Array(store, 0, n);
  const halves = new Int32Array(store, 0, 2 * n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (typeof v === "number" && Number.isFinite(v)) {
      const w = Math.trunc(v);
      // ToInt32 keeps the low 32 bits of the two's complement; floor division gives the high word.
      halves[2 * i] = w | 0;
      halves[2 * i + 1] = Math.floor(w / TWO32);
    } else if (typeof v === "bigint") data[i] = v;
    else if (v === null || v === undefined) {
      nulls++;
      halves[2 * i] = halves[2 * i + 1] = 0;
      continue;
    } else data[i] = BigInt(Math.trunc(v as number)); // throws for NaN and ±Infinity, as it did
    bitmap[i >> 3] |= 1 << (i & 7);
  }
  return makeColumn(type, n, bitmap, nulls, { data });
}

function float64Vector(rows: Row[], name: string, b: ColumnBuffers): Vector {
  const n = rows.length;
  const bitmap = b.bitmap(n);
  const data = new Float64Array(b.values(n * 8), 0, n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (v === null || v === undefined) {
      nulls++;
      data[i] = 0;
    } else {
      data[i] = v as number;
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return makeColumn(new Float64(), n, bitmap, nulls, { data });
}

function dateVector(rows: Row[], name: string, b: ColumnBuffers): Vector {
  const n = rows.length;
  const bitmap = b.bitmap(n);
  const data = new Int32Array(b.values(n * 4), 0, n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (v === null || v === undefined) {
      nulls++;
      data[i] = 0;
    } else {
      data[i] = v as number;
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return makeColumn(new DateDay(), n, bitmap, nulls, { data });
}

const encoder = new TextEncoder();

/**
 * Strings packed by hand (vectorFromArray's builder is several times slower): ASCII is copied
 * code unit by code unit, which beats an encodeInto call per short string; the rest of a string
 * from its first non-ASCII character goes through encodeInto.
 */
function utf8Vector(rows: Row[], name: string, b: ColumnBuffers): Vector {
  const n = rows.length;
  const bitmap = b.bitmap(n);
  const offsets = b.stringOffsets(n);
  let data = new Uint8Array(b.values(Math.max(1024, n * 16)));
  let pos = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (v === null || v === undefined) nulls++;
    else {
      const text = typeof v === "string" ? v : String(v);
      const len = text.length;
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      if (pos + len * 3 > data.length) data = new Uint8Array(b.grow(Math.max(data.length * 2, pos + len * 3), pos));
      let k = 0;
      for (; k < len; k++) {
        const c = text.charCodeAt(k);
        if (c >= 0x80) break;
        data[pos++] = c;
      }
      if (k < len) pos += encoder.encodeInto(k === 0 ? text : text.slice(k), data.subarray(pos)).written;
      bitmap[i >> 3] |= 1 << (i & 7);
    }
    offsets[i + 1] = pos;
  }
  return makeColumn(new Utf8(), n, bitmap, nulls, { valueOffsets: offsets, data: data.subarray(0, pos) });
}

function boolVector(rows: Row[], name: string, b: ColumnBuffers): Vector {
  const n = rows.length;
  const bitmap = b.bitmap(n);
  const data = new Uint8Array(b.values(bitmap.length), 0, bitmap.length).fill(0);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    if (v === true) data[i >> 3] |= 1 << (i & 7);
    bitmap[i >> 3] |= 1 << (i & 7);
  }
  return makeColumn(new Bool(), n, bitmap, nulls, { data });
}

function column(rows: Row[], col: TColumn, b: ColumnBuffers): Vector {
  const values = () => rows.map((r) => r[col.name] ?? null);
  switch (col.data_type) {
    case "bigint":
      return int64Vector(rows, col.name, new Int64(), b);
    case "timestamp":
      return int64Vector(rows, col.name, new TimestampMicrosecond("UTC"), b);
    case "double":
      return float64Vector(rows, col.name, b);
    case "date":
      return dateVector(rows, col.name, b);
    case "bool":
      return boolVector(rows, col.name, b);
    case "binary":
      return vectorFromArray(values() as (Uint8Array | null)[], new Binary());
    default:
      // text, json, decimal, wei, time travel as text and are cast by DuckDB on insert.
      return utf8Vector(rows, col.name, b);
  }
}

/**
 * Arrow tables for the batches of rows of one load job, one vector per column in the order given.
 * They share buffers: a table is valid until the next one is made (serialize it first).
 */
export class ArrowBatches {
  private readonly buffers: ColumnBuffers[];

  constructor(private readonly columns: TColumn[]) {
    this.buffers = columns.map(() => new ColumnBuffers());
  }

  table(rows: Row[]): Table {
    const vectors: Record<string, Vector> = {};
    this.columns.forEach((col, i) => (vectors[col.name] = column(rows, col, this.buffers[i])));
    return new Table(vectors);
  }
}
