// Ordering of cursor values the way dlt's max/min see them in Python: numbers by value, strings
// as strings (ISO timestamps sort correctly that way), datetimes by instant. JS adds one case
// Python refuses: a Date against an ISO string compares as instants, so `initial_value:
// "2024-01-01"` works with rows that carry Date objects.
import { canonicalJson } from "../../utils/digest.ts";
import { IncrementalConfigError, typeName } from "./errors.ts";

export type LastValueFunc = (values: unknown[]) => unknown;

/** Raised for values that cannot be ordered against each other (Python's TypeError). */
export class CursorTypeError extends TypeError {}

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Milliseconds since the epoch of an ISO date or datetime string; naive values read as UTC. */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", tz] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number((frac + "000").slice(0, 3)));
  if (tz && tz.toUpperCase() !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0")) * 60_000;
  }
  return Number.isNaN(ms) ? undefined : ms;
}

function isNumeric(v: unknown): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

function instantOf(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") return parseIsoInstant(v);
  return undefined;
}

/** -1, 0 or 1; throws CursorTypeError for values of kinds that do not order together. */
export function compareCursor(a: unknown, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a instanceof Date || b instanceof Date) {
    const x = instantOf(a);
    const y = instantOf(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new CursorTypeError(`'>' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python `==` for cursor values: by value for orderable ones, by content for the rest. */
export function sameCursor(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  try {
    return compareCursor(a, b) === 0;
  } catch {
    if (typeof a !== "object" || typeof b !== "object") return false;
    try {
      return canonicalJson(a) === canonicalJson(b);
    } catch {
      return false;
    }
  }
}

/** Python's max(): the first of the greatest values. */
export const maxValue: LastValueFunc = (values) => {
  let best = values[0];
  for (let i = 1; i < values.length; i++) if (compareCursor(values[i], best) > 0) best = values[i];
  return best;
};

export const minValue: LastValueFunc = (values) => {
  let best = values[0];
  for (let i = 1; i < values.length; i++) if (compareCursor(values[i], best) < 0) best = values[i];
  return best;
};

export function resolveLastValueFunc(f: unknown): LastValueFunc {
  if (f === undefined || f === null || f === "max" || f === Math.max) return maxValue;
  if (f === "min" || f === Math.min) return minValue;
  if (typeof f === "function") return f as LastValueFunc;
  throw new IncrementalConfigError(
    `Unknown \`last_value_func=${String(f)}\` passed as string. Provide a callable to use a custom function.`,
  );
}

/** A function's name as Python's `__name__` gives it; an anonymous one is a lambda. */
export function funcName(f: LastValueFunc): string {
  return f.name || "<lambda>";
}

const DATE_ONLY = /^\d{4}-?\d{2}-?\d{2}$/;

/**
 * The lagged start of the next window: `lag` units before `value` for max (after it for min),
 * never past `initial_value`. Seconds for datetimes, days for dates, plain units for numbers.
 */
export function applyLag(lag: number, value: unknown, lvf: LastValueFunc, initial: unknown): unknown {
  const signed = lvf === maxValue ? -lag : lag;
  let lagged: unknown;
  if (typeof value === "number") {
    lagged = Number.isInteger(value) ? Math.trunc(value + signed) : value + signed;
  } else if (typeof value === "bigint") {
    lagged = value + BigInt(Math.trunc(signed));
  } else if (value instanceof Date) {
    lagged = new Date(value.getTime() + signed * 1000);
  } else if (typeof value === "string") {
    lagged = lagIsoString(value, signed);
  } else {
    throw new IncrementalConfigError(
      `Lag is not supported for cursor type: ${typeName(value)} with last_value_func: ${lvf === maxValue ? "max" : "min"}. Strings must parse to DateTime or Date.`,
    );
  }
  if (initial !== null && initial !== undefined && sameCursor(lvf([initial, lagged]), initial)) return initial;
  return lagged;
}

/** Shifts an ISO string by seconds (days for a bare date) and writes it back in its own shape. */
function lagIsoString(text: string, signed: number): string {
  const ms = parseIsoInstant(text);
  if (ms === undefined) {
    throw new IncrementalConfigError(`Lag is not supported for cursor type: str. Strings must parse to DateTime or Date: ${text}`);
  }
  const trimmed = text.trim();
  if (DATE_ONLY.test(trimmed)) {
    const day = new Date(ms + signed * 86_400_000).toISOString().slice(0, 10);
    return trimmed.includes("-") ? day : day.replaceAll("-", "");
  }
  const m = ISO.exec(trimmed)!;
  const tz = m[8];
  const offsetMin = !tz || tz.toUpperCase() === "Z" ? 0 : offsetMinutes(tz);
  const shifted = new Date(ms + signed * 1000 + offsetMin * 60_000).toISOString();
  const sep = trimmed[10];
  let out = shifted.slice(0, 10) + sep + shifted.slice(11, 16);
  if (m[6] !== undefined) out += ":" + shifted.slice(17, 19);
  // Whole seconds leave the fraction as written (it may carry more digits than a Date holds).
  if (m[7] !== undefined) {
    out += "." + (Number.isInteger(signed) ? m[7] : (shifted.slice(20, 23) + "000000").slice(0, m[7].length));
  }
  return out + (tz ?? "");
}

function offsetMinutes(tz: string): number {
  const sign = tz[0] === "-" ? -1 : 1;
  const digits = tz.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}
