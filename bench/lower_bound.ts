// An honest lower bound for loading the bench's rows into DuckDB-WASM: a hand-written loader that
// knows the data's shape in advance (no inference, no schema, no contracts), reads every object
// once into typed column buffers, makes Arrow vectors from them directly and inserts the IPC bytes
// into a table created with the engine's DDL. It stores the same rows as pipeline.run, dlt
// columns included (`_dlt_load_id`, `_dlt_id`, parent ids and list indexes, hashed as dlt does),
// so the engine's time over it is its own bookkeeping.
import {
  Bool,
  Int64,
  Float64,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type Vector,
} from "apache-arrow";
import { openDuckDB, type SqlConnection } from "../src/dlt/destinations/duckdb/connection.ts";
import { digest128Short } from "../src/dlt/normalize/fast_digest.ts";
import type { FlatRow } from "./data.ts";

/** Wall time of the three phases; `rows` are the rows stored over all tables. */
export interface LowerBound {
  rows: number;
  columnsMs: number;
  arrowMs: number;
  insertMs: number;
  totalMs: number;
}

// ------------------------------------------------------------------ column builders

const TWO32 = 4294967296;

/** int64 as two Int32 halves: no BigInt per value. Exact for integers within ±2^53. */
class Int64Col {
  private i32: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.i32 = new Int32Array(capacity * 2);
  }
  push(v: number): void {
    if (this.length * 2 === this.i32.length) this.i32 = grow32(this.i32);
    const at = this.length++ * 2;
    // ToInt32 keeps the low 32 bits of the two's complement; floor division gives the high word.
    this.i32[at] = v | 0;
    this.i32[at + 1] = Math.floor(v / TWO32);
  }
  vector(type: Int64 | TimestampMicrosecond = new Int64()): Vector {
    const data = new BigInt64Array(this.i32.buffer, 0, this.length);
    return makeVector(makeData({ type, length: this.length, nullCount: 0, data } as never));
  }
}

class Float64Col {
  private data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  vector(): Vector {
    return makeVector(makeData({ type: new Float64(), length: this.length, nullCount: 0, data: this.data.subarray(0, this.length) }));
  }
}

class BoolCol {
  private bits: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  push(v: boolean): void {
    if (this.length >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2 + 1);
      grown.set(this.bits);
      this.bits = grown;
    }
    if (v) this.bits[this.length >> 3] |= 1 << (this.length & 7);
    this.length++;
  }
  vector(): Vector {
    return makeVector(makeData({ type: new Bool(), length: this.length, nullCount: 0, data: this.bits }));
  }
}

const encoder = new TextEncoder();

/** UTF-8 bytes + Int32 offsets; ASCII is copied by hand, the rest goes through encodeInto. */
class Utf8Col {
  private bytes: Uint8Array;
  private offsets: Int32Array;
  private pos = 0;
  length = 0;
  constructor(capacity: number, bytesPerValue: number) {
    this.bytes = new Uint8Array(capacity * bytesPerValue);
    this.offsets = new Int32Array(capacity + 1);
  }
  push(s: string): void {
    const n = s.length;
    if (this.pos + n * 3 > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n * 3));
      grown.set(this.bytes.subarray(0, this.pos));
      this.bytes = grown;
    }
    if (this.length + 1 === this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const b = this.bytes;
    let p = this.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i < n) p += encoder.encodeInto(s.slice(i), b.subarray(p)).written;
    this.pos = p;
    this.offsets[++this.length] = p;
  }
  vector(): Vector {
    return makeVector(
      makeData({ type: new Utf8(), length: this.length, nullCount: 0, valueOffsets: this.offsets.subarray(0, this.length + 1), data: this.bytes.subarray(0, this.pos) }),
    );
  }
}

