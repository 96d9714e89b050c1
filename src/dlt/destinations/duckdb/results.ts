// Arrow query results → plain JS rows, converted by column type: BIGINT within 2^53 as number,
// TIMESTAMP as Date, DATE as "YYYY-MM-DD", DECIMAL as exact text, TIME as "HH:MM:SS[.ffffff]".
import { DataType, util, type Field, type Table } from "apache-arrow";

export type ResultRow = Record<string, unknown>;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function decimalToString(value: unknown, scale: number): string {
  const raw = typeof value === "bigint" ? value : util.bigNumToBigInt(value as Parameters<typeof util.bigNumToBigInt>[0]);
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(scale + 1, "0");
  const text = scale > 0 ? `${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

export function timeToString(value: unknown, unitsPerSecond: number): string {
  const total = typeof value === "bigint" ? Number(value) : (value as number);
  const micros = Math.round((total * 1_000_000) / unitsPerSecond);
  const secs = Math.floor(micros / 1_000_000);
  const frac = micros % 1_000_000;
  const base = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return frac ? `${base}.${pad(frac, 6)}` : base;
}

/** A converter for one column's values, chosen once per column. */
export function converterFor(field: Field): (v: unknown) => unknown {
  const type = field.type;
  if (DataType.isInt(type) && type.bitWidth === 64) {
    return (v) => (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  }
  if (DataType.isTimestamp(type)) return (v) => new Date(v as number);
  if (DataType.isDate(type)) {
    return (v) => {
      const d = new Date(v as number);
      return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    };
  }
  if (DataType.isDecimal(type)) return (v) => decimalToString(v, type.scale);
  if (DataType.isTime(type)) {
    const perSecond = [1, 1_000, 1_000_000, 1_000_000_000][type.unit];
    return (v) => timeToString(v, perSecond);
  }
  return (v) => v;
}

export function tableToRows(table: Table): ResultRow[] {
  const fields = table.schema.fields;
  const columns = fields.map((f, i) => ({ name: f.name, vector: table.getChildAt(i)!, convert: converterFor(f) }));
  const rows: ResultRow[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: ResultRow = {};
    for (const c of columns) {
      const v = c.vector.get(r);
      row[c.name] = v === null || v === undefined ? null : c.convert(v);
    }
    rows[r] = row;
  }
  return rows;
}
