// Normalized rows → COPY's text format: tab-separated, `\N` for NULL (so an empty string stays an
// empty string), backslash escapes for the characters the format reserves.
import { civilFromDays, formatIsoMicros } from "../../normalize/temporal.ts";
import type { TColumn } from "../../schema/types.ts";
import type { LoadRow } from "../client.ts";

type Value = Exclude<LoadRow[string], null | undefined>;

const SPECIAL = /[\\\t\n\r]/;

export function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Years 1..9999 go through the engine's own ISO formatter, which is fast. */
const ISO_MIN = Date.parse("0001-01-01T00:00:00Z") * 1000;
// Beyond 2^53 microseconds (year 2255) a number no longer holds every microsecond.
const ISO_MAX = Math.min(Date.parse("9999-12-31T23:59:59.999Z") * 1000 + 999, Number.MAX_SAFE_INTEGER);

function isoMicros(micros: number): string {
  if (micros < ISO_MIN || micros > ISO_MAX) return formatIsoMicros(micros);
  const ms = Math.floor(micros / 1000);
  const us = micros - ms * 1000;
  // "YYYY-MM-DDTHH:MM:SS.mmmZ" → "YYYY-MM-DDTHH:MM:SS.mmmuuu"
  return new Date(ms).toISOString().slice(0, 23) + String(us).padStart(3, "0");
}

/** How one column's values are written, chosen once per column. */
export function copyWriter(col: TColumn): (v: Value) => string {
  switch (col.data_type) {
    case "bigint":
      return (v) => (typeof v === "bigint" ? v.toString() : String(Math.trunc(v as number)));
    case "double":
      return (v) => String(v);
    case "bool":
      return (v) => (v ? "t" : "f");
    case "timestamp": {
      // UTC microseconds; the offset makes a timestamptz exact whatever the session time zone.
      const zone = col.timezone === false ? "" : "+00";
      return (v) => `${isoMicros(Number(v))}${zone}`;
    }
    case "date":
      return (v) => {
        if (typeof v === "string") return v;
        const [y, m, d] = civilFromDays(Number(v));
        return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
      };
    case "binary":
      // bytea's hex input, with its backslash escaped for COPY.
      return (v) => `\\\\x${hex(v as Uint8Array)}`;
    default:
      return (v) => escapeText(typeof v === "string" ? v : String(v));
  }
}

/** COPY text for a batch of rows: one line per row, columns in `columns` order. */
export function copyText(columns: TColumn[], rows: LoadRow[], from: number, to: number): string {
  const names = columns.map((c) => c.name);
  const writers = columns.map(copyWriter);
  const lines: string[] = new Array(to - from);
  const cells: string[] = new Array(names.length);
  for (let r = from; r < to; r++) {
    const row = rows[r];
    for (let c = 0; c < names.length; c++) {
      const v = row[names[c]];
      cells[c] = v === null || v === undefined ? "\\N" : writers[c](v);
    }
    lines[r - from] = cells.join("\t");
  }
  return lines.join("\n") + "\n";
}
