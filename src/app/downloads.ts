// Files out of the page: a Blob saved under a name, and data (a SQL result, a table) written by
// the runtime worker as CSV, JSON Lines or Parquet.
import type { ExportTarget } from "../worker/api.ts";

export type DataFormat = "csv" | "jsonl" | "parquet";

export const FORMATS: Array<{ format: DataFormat; label: string; ext: string }> = [
  { format: "csv", label: "CSV", ext: "csv" },
  { format: "jsonl", label: "JSON Lines", ext: "jsonl" },
  { format: "parquet", label: "Parquet", ext: "parquet" },
];

export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

type Exporter = (target: ExportTarget, format: DataFormat) => Promise<Blob>;
let exporter: Exporter | undefined;

/** The app says who writes the files (the runtime worker). */
export function setExporter(fn: Exporter): void {
  exporter = fn;
}

export async function downloadData(target: ExportTarget, format: DataFormat, baseName: string): Promise<void> {
  if (!exporter) throw new Error("The runtime is not ready");
  const blob = await exporter(target, format);
  const ext = FORMATS.find((f) => f.format === format)!.ext;
  saveBlob(blob, `${baseName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, "_") || "data"}.${ext}`);
}
