// The notebook document: what is saved to IndexedDB and what the page edits.
import type { CellOutput, DefinedSourceInfo } from "./outputs.ts";

export type CellKind = "code" | "sql" | "markdown";

export interface Cell {
  id: string;
  kind: CellKind;
  source: string;
  /** code cells only */
  language?: "ts" | "js";
  outputs: CellOutput[];
  /** the run number shown in the gutter, as Jupyter's [n] */
  runCount?: number;
  elapsedMs?: number;
  /** resources and sources the cell defined when it last ran (offered by Load) */
  sources?: DefinedSourceInfo[];
}

export interface Notebook {
  id: string;
  title: string;
  cells: Cell[];
  createdAt: number;
  updatedAt: number;
}

export function newId(): string {
  return Math.random().toString(36).slice(2, 10);
}

export function newCell(kind: CellKind, source = ""): Cell {
  return { id: newId(), kind, source, outputs: [], ...(kind === "code" ? { language: "ts" as const } : {}) };
}

export function newNotebook(title = "Untitled notebook", cells: Cell[] = [newCell("code")]): Notebook {
  const now = Date.now();
  return { id: newId(), title, cells, createdAt: now, updatedAt: now };
}

/** What is worth keeping of outputs across a reload: results keep only their first rows. */
export function persistableOutputs(outputs: CellOutput[]): CellOutput[] {
  return outputs.map((o) =>
    o.type === "result" ? { ...o, stale: true, result: { ...o.result, head: o.result.head.slice(0, 50) } } : o,
  );
}

/** Same title and the same cells (kind, language, source): opening it again would only make a copy. */
export function sameContent(a: Notebook, b: Notebook): boolean {
  const key = (n: Notebook) =>
    JSON.stringify([n.title.trim(), n.cells.map((c) => [c.kind, c.kind === "code" ? (c.language ?? "ts") : "", c.source])]);
  return key(a) === key(b);
}
