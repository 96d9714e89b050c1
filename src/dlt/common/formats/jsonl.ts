// Rows + dlt columns → JSON Lines: one object per row, columns in order, nulls kept. Integers
// beyond 2^53 are written with all their digits (JSON numbers have no size limit).
import { jsonValue, type FormatColumn } from "./values.ts";

const BIG = /"\\u0000big:(-?\d+)"/g;

function stringify(obj: Record<string, unknown>): string {
  let big = false;
  const text = JSON.stringify(obj, (_k, v) => {
    if (typeof v === "bigint") {
      big = true;
      return `\u0000big:${v}`;
    }
    return v;
  });
  return big ? text.replace(BIG, "$1") : text;
}

/** JSON Lines text for a batch of rows (each line ends with "\n"). */
export function rowsToJsonl(columns: FormatColumn[], rows: Record<string, unknown>[]): string {
  let out = "";
  for (const row of rows) {
    const obj: Record<string, unknown> = {};
    for (const col of columns) obj[col.name] = jsonValue(col, row[col.name]);
    out += stringify(obj) + "\n";
  }
  return out;
}
