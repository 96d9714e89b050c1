// Text forms of values as dlt writes them (Python `str()` for numbers going into text columns,
// orjson for json values), so that text and json cells read the same as in a dlt-loaded table.
import { base64 } from "../utils/digest.ts";
import { formatIsoMicros, microsFromDate } from "./temporal.ts";

/** Python `str(int)`: exact digits, also for integral JS numbers beyond 2^53. */
export function pyIntStr(v: number | bigint): string {
  if (typeof v === "bigint") return v.toString();
  if (Number.isSafeInteger(v)) return String(v === 0 ? 0 : v);
  return BigInt(v).toString();
}

/** Python `str(float)` / `repr(float)`: shortest round-trip digits, `1e+16`, `1.5e-05`, `2.0`. */
export function pyFloatStr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = Math.abs(v).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  const sign = v < 0 ? "-" : "";
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, "0");
      const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : "0";
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
}

/** Python `str(bool)`. */
export function pyBoolStr(v: boolean): string {
  return v ? "True" : "False";
}

/**
 * Compact JSON as dlt's orjson writes it: Dates as ISO with `Z`, bigints and integral numbers as
 * exact integers, bytes as base64, undefined object members skipped. Keys keep insertion order
 * unless `sortKeys` (used for row hashes, where dlt sorts keys at every level).
 */
export function compactJson(value: unknown, sortKeys = false): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) return "null";
      return Number.isInteger(value) ? pyIntStr(value) : JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return JSON.stringify(String(value));
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i) out += ",";
      const item = value[i];
      out += item === undefined ? "null" : compactJson(item, sortKeys);
    }
    return out + "]";
  }
  if (value instanceof Date) return JSON.stringify(formatIsoMicros(microsFromDate(value)) + "Z");
  if (value instanceof Uint8Array) return JSON.stringify(base64(value));
  const obj = value as Record<string, unknown>;
  const keys = sortKeys ? Object.keys(obj).sort() : Object.keys(obj);
  let out = "{";
  let first = true;
  for (const k of keys) {
    const item = obj[k];
    if (item === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += JSON.stringify(k) + ":" + compactJson(item, sortKeys);
  }
  return out + "}";
}
