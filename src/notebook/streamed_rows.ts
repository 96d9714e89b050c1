// A streamed SQL result kept as the Arrow batches DuckDB sent, read back in windows.
import type { RecordBatch, Schema } from "apache-arrow";
import type { DisplayRow } from "./outputs.ts";
import { tableToDisplayRows } from "./format.ts";

export class StreamedRows {
  private readonly batches: RecordBatch[] = [];
  /** the row number each batch starts at */
  private readonly starts: number[] = [];
  rows = 0;
  bytes = 0;

  get schema(): Schema | undefined {
    return this.batches[0]?.schema;
  }

  add(batch: RecordBatch): void {
    if (!batch.numRows) return;
    this.starts.push(this.rows);
    this.batches.push(batch);
    this.rows += batch.numRows;
    this.bytes += batch.data.byteLength;
  }

  /** Rows [offset, offset + limit) as Arrow slices of the batches that hold them. */
  pieces(offset: number, limit: number): RecordBatch[] {
    const from = Math.max(0, Math.floor(offset));
    const end = Math.min(this.rows, from + Math.max(0, Math.floor(limit)));
    const out: RecordBatch[] = [];
    for (let i = this.batchAt(from); i < this.batches.length && this.starts[i] < end; i++) {
      const start = this.starts[i];
      out.push(this.batches[i].slice(Math.max(0, from - start), Math.min(this.batches[i].numRows, end - start)));
    }
    return out;
  }

  /** the batch holding row `row` (binary search over the starts) */
  private batchAt(row: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  slice(offset: number, limit: number): DisplayRow[] {
    return this.pieces(offset, limit).flatMap((b) => tableToDisplayRows(b));
  }
}