function grow32(a: Int32Array): Int32Array {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

// ------------------------------------------------------------------ values

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** Days from 1970-01-01 (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` (the bench's shape) → UTC micros. */
function isoMicros(s: string): number {
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  return ((daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec) * 1000 + ms) * 1000;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const B64_CODES = Array.from(B64, (c) => c.charCodeAt(0));

/** `n` random ids of 14 base64 characters (dlt's `uniq_id_base64(10)`), from one random draw. */
function randomIds(n: number): string[] {
  const bytes = new Uint8Array(n * 10);
  for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  const ids = new Array<string>(n);
  const codes = new Array<number>(14);
  for (let k = 0, p = 0; k < n; k++, p += 10) {
    let c = 0;
    for (let i = 0; i < 9; i += 3) {
      const v = (bytes[p + i] << 16) | (bytes[p + i + 1] << 8) | bytes[p + i + 2];
      codes[c++] = B64_CODES[v >> 18];
      codes[c++] = B64_CODES[(v >> 12) & 63];
      codes[c++] = B64_CODES[(v >> 6) & 63];
      codes[c++] = B64_CODES[v & 63];
    }
    codes[12] = B64_CODES[bytes[p + 9] >> 2];
    codes[13] = B64_CODES[(bytes[p + 9] & 3) << 4];
    ids[k] = String.fromCharCode(...codes);
  }
  return ids;
}

// ------------------------------------------------------------------ loading

/**
 * Rows per Arrow insert: each insert costs DuckDB-WASM a few ms of its own, and batches of
 * 40,000–200,000 rows were the fastest here (10,000: about twice the insert time).
 */
const BATCH = Number(process.env.BENCH_LB_BATCH ?? 100_000);

async function insertTables(c: SqlConnection, tables: [string, Table][]): Promise<{ ms: number }> {
  const batches: [string, Uint8Array][] = [];
  for (const [name, t] of tables) {
    for (let at = 0; at < t.numRows; at += BATCH) batches.push([name, tableToIPC(t.slice(at, at + BATCH), "stream")]);
  }
  const t0 = performance.now();
  // One transaction, as pipebook's load has: a commit per batch costs DuckDB a quarter more.
  await c.query("BEGIN TRANSACTION");
  for (const [name, ipc] of batches) await c.insertArrowFromIPCStream(ipc, { name, schema: "lb", create: false });
  await c.query("COMMIT");
  return { ms: performance.now() - t0 };
}

async function prepare(ddl: string[]): Promise<SqlConnection> {
  const h = await openDuckDB();
  await h.connection.query("CREATE SCHEMA lb");
  for (const sql of ddl) await h.connection.query(sql);
  return h.connection;
}

/**
 * A fresh DuckDB-WASM instance compiles its code lazily, on first use: the path runs once on a
 * few rows (then deleted) before the clock, as the pipeline's database is warmed (see run.ts).
 */
async function warm(c: SqlConnection, tables: string[], path: () => Promise<unknown>): Promise<void> {
  await path();
  for (const t of tables) await c.query(`DELETE FROM lb.${t}`);
}

async function count(c: SqlConnection, table: string): Promise<number> {
  return Number((await c.query(`SELECT count(*) AS n FROM lb.${table}`)).toArray()[0].n);
}

const FLAT_DDL =
  "CREATE TABLE lb.flat (id BIGINT, qty BIGINT, amount DOUBLE, score DOUBLE, name VARCHAR, category VARCHAR, " +
  "active BOOLEAN, flag BOOLEAN, created_at TIMESTAMP WITH TIME ZONE, updated_at TIMESTAMP WITH TIME ZONE, " +
  "_dlt_load_id VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL)";

/** The flat rows: one pass over the objects into 12 typed columns, one Arrow table, one insert. */
export async function lowerBoundFlat(rows: FlatRow[]): Promise<LowerBound> {
  const c = await prepare([FLAT_DDL]);
  await warm(c, ["flat"], () => flatInto(c, rows.slice(0, 100)));
  return flatInto(c, rows);
}

async function flatInto(c: SqlConnection, rows: FlatRow[]): Promise<LowerBound> {
  const n = rows.length;
  const loadId = String(Date.now() / 1000);
  const t0 = performance.now();
  const id = new Int64Col(n), qty = new Int64Col(n), created = new Int64Col(n), updated = new Int64Col(n);
  const amount = new Float64Col(n), score = new Float64Col(n);
  const name = new Utf8Col(n, 16), category = new Utf8Col(n, 8), load = new Utf8Col(n, loadId.length), dltId = new Utf8Col(n, 14);
  const active = new BoolCol(n), flag = new BoolCol(n);
  const ids = randomIds(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    id.push(r.id);
    qty.push(r.qty);
    amount.push(r.amount);
    score.push(r.score);
    name.push(r.name);
    category.push(r.category);
    active.push(r.active);
    flag.push(r.flag);
    created.push(isoMicros(r.created_at));
    updated.push(isoMicros(r.updated_at));
    load.push(loadId);
    dltId.push(ids[i]);
  }
  const t1 = performance.now();
  const ts = new TimestampMicrosecond("UTC");
  const table = new Table({
    id: id.vector(), qty: qty.vector(), amount: amount.vector(), score: score.vector(), name: name.vector(),
    category: category.vector(), active: active.vector(), flag: flag.vector(), created_at: created.vector(ts),
    updated_at: updated.vector(ts), _dlt_load_id: load.vector(), _dlt_id: dltId.vector(),
  });
  const { ms: insertMs } = await insertTables(c, [["flat", table]]);
  const t3 = performance.now();
  if ((await count(c, "flat")) !== n) throw new Error("lower bound: flat rows missing");
  // tableToIPC runs inside insertTables but belongs to the Arrow build.
  return { rows: n, columnsMs: t1 - t0, arrowMs: t3 - t1 - insertMs, insertMs, totalMs: t3 - t0 };
}

interface NestedDoc {
  id: number;
  meta: { source: string; version: number; checked: boolean };
  tags: string[];
  lines: { sku: string; qty: number; parts: number[] }[];
}

const NESTED_DDL = [
  "CREATE TABLE lb.docs (id BIGINT, meta__source VARCHAR, meta__version BIGINT, meta__checked BOOLEAN, _dlt_load_id VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL)",
  "CREATE TABLE lb.docs__tags (value VARCHAR, _dlt_parent_id VARCHAR NOT NULL, _dlt_list_idx BIGINT NOT NULL, _dlt_id VARCHAR NOT NULL)",
  "CREATE TABLE lb.docs__lines (sku VARCHAR, qty BIGINT, _dlt_parent_id VARCHAR NOT NULL, _dlt_list_idx BIGINT NOT NULL, _dlt_id VARCHAR NOT NULL)",
  "CREATE TABLE lb.docs__lines__parts (value BIGINT, _dlt_parent_id VARCHAR NOT NULL, _dlt_list_idx BIGINT NOT NULL, _dlt_id VARCHAR NOT NULL)",
];

/** Columns shared by nested tables: parent id, list index and the row's own (hashed) id. */
class ChildKeys {
  readonly parent: Utf8Col;
  readonly idx: Int64Col;
  readonly id: Utf8Col;
  constructor(n: number) {
    this.parent = new Utf8Col(n, 14);
    this.idx = new Int64Col(n);
    this.id = new Utf8Col(n, 14);
  }
  /** dlt's nested row id: a hash of parent id, table and position. */
  push(parentId: string, table: string, idx: number): string {
    const id = digest128Short(`${parentId}_${table}_${idx}`);
    this.parent.push(parentId);
    this.idx.push(idx);
    this.id.push(id);
    return id;
  }
  vectors(): Record<string, Vector> {
    return { _dlt_parent_id: this.parent.vector(), _dlt_list_idx: this.idx.vector(), _dlt_id: this.id.vector() };
  }
}

/** The nested documents flattened by hand into the root and its three nested tables. */
export async function lowerBoundNested(docs: NestedDoc[]): Promise<LowerBound> {
  const c = await prepare(NESTED_DDL);
  await warm(c, ["docs", "docs__tags", "docs__lines", "docs__lines__parts"], () => nestedInto(c, docs.slice(0, 100)));
  return nestedInto(c, docs);
}

async function nestedInto(c: SqlConnection, docs: NestedDoc[]): Promise<LowerBound> {
  const n = docs.length;
  const loadId = String(Date.now() / 1000);
  const t0 = performance.now();
  const id = new Int64Col(n), version = new Int64Col(n), source = new Utf8Col(n, 8), checked = new BoolCol(n);
  const load = new Utf8Col(n, loadId.length), rootId = new Utf8Col(n, 14);
  const tagValue = new Utf8Col(n * 2, 1), tagKeys = new ChildKeys(n * 2);
  const sku = new Utf8Col(n * 2, 8), lineQty = new Int64Col(n * 2), lineKeys = new ChildKeys(n * 2);
  const partValue = new Int64Col(n * 3), partKeys = new ChildKeys(n * 3);
  const ids = randomIds(n);
  for (let i = 0; i < n; i++) {
    const d = docs[i];
    const rid = ids[i];
    id.push(d.id);
    source.push(d.meta.source);
    version.push(d.meta.version);
    checked.push(d.meta.checked);
    load.push(loadId);
    rootId.push(rid);
    const tags = d.tags;
    for (let k = 0; k < tags.length; k++) {
      tagValue.push(tags[k]);
      tagKeys.push(rid, "docs__tags", k);
    }
    const lines = d.lines;
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k];
      sku.push(line.sku);
      lineQty.push(line.qty);
      const lid = lineKeys.push(rid, "docs__lines", k);
      const parts = line.parts;
      for (let p = 0; p < parts.length; p++) {
        partValue.push(parts[p]);
        partKeys.push(lid, "docs__lines__parts", p);
      }
    }
  }
  const t1 = performance.now();
  const tables: [string, Table][] = [
    ["docs", new Table({ id: id.vector(), meta__source: source.vector(), meta__version: version.vector(), meta__checked: checked.vector(), _dlt_load_id: load.vector(), _dlt_id: rootId.vector() })],
    ["docs__tags", new Table({ value: tagValue.vector(), ...tagKeys.vectors() })],
    ["docs__lines", new Table({ sku: sku.vector(), qty: lineQty.vector(), ...lineKeys.vectors() })],
    ["docs__lines__parts", new Table({ value: partValue.vector(), ...partKeys.vectors() })],
  ];
  const { ms: insertMs } = await insertTables(c, tables);
  const t3 = performance.now();
  let rows = 0;
  for (const [name, table] of tables) {
    const stored = await count(c, name);
    if (stored !== table.numRows) throw new Error(`lower bound: ${name} has ${stored} rows, expected ${table.numRows}`);
    rows += stored;
  }
  return { rows, columnsMs: t1 - t0, arrowMs: t3 - t1 - insertMs, insertMs, totalMs: t3 - t0 };
}
