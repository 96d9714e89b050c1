// Rows + dlt columns → CSV (RFC 4180 quoting by papaparse): a header line, then one line per row;
// null is an empty field, json is its JSON text, binary is base64.
import Papa from "papaparse";
import { jsonValue, type FormatColumn } from "./values.ts";

function cell(col: FormatColumn, v: unknown): string {
  const j = jsonValue(col, v);
  if (j === null) return "";
  if (typeof j === "object") return JSON.stringify(j);
  return String(j);
}

export function csvHeader(columns: FormatColumn[]): string {
  return Papa.unparse([columns.map((c) => c.name)], { newline: "\n" }) + "\n";
}

/** CSV lines for a batch of rows, without the header. */
export function rowsToCsv(columns: FormatColumn[], rows: Record<string, unknown>[]): string {
  if (!rows.length) return "";
  const data = rows.map((r) => columns.map((c) => cell(c, r[c.name])));
  return Papa.unparse(data, { newline: "\n", header: false }) + "\n";
}
