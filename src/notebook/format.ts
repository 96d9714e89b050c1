// Turning values into text for the page: Arrow columns by their type (DuckDB-WASM returns
// BIGINT as bigint, timestamps as epoch-ms numbers, DECIMAL scaled) and JS values the way a
// console would print them.
import { DataType, Precision, type Field, type Schema, type Vector } from "apache-arrow";
import { decimalToString } from "../dlt/destinations/duckdb/results.ts";
import type { DisplayRow } from "./outputs.ts";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTimestamp(ms: number, withZone: boolean): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const frac = d.getUTCMilliseconds();
  const base = `${isoDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return base + (frac ? `.${pad(frac, 3)}` : "") + (withZone ? "+00" : "");
}

export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
}

/** One formatter per column, picked by Arrow type (never by the JS type of a value). */
export function cellFormatter(field: Field): (v: unknown) => string {
  const t = field.type;
  if (DataType.isTimestamp(t)) return (v) => isoTimestamp(Number(v), !!t.timezone);
  if (DataType.isDate(t)) return (v) => (v instanceof Date ? isoDate(v.getTime()) : isoDate(Number(v)));
  if (DataType.isDecimal(t)) return (v) => decimalToString(v, t.scale);
  if (DataType.isBinary(t) || DataType.isFixedSizeBinary(t)) {
    return (v) => "\\x" + Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  if (DataType.isFloat(t)) return (v) => String(v);
  if (DataType.isBool(t)) return (v) => (v ? "true" : "false");
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return (v) => v as string;
  if (DataType.isInt(t)) return (v) => String(v);
  if (DataType.isList(t) || DataType.isStruct(t) || DataType.isMap(t) || DataType.isFixedSizeList(t)) {
    return (v) => jsonText(typeof (v as { toJSON?: () => unknown }).toJSON === "function" ? (v as { toJSON: () => unknown }).toJSON() : v);
  }
  return (v) => (typeof v === "object" ? jsonText(v) : String(v));
}

const TIMESTAMP_SUFFIX = ["_S", "_MS", "", "_NS"];

/**
 * DuckDB's name for the type it sent a column as, e.g. `Int64` → BIGINT: what `DESCRIBE` would
 * say, known without asking, for the first rows of a streamed result. Types Arrow can't tell
 * apart (JSON and UUID arrive as strings, ENUM as a dictionary) are named as they arrive.
 */
export function duckdbTypeName(t: DataType): string {
  if (DataType.isInt(t)) {
    const name = { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" }[t.bitWidth];
    return `${t.isSigned ? "" : "U"}${name}`;
  }
  if (DataType.isFloat(t)) return t.precision === Precision.DOUBLE ? "DOUBLE" : "FLOAT";
  if (DataType.isDecimal(t)) return t.precision === 38 && t.scale === 0 ? "HUGEINT" : `DECIMAL(${t.precision},${t.scale})`;
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return "VARCHAR";
  if (DataType.isBool(t)) return "BOOLEAN";
  if (DataType.isDate(t)) return "DATE";
  if (DataType.isTime(t)) return "TIME";
  if (DataType.isTimestamp(t)) return t.timezone ? "TIMESTAMP WITH TIME ZONE" : `TIMESTAMP${TIMESTAMP_SUFFIX[t.unit]}`;
  if (DataType.isInterval(t)) return "INTERVAL";
  if (DataType.isBinary(t) || DataType.isLargeBinary(t) || DataType.isFixedSizeBinary(t)) return "BLOB";
  if (DataType.isList(t)) return `${duckdbTypeName(t.children[0].type)}[]`;
  if (DataType.isFixedSizeList(t)) return `${duckdbTypeName(t.children[0].type)}[${t.listSize}]`;
  if (DataType.isStruct(t)) return `STRUCT(${t.children.map((f) => `${f.name} ${duckdbTypeName(f.type)}`).join(", ")})`;
  if (DataType.isMap(t)) {
    const [key, value] = t.children[0].type.children;
    return `MAP(${duckdbTypeName(key.type)}, ${duckdbTypeName(value.type)})`;
  }
  return String(t);
}

export function isNumericField(field: Field): boolean {
  const t = field.type;
  return DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t);
}

/** an Arrow Table or RecordBatch */
export interface Columnar {
  schema: Schema;
  numRows: number;
  getChildAt(index: number): Vector | null;
}

export function tableToDisplayRows(table: Columnar): DisplayRow[] {
  const fields = table.schema.fields;
  const cols = fields.map((f, i) => ({ vec: table.getChildAt(i)!, fmt: cellFormatter(f) }));
  const out: DisplayRow[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: DisplayRow = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c].vec.get(r);
      row[c] = v === null || v === undefined ? null : cols[c].fmt(v);
    }
    out[r] = row;
  }
  return out;
}

/** A number for charts: bigint, decimals and dates become plain numbers. */
export function cellNumber(field: Field): (v: unknown) => number | null {
  const t = field.type;
  if (DataType.isDecimal(t)) return (v) => Number(decimalToString(v, t.scale));
  return (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return Number(v);
    if (v instanceof Date) return v.getTime();
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
}

/** console-style text for any JS value: short, bounded, never throws. */
export function inspect(value: unknown, depth = 2, seen = new Set<unknown>()): string {
  switch (typeof value) {
    case "string":
      return depth === 2 ? value : JSON.stringify(value);
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return `[Function: ${value.name || "anonymous"}]`;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (seen.has(obj)) return "[Circular]";
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
  if (obj instanceof Error) return obj.stack ?? `${obj.name}: ${obj.message}`;
  if (obj instanceof RegExp) return String(obj);
  const ownToString = (obj as { toString?: unknown }).toString;
  if (typeof ownToString === "function" && ownToString !== Object.prototype.toString && !Array.isArray(obj)
    && !(obj instanceof Map) && !(obj instanceof Set) && !ArrayBuffer.isView(obj)) {
    try {
      return String(obj);
    } catch {
      /* fall through to structural printing */
    }
  }
  if (depth < 0) return Array.isArray(obj) ? "[Array]" : "[Object]";
  seen.add(obj);
  try {
    const inner = (v: unknown) => inspect(v, depth - 1, seen);
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const arr = Array.from(obj as ArrayLike<unknown>);
      const shown = arr.slice(0, 100).map(inner);
      if (arr.length > 100) shown.push(`... ${arr.length - 100} more items`);
      return `[${shown.join(", ")}]`;
    }
    if (obj instanceof Map) {
      return `Map(${obj.size}) {${[...obj].slice(0, 100).map(([k, v]) => `${inner(k)} => ${inner(v)}`).join(", ")}}`;
    }
    if (obj instanceof Set) return `Set(${obj.size}) {${[...obj].slice(0, 100).map(inner).join(", ")}}`;
    if (typeof (obj as Promise<unknown>).then === "function") return "Promise { <pending> }";
    const name = obj.constructor && obj.constructor !== Object ? obj.constructor.name + " " : "";
    const entries = Object.entries(obj).slice(0, 100).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inner(v)}`);
    return `${name}{${entries.length ? ` ${entries.join(", ")} ` : ""}}`;
  } finally {
    seen.delete(obj);
  }
}

/** Arrays of plain records are shown as a table, as a person expects from query results. */
export function recordsTable(value: unknown): { columns: string[]; rows: DisplayRow[]; total: number } | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const isRecord = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
  if (!value.slice(0, 50).every(isRecord)) return undefined;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of value.slice(0, 200)) for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  const rows = value.slice(0, 1000).map((row) =>
    columns.map((c) => {
      const v = (row as Record<string, unknown>)[c];
      if (v === null || v === undefined) return null;
      if (typeof v === "string") return v;
      return typeof v === "object" && !(v instanceof Date) ? jsonText(v) : inspect(v, 0);
    }),
  );
  return { columns, rows, total: value.length };
}
