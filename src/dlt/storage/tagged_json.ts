// JSON that gives back exactly what went in, for the pipeline files kept on disk. Plain JSON
// loses what extracted items may hold: BigInt (throws), Date and Uint8Array (become strings or
// objects), NaN/±Infinity (become null) and -0 (becomes 0). Those travel as one-key tag objects;
// a user's own object that happens to look like a tag is wrapped in `$escape`, so no data is
// ever read back as something else.
import { base64, fromBase64 } from "../utils/digest.ts";

const TAGS = new Set(["$date", "$bigint", "$binary", "$number", "$escape"]);

function isTagShaped(o: Record<string, unknown>): boolean {
  let key: string | undefined;
  for (const k in o) {
    if (key !== undefined) return false;
    key = k;
  }
  return key !== undefined && TAGS.has(key);
}

/** A JSON-safe copy of `value` (plain data as toPlainData leaves it, plus state and schemas). */
export function encodeTagged(value: unknown): unknown {
  switch (typeof value) {
    case "number":
      if (Number.isFinite(value)) return Object.is(value, -0) ? { $number: "-0" } : value;
      return { $number: String(value) };
    case "bigint":
      return { $bigint: value.toString() };
    case "object": {
      if (value === null) return null;
      if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? null : value.toISOString() };
      if (value instanceof Uint8Array) return { $binary: base64(value) };
      if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : encodeTagged(v)));
      const out: Record<string, unknown> = {};
      const o = value as Record<string, unknown>;
      for (const k in o) {
        const v = o[k];
        if (v !== undefined) setField(out, k, encodeTagged(v));
      }
      return isTagShaped(o) ? { $escape: out } : out;
    }
    default:
      return value;
  }
}

export function decodeTagged(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(decodeTagged);
  const o = value as Record<string, unknown>;
  if (isTagShaped(o)) {
    if ("$date" in o) return o.$date === null ? new Date(NaN) : new Date(o.$date as string);
    if ("$bigint" in o) return BigInt(o.$bigint as string);
    if ("$binary" in o) return fromBase64(o.$binary as string);
    if ("$number" in o) return o.$number === "-0" ? -0 : Number(o.$number);
    return decodeFields(o.$escape as Record<string, unknown>);
  }
  return decodeFields(o);
}

function decodeFields(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) setField(out, k, decodeTagged(o[k]));
  return out;
}

/** A key `__proto__` (valid in JSON data) must stay a field, not replace the prototype. */
function setField(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function stringifyTagged(value: unknown): string {
  return JSON.stringify(encodeTagged(value));
}

export function parseTagged(text: string): unknown {
  return decodeTagged(JSON.parse(text));
}
