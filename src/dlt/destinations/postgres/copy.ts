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

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const MICROS_PER_DAY = 86_400_000_000;

/**
 * `YYYY-MM-DDTHH:MM:SS.ffffff` for UTC microseconds, by arithmetic: loads have millions of
 * timestamps, mostly on few days, so the date part is kept from the previous value.
 */
let lastDay = NaN;
let lastDayText = "";
function isoMicros(micros: number): string {
  if (!Number.isSafeInteger(micros)) return formatIsoMicros(micros);
  const day = Math.floor(micros / MICROS_PER_DAY);
  if (day !== lastDay) {
    const [y, m, d] = civilFromDays(day);
    if (y < 1 || y > 9999) return formatIsoMicros(micros);
    lastDay = day;
    lastDayText = `${pad(y, 4)}-${TWO[m]}-${TWO[d]}T`;
  }
  let rest = micros - day * MICROS_PER_DAY;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const mi = Math.floor(rest / 60_000_000);
  rest -= mi * 60_000_000;
  const sec = Math.floor(rest / 1_000_000);
  const us = rest - sec * 1_000_000;
  return `${lastDayText}${TWO[h]}:${TWO[mi]}:${TWO[sec]}.${String(us).padStart(6, "0")}`;
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
