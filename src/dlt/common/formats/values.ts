// The values a format writer accepts for each dlt type, and their text forms. The loader's own
// representation (TNormalizedValue: timestamp = UTC micros, date = days since epoch, decimal/time/
// json = text) is the canonical input; Dates, ISO text and JS objects are accepted too, so rows
// read back from a database can be written without a detour.
import type { TDataType } from "../../schema/types.ts";
import { base64 } from "../../utils/digest.ts";
import { civilFromDays, daysFromCivil, formatIsoMicros, isoToTimestampMicros } from "../../normalize/temporal.ts";

/** The columns a writer writes: a dlt column's name and type hints. */
export interface FormatColumn {
  name: string;
  data_type?: TDataType;
  precision?: number;
  scale?: number;
  nullable?: boolean;
  timezone?: boolean;
}

const MICROS_PER_DAY = 86_400_000_000n;

/** UTC micros since the epoch, exact (bigint) for any accepted input. */
export function timestampMicros(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (v instanceof Date) return BigInt(v.getTime()) * 1000n;
  if (typeof v === "string") return BigInt(isoToTimestampMicros(v));
  throw new TypeError(`not a timestamp: ${String(v)}`);
}

export function dateDays(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return Math.floor(v.getTime() / 86_400_000);
  if (typeof v === "string") {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(v);
    if (m) return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  throw new TypeError(`not a date: ${String(v)}`);
}

/** Micros since midnight for a time: micros as a number/bigint, or "HH:MM:SS[.ffffff]". */
export function timeMicros(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(Math.trunc(v));
  const m = typeof v === "string" ? /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?/.exec(v) : null;
  if (!m) throw new TypeError(`not a time: ${String(v)}`);
  const secs = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  return BigInt(secs) * 1_000_000n + BigInt((m[4] ?? "").padEnd(6, "0"));
}

/** A decimal's unscaled integer at `scale` digits, exact for text input ("-12.345"). */
export function unscaledDecimal(v: unknown, scale: number): bigint {
  if (typeof v === "bigint") return v * 10n ** BigInt(scale);
  let text = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(Math.min(scale, 100))) : String(v).trim();
  if (/e/i.test(text)) text = Number(text).toFixed(scale);
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (!m[2] && !m[3])) throw new TypeError(`not a decimal: ${String(v)}`);
  const frac = (m[3] ?? "").padEnd(scale, "0");
  let unscaled = BigInt((m[2] || "0") + frac.slice(0, scale));
  // Digits beyond the scale round half away from zero, as DuckDB casts do.
  if (frac.length > scale && Number(frac[scale]) >= 5) unscaled += 1n;
  return m[1] === "-" ? -unscaled : unscaled;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** ISO text of UTC micros; a naive column's value (`timezone: false`) gets no offset it never had. */
function formatTimestamp(micros: bigint, utc: boolean): string {
  const days = micros >= 0n ? micros / MICROS_PER_DAY : (micros - MICROS_PER_DAY + 1n) / MICROS_PER_DAY;
  // formatIsoMicros takes a number: split off whole days so it stays exact far from 1970.
  const rest = Number(micros - days * MICROS_PER_DAY);
  return `${formatDate(Number(days))}${formatIsoMicros(rest).slice(10)}${utc ? "+00:00" : ""}`;
}

/** The value as JSON would carry it (JSON Lines, and the text CSV writes). */
export function jsonValue(col: FormatColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (col.data_type) {
    case "timestamp":
      return formatTimestamp(timestampMicros(v), col.timezone !== false);
    case "date":
      return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : formatDate(dateDays(v));
    case "time":
      return typeof v === "string" ? v : formatIsoMicros(Number(timeMicros(v))).slice(11);
    case "decimal":
    case "wei":
      return typeof v === "string" ? v : String(v);
    case "binary":
      return v instanceof Uint8Array ? base64(v) : String(v);
    case "json":
      if (typeof v === "string") {
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      }
      return v;
    default:
      return v;
  }
}
