// Query results as a compact text table for the terminal: aligned columns, numbers to the right,
// long values cut, and at most a screenful of rows with the count of the rest.
import type { DisplayRow } from "../notebook/outputs.ts";

export interface TableOptions {
  /** right-align these columns (numbers) */
  numeric?: boolean[];
  maxRows?: number;
  maxWidth?: number;
}

const cut = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s);

/** One line per row; `total` is the result's full row count (rows may be its first few). */
export function textTable(columns: string[], rows: DisplayRow[], total: number, options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  const maxWidth = options.maxWidth ?? 40;
  const shown = rows.slice(0, maxRows).map((r) => r.map((v) => cut((v ?? "NULL").replace(/\s*\n\s*/g, " ⏎ "), maxWidth)));
  const head = columns.map((c) => cut(c, maxWidth));
  const widths = head.map((h, i) => Math.max(h.length, ...shown.map((r) => r[i]?.length ?? 0)));
  const pad = (s: string, i: number) => (options.numeric?.[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const line = (cells: string[]) => cells.map(pad).join(" │ ").trimEnd();
  const out = [line(head), widths.map((w) => "─".repeat(w)).join("─┼─"), ...shown.map(line)];
  const n = total.toLocaleString("en");
  out.push(shown.length < total ? `(${shown.length} of ${n} rows)` : `(${n} row${total === 1 ? "" : "s"})`);
  return out.join("\n");
}
