// Type inference and coercion of single values (reference §4.2–§4.5): which dlt type a JS value
// has, whether it fits a column of another type, and the loader representation it ends up in
// (TNormalizedValue). A failed coercion is reported by returning FAIL rather than throwing,
// because variants can be frequent and exceptions are costly on that path.
import type { TDataType, TNormalizedValue } from "../schema/types.ts";
import { base64 } from "../utils/digest.ts";
import { compactJson, pyBoolStr, pyFloatStr, pyIntStr } from "./pyformat.ts";
import {
  MICROS_PER_DAY,
  formatIsoMicros,
  formatTimeMicros,
  isoToTimestampMicros,
  microsFromDate,
  microsFromUnixSeconds,
  parseIsoLike,
  pyFloat,
} from "./temporal.ts";

export const FAIL: unique symbol = Symbol("coercion failed");
export type Coerced = TNormalizedValue | typeof FAIL;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The dlt type of a JS value (dlt's `py_type_to_sc_type`). A number is `bigint` when it is an
 * integer JavaScript holds exactly (within ±2^53), else `double`: 1e20 or 2**63 is a float to
 * dlt too. BigInt is always `bigint`. The normalizer then decides a new column's type from all
 * of its values in the package (see ItemsNormalizer), since `1` and `1.0` are one JS value.
 */
export function valueType(v: unknown): TDataType {
  switch (typeof v) {
    case "string":
      return "text";
    case "number":
      return Number.isInteger(v) && v <= MAX_SAFE && v >= -MAX_SAFE ? "bigint" : "double";
    case "bigint":
      return "bigint";
    case "boolean":
      return "bool";
    case "object":
      if (v instanceof Date) return "timestamp";
      if (v instanceof Uint8Array) return "binary";
      return "json";
  }
  throw new TypeError(`Type ${typeof v} is not supported by the normalizer`);
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * A bigint value in loader form: number within ±2^53, else bigint; FAIL outside int64, which
 * DuckDB's BIGINT cannot hold (storing it would wrap to another number).
 */
export function bigintValue(v: number | bigint): number | bigint | typeof FAIL {
  if (typeof v === "number") {
    if (v <= MAX_SAFE && v >= -MAX_SAFE) return v;
    v = BigInt(v);
  }
  if (v <= MAX_SAFE_BIG && v >= -MAX_SAFE_BIG) return Number(v);
  return v >= INT64_MIN && v <= INT64_MAX ? v : FAIL;
}

/** A BigInt as a double only when the double is the same number. */
function bigToDouble(v: number | bigint): Coerced {
  if (typeof v === "number") return v;
  const n = Number(v);
  return BigInt(n) === v ? n : FAIL;
}

const PY_INT = /^[+-]?\d(?:_?\d)*$/;
const PY_HEX_INT = /^[+-]?[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const PY_DECIMAL =
  /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|s?nan\d*)$/i;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_PAIRS = /^(?:[0-9a-fA-F]{2})*$/;

function parseHexBig(digits: string): bigint {
  const negative = digits[0] === "-";
  const body = digits.replace(/^[+-]/, "").replace(/_/g, "");
  const big = BigInt("0x" + body);
  return negative ? -big : big;
}

/** dlt's text → bigint: Python int() of the trimmed text, `0x` hex allowed. */
function textToBigint(text: string): Coerced {
  const t = text.trim();
  if (t.startsWith("0x")) {
    const hex = t.slice(2);
    return PY_HEX_INT.test(hex) ? bigintValue(parseHexBig(hex)) : FAIL;
  }
  if (!PY_INT.test(t)) return FAIL;
  const clean = t.replace(/_/g, "");
  const n = Number(clean);
  return Number.isSafeInteger(n) ? n : bigintValue(BigInt(clean));
}

function textToDouble(text: string): Coerced {
  const t = text.trim();
  if (t.startsWith("0x")) {
    const hex = t.slice(2);
    return PY_HEX_INT.test(hex) ? Number(parseHexBig(hex)) : FAIL;
  }
  const n = pyFloat(t);
  return n === null ? FAIL : n;
}

/** Decimal/wei text: Python Decimal() syntax; the loader receives the exact digits. */
function textToDecimal(text: string): Coerced {
  const t = text.trim();
  if (t.startsWith("0x")) {
    const hex = t.slice(2);
    return PY_HEX_INT.test(hex) ? parseHexBig(hex).toString() : FAIL;
  }
  return PY_DECIMAL.test(t) ? t.replace(/_/g, "") : FAIL;
}

function numberToDecimal(v: number | bigint): string {
  if (typeof v === "bigint") return v.toString();
  return Number.isInteger(v) ? pyIntStr(v) : String(v);
}

function textToBool(text: string): Coerced {
  switch (text.toLowerCase()) {
    case "yes":
    case "true":
    case "t":
    case "y":
    case "1":
      return true;
    case "no":
    case "false":
    case "f":
    case "n":
    case "0":
      return false;
  }
  return FAIL;
}

function textToBinary(text: string): Coerced {
  if (text.startsWith("0x")) {
    const hex = text.slice(2).replace(/[ \t\n\r\f\v]/g, "");
    if (!HEX_PAIRS.test(hex)) return FAIL;
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  if (!STRICT_BASE64.test(text)) return FAIL;
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bigintToBinary(v: number | bigint): Coerced {
  let big = BigInt(v);
  if (big < 0n) return FAIL;
  const bytes: number[] = [];
  while (big > 0n) {
    bytes.push(Number(big & 0xffn));
    big >>= 8n;
  }
  return Uint8Array.from(bytes);
}

function textToJson(text: string): Coerced {
  try {
    return compactJson(JSON.parse(text));
  } catch {
    return FAIL;
  }
}

/** Text → UTC micros: ISO datetime, a bare date at midnight, or Unix seconds as text. */
function textToTimestamp(text: string): Coerced {
  const micros = isoToTimestampMicros(text);
  if (!Number.isNaN(micros)) return micros;
  // a time of day, or text that is neither ISO nor a number
  if (parseIsoLike(text) !== null) return FAIL;
  const seconds = pyFloat(text);
  if (seconds === null) return FAIL;
  return microsFromUnixSeconds(seconds) ?? FAIL;
}

function numberToTimestamp(v: number | bigint): Coerced {
  return microsFromUnixSeconds(Number(v)) ?? FAIL;
}

function microsToDays(micros: number): number {
  return Math.floor(micros / MICROS_PER_DAY);
}

function textToDate(text: string): Coerced {
  const parsed = parseIsoLike(text);
  if (parsed) {
    if (parsed.kind === "date") return parsed.days;
    if (parsed.kind === "datetime") return microsToDays(parsed.micros);
    return FAIL;
  }
  const seconds = pyFloat(text);
  const micros = seconds === null ? null : microsFromUnixSeconds(seconds);
  return micros === null ? FAIL : microsToDays(micros);
}

function textToTime(text: string): Coerced {
  const parsed = parseIsoLike(text);
  return parsed?.kind === "time" ? formatTimeMicros(parsed.micros) : FAIL;
}

function dateMicros(d: Date): Coerced {
  const t = d.getTime();
  return Number.isNaN(t) ? FAIL : microsFromDate(d);
}

/**
 * Coerces `v` (of dlt type `from`) into a column of type `to`, returning the loader value or
 * FAIL when dlt would put it into a variant column. Pairs follow dlt's coercion table (§4.5).
 */
export function coerceValue(to: TDataType, from: TDataType, v: unknown): Coerced {
  if (to === from) return sameType(to, v);
  switch (to) {
    case "text":
      switch (from) {
        case "json":
          return compactJson(v);
        case "bigint":
          return pyIntStr(v as number | bigint);
        case "double":
          return pyFloatStr(v as number);
        case "bool":
          return pyBoolStr(v as boolean);
        case "binary":
          return base64(v as Uint8Array);
        case "timestamp": {
          const micros = dateMicros(v as Date);
          return micros === FAIL ? FAIL : formatIsoMicros(micros as number) + "+00:00";
        }
      }
      return FAIL;
    case "bigint":
      if (from === "text") return textToBigint(v as string);
      if (from === "double") return Number.isInteger(v) ? bigintValue(v as number) : FAIL;
      return FAIL;
    case "double":
      if (from === "text") return textToDouble(v as string);
      if (from === "bigint") return bigToDouble(v as number | bigint);
      return FAIL;
    case "decimal":
    case "wei":
      if (from === "text") return textToDecimal(v as string);
      if (from === "bigint" || from === "double") return numberToDecimal(v as number | bigint);
      return FAIL;
    case "bool":
      if (from === "text") return textToBool(v as string);
      if (from === "bigint") return typeof v === "bigint" ? v !== 0n : v !== 0;
      if (from === "double") return v !== 0;
      return FAIL;
    case "json":
      return from === "text" ? textToJson(v as string) : FAIL;
    case "timestamp":
      if (from === "text") return textToTimestamp(v as string);
      if (from === "bigint" || from === "double") return numberToTimestamp(v as number | bigint);
      return FAIL;
    case "date":
      if (from === "text") return textToDate(v as string);
      if (from === "timestamp") {
        const micros = dateMicros(v as Date);
        return micros === FAIL ? FAIL : microsToDays(micros as number);
      }
      if (from === "bigint" || from === "double") {
        const micros = numberToTimestamp(v as number | bigint);
        return micros === FAIL ? FAIL : microsToDays(micros as number);
      }
      return FAIL;
    case "time":
      return from === "text" ? textToTime(v as string) : FAIL;
    case "binary":
      if (from === "text") return textToBinary(v as string);
      if (from === "bigint") return bigintToBinary(v as number | bigint);
      return FAIL;
  }
  return FAIL;
}

/** A value already of the column's type, in loader form. */
function sameType(type: TDataType, v: unknown): Coerced {
  switch (type) {
    case "bigint":
      return bigintValue(v as number | bigint);
    case "timestamp":
      return dateMicros(v as Date);
    case "json":
      return compactJson(v);
    default:
      return v as TNormalizedValue;
  }
}

// ±5 years around now, as dlt's `timestamp` detection (computed once, like dlt's module import).
const NOW_SECONDS = Date.now() / 1000;
const TIMESTAMP_RANGE = 5 * 31_536_000;
const WEI_MAX = 578960446186580977117854925043439539266n;

/**
 * dlt's autodetection (`settings.detections`), run only when a column is first inferred.
 * Returns undefined when no detector claims the value.
 */
export function autodetectType(detections: readonly string[], v: unknown): TDataType | undefined {
  for (const d of detections) {
    switch (d) {
      case "iso_timestamp":
        if (typeof v === "string" && v && parseIsoLike(v)?.kind === "datetime") return "timestamp";
        break;
      case "iso_date":
        if (typeof v === "string" && v && parseIsoLike(v)?.kind === "date") return "date";
        break;
      case "timestamp":
        if (typeof v === "number" && v >= NOW_SECONDS - TIMESTAMP_RANGE && v <= NOW_SECONDS + TIMESTAMP_RANGE) {
          return "timestamp";
        }
        break;
      case "large_integer": {
        const big = typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) && v > MAX_SAFE ? BigInt(v) : null;
        if (big !== null) {
          if (big > WEI_MAX) return "text";
          if (big > INT64_MAX) return "wei";
        }
        break;
      }
    }
  }
  return undefined;
}
