// Downloads: a SQL result or a table written as CSV, JSON Lines or Parquet, read from DuckDB in
// windows so a large result never sits in JavaScript as rows all at once. DuckDB's types become
// dlt's, and each value is read in the loader's form (timestamps as UTC micros, dates as days,
// decimals as exact text) so the writers keep it exactly.
import type { Table } from "apache-arrow";
import type { TDataType } from "../dlt/schema/types.ts";
import { csvHeader, rowsToCsv } from "../dlt/common/formats/csv.ts";
import { rowsToJsonl } from "../dlt/common/formats/jsonl.ts";
import { ParquetFileWriter } from "../dlt/common/formats/parquet.ts";
import type { FormatColumn } from "../dlt/common/formats/values.ts";
import { quoteIdent, type QueryConnection } from "../notebook/sql.ts";

export type ExportFormat = "csv" | "jsonl" | "parquet";

const WINDOW = 50_000;

const MIME: Record<ExportFormat, string> = {
  csv: "text/csv",
  jsonl: "application/jsonl",
  parquet: "application/vnd.apache.parquet",
};

interface Column extends FormatColumn {
  /** how the value is selected so JavaScript gets it exactly */
  select: string;
}

/** A DuckDB column type as a dlt column (`dltType` from the stored dlt schema wins where DuckDB can't tell, e.g. json in VARCHAR). */
export function columnFor(name: string, duckType: string, dltType?: string): Column {
  const q = quoteIdent(name);
  const t = duckType.toUpperCase();
  const col = (data_type: TDataType, select = q, extra: Partial<FormatColumn> = {}): Column => ({ name, data_type, select, ...extra });
  if (dltType === "json" || t === "JSON") return col("json", `CAST(${q} AS VARCHAR)`);
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return col("decimal", `CAST(${q} AS VARCHAR)`, { precision: Number(dec[1]), scale: Number(dec[2]) });
  if (/^(HUGEINT|UHUGEINT|UBIGINT)$/.test(t)) return col("decimal", `CAST(${q} AS VARCHAR)`, { precision: 38, scale: 0 });
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|UINTEGER|USMALLINT|UTINYINT|INT\d*)$/.test(t)) return col("bigint", `CAST(${q} AS BIGINT)`);
  if (/^(DOUBLE|FLOAT|REAL)$/.test(t)) return col("double", `CAST(${q} AS DOUBLE)`);
  if (t === "BOOLEAN") return col("bool");
  if (t.startsWith("TIMESTAMP")) return col("timestamp", `epoch_us(${q})`, { timezone: t.includes("TIME ZONE") || t === "TIMESTAMPTZ" });
  if (t === "DATE") return col("date", `datediff('day', DATE '1970-01-01', ${q})`);
  if (t.startsWith("TIME")) return col("time", `CAST(${q} AS VARCHAR)`);
  if (t === "BLOB") return col("binary");
  if (t === "VARCHAR") return col(dltType === "time" ? "time" : "text");
  // Lists, structs, maps, UUIDs, intervals: their DuckDB text form.
  return col("text", `CAST(${q} AS VARCHAR)`);
}

function tableRows(t: Table): Record<string, unknown>[] {
  const names = t.schema.fields.map((f) => f.name);
  const vectors = names.map((_, i) => t.getChildAt(i)!);
  const rows: Record<string, unknown>[] = new Array(t.numRows);
  for (let r = 0; r < t.numRows; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = vectors[c].get(r);
    rows[r] = row;
  }
  return rows;
}

/** Writes everything `from` (a table reference) holds; `dltTypes` by column name, when known. */
export async function exportRelation(
  conn: QueryConnection,
  from: string,
  format: ExportFormat,
  dltTypes: Record<string, string> = {},
  window = WINDOW,
): Promise<Blob> {
  const d = await conn.query(`DESCRIBE SELECT * FROM ${from}`);
  const names = d.getChild("column_name")!.toArray() as string[];
  const types = d.getChild("column_type")!.toArray() as string[];
  const columns = names.map((n, i) => columnFor(n, types[i], dltTypes[n]));
  // Projected under the original names, so the writers find each value by its column.
  const projection = columns.map((c) => `${c.select} AS ${quoteIdent(c.name)}`).join(", ");
  const parts: BlobPart[] = [];
  const parquet = format === "parquet" ? new ParquetFileWriter(columns) : undefined;
  if (format === "csv") parts.push(csvHeader(columns));
  for (let offset = 0; ; offset += window) {
    const t = await conn.query(`SELECT ${projection} FROM ${from} LIMIT ${window} OFFSET ${offset}`);
    const rows = tableRows(t);
    if (parquet) parquet.write(rows);
    else parts.push(format === "csv" ? rowsToCsv(columns, rows) : rowsToJsonl(columns, rows));
    if (rows.length < window) break;
  }
  if (parquet) parts.push(parquet.finish() as Uint8Array<ArrayBuffer>);
  return new Blob(parts, { type: MIME[format] });
}

/** A result read whole (SHOW, PRAGMA, ...): small, written from its Arrow table. */
export function exportInline(t: Table, format: ExportFormat): Blob {
  const columns = t.schema.fields.map((f) => {
    const type = String(f.type);
    const data_type: TDataType = /^u?int/i.test(type) ? "bigint" : /^float/i.test(type) ? "double" : /^bool/i.test(type) ? "bool" : "text";
    return { name: f.name, data_type };
  });
  const rows = tableRows(t).map((r) => {
    for (const c of columns) if (c.data_type === "text" && r[c.name] !== null && typeof r[c.name] !== "string") r[c.name] = String(r[c.name]);
    return r;
  });
  if (format === "parquet") {
    const w = new ParquetFileWriter(columns);
    w.write(rows);
    return new Blob([w.finish() as Uint8Array<ArrayBuffer>], { type: MIME.parquet });
  }
  const text = format === "csv" ? csvHeader(columns) + rowsToCsv(columns, rows) : rowsToJsonl(columns, rows);
  return new Blob([text], { type: MIME[format] });
}
