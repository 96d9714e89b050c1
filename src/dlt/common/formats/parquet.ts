// Rows + dlt columns → Parquet (hyparquet-writer), with dlt's types kept as Parquet logical types:
// bigint→INT64, double→DOUBLE, bool→BOOLEAN, text→STRING, timestamp→TIMESTAMP(UTC, micros),
// date→DATE, time→TIME(micros), decimal→DECIMAL(p,s), binary→BYTE_ARRAY, json→JSON.
// Written a row group per batch, so a large result streams through in windows.
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import { dateDays, timeMicros, timestampMicros, unscaledDecimal, type FormatColumn } from "./values.ts";

const encoder = new TextEncoder();

/** dlt's default decimal precision and scale (as on DuckDB). */
const DEFAULT_PRECISION = 38;
const DEFAULT_SCALE = 9;

/** Bytes a two's-complement unscaled value of `precision` digits needs. */
function decimalBytes(precision: number): number {
  return Math.ceil((Math.log2(10) * precision + 1) / 8);
}

export function parquetElement(col: FormatColumn): SchemaElement {
  const repetition_type = col.nullable === false ? "REQUIRED" : "OPTIONAL";
  const base = { name: col.name, repetition_type } as const;
  switch (col.data_type) {
    case "bigint":
      return { ...base, type: "INT64" };
    case "double":
      return { ...base, type: "DOUBLE" };
    case "bool":
      return { ...base, type: "BOOLEAN" };
    case "timestamp":
      return { ...base, type: "INT64", converted_type: "TIMESTAMP_MICROS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: col.timezone !== false, unit: "MICROS" } };
    case "date":
      return { ...base, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "time":
      return { ...base, type: "INT64", converted_type: "TIME_MICROS", logical_type: { type: "TIME", isAdjustedToUTC: false, unit: "MICROS" } };
    case "decimal":
    case "wei": {
      const precision = col.precision ?? (col.data_type === "wei" ? 38 : DEFAULT_PRECISION);
      const scale = col.scale ?? (col.data_type === "wei" ? 0 : DEFAULT_SCALE);
      const logical = { converted_type: "DECIMAL", logical_type: { type: "DECIMAL", precision, scale }, precision, scale } as const;
      if (precision <= 18) return { ...base, type: "INT64", ...logical };
      return { ...base, type: "FIXED_LEN_BYTE_ARRAY", type_length: decimalBytes(precision), ...logical };
    }
    case "binary":
      return { ...base, type: "BYTE_ARRAY" };
    case "json":
      // Logical type only: the converted JSON type would make the writer encode the text again.
      return { ...base, type: "BYTE_ARRAY", logical_type: { type: "JSON" } };
    default:
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
  }
}

/** One column's values in the form the writer stores for its schema element. */
function columnValues(col: FormatColumn, element: SchemaElement, rows: Record<string, unknown>[]): unknown[] {
  const out = new Array(rows.length);
  const scale = element.scale ?? 0;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][col.name];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    switch (col.data_type) {
      case "bigint":
        out[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
        break;
      case "double":
        out[i] = Number(v);
        break;
      case "bool":
        out[i] = v === true || v === "true";
        break;
      case "timestamp":
        out[i] = timestampMicros(v);
        break;
      case "date":
        out[i] = dateDays(v);
        break;
      case "time":
        out[i] = timeMicros(v);
        break;
      case "decimal":
      case "wei": {
        // A value with more digits than the column's precision would make an invalid file.
        const unscaled = unscaledDecimal(v, scale);
        const limit = 10n ** BigInt(element.precision ?? DEFAULT_PRECISION);
        if (unscaled >= limit || unscaled <= -limit) {
          throw new RangeError(`${String(v)} does not fit column ${col.name} decimal(${element.precision},${scale})`);
        }
        out[i] = unscaled;
        break;
      }
      case "binary":
        out[i] = v instanceof Uint8Array ? v : encoder.encode(String(v));
        break;
      case "json":
        out[i] = encoder.encode(typeof v === "string" ? v : JSON.stringify(v));
        break;
      default:
        out[i] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
    }
  }
  return out;
}

/** A Parquet file written batch by batch: each write() is one row group. */
export class ParquetFileWriter {
  private readonly writer = new ByteWriter();
  private readonly parquet: ParquetWriter;
  private readonly elements: SchemaElement[];
  private rows = 0;

  constructor(private readonly columns: FormatColumn[]) {
    this.elements = columns.map(parquetElement);
    this.parquet = new ParquetWriter({
      writer: this.writer,
      schema: [{ name: "root", num_children: columns.length }, ...this.elements],
      createdBy: "pipebook (hyparquet-writer)",
    });
  }

  write(rows: Record<string, unknown>[]): void {
    if (!rows.length) return;
    const columnData = this.columns.map((col, j) => ({ name: col.name, data: columnValues(col, this.elements[j], rows) as never }));
    this.parquet.write({ columnData, rowGroupSize: rows.length });
    this.rows += rows.length;
  }

  /** The whole file. */
  finish(): Uint8Array {
    this.parquet.finish();
    return new Uint8Array(this.writer.getBuffer());
  }
}

/** Rows + dlt columns → Parquet bytes in one call. */
export function rowsToParquet(columns: FormatColumn[], rows: Record<string, unknown>[]): Uint8Array {
  const w = new ParquetFileWriter(columns);
  w.write(rows);
  return w.finish();
}
