// `pipebook run`: a notebook's code and SQL cells in order, in this process, through the same
// cell runner as the browser's worker. Stops at the first failed cell (a failed check() fails
// its cell). What happened is returned as one plain document; a listener sees it live.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { defaultPipelinesDir, setDefaultPipelinesDir } from "../dlt/storage/store.ts";
import type { LoadInfo } from "../dlt/pipeline/load_info.ts";
import { emitOutput } from "../notebook/cells.ts";
import { fromIpynb, NotebookFileError } from "../notebook/ipynb.ts";
import type { Notebook } from "../notebook/model.ts";
import { sqlOutput, type CellOutput, type RunEvent } from "../notebook/outputs.ts";
import { CellRunner } from "../notebook/runner.ts";
import { openNotebookDatabase, redact, type Target } from "./destination.ts";
import { loadInfoData, type LoadInfoData } from "./loadinfo.ts";

export interface CellRecord {
  /** position in the notebook file, from 1 (markdown cells count) */
  index: number;
  id: string;
  type: "code" | "sql";
  first_line: string;
  status: "ok" | "error" | "not_run";
  duration_ms: number | null;
  outputs: CellOutput[];
  /** every LoadInfo the cell's pipelines returned */
  loads: LoadInfoData[];
}

export interface RunDocument {
  ok: boolean;
  notebook: string;
  title: string;
  /** where the data went: dlt's location text, and the DuckDB file (or ":memory:") */
  destination: { kind: Target["kind"]; location: string; path?: string };
  pipelines_dir: string;
  duration_ms: number;
  /** the first cell that failed, and why */
  failed: { index: number; first_line: string; error: string } | null;
  cells: CellRecord[];
}

export interface RunListener {
  start?(doc: RunDocument): void;
  cellStart?(cell: CellRecord): void;
  event?(cell: CellRecord, event: RunEvent): void;
  cellEnd?(cell: CellRecord): void;
}

export interface RunNotebookOptions {
  destination?: string;
  pipelinesDir?: string;
}

/** The cell's first line with text: how a person finds it in the notebook. */
export function firstLine(source: string, max = 200): string {
  const line = source.split("\n").find((l) => l.trim()) ?? "";
  const t = line.trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

/** Reads a .ipynb file; anything else is refused with a NotebookFileError naming the problem. */
export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new NotebookFileError(`${file} is a folder, not a notebook file`);
    text = await readFile(file, "utf8");
  } catch (e) {
    if (e instanceof NotebookFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotebookFileError(code === "ENOENT" ? `No such file: ${file}` : `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return fromIpynb(text, path.basename(file).replace(/\.ipynb$/i, ""));
  } catch (e) {
    if (e instanceof NotebookFileError) throw new NotebookFileError(`${file}: ${e.message}`);
    throw e;
  }
}

function errorText(o: Extract<CellOutput, { type: "error" }>): string {
  return `${o.name}: ${o.message}${o.line !== undefined ? ` (line ${o.line})` : ""}`;
}

export async function runNotebook(
  file: string,
  nb: Notebook,
  target: Target,
  options: RunNotebookOptions,
  listener: RunListener = {},
): Promise<RunDocument> {
  const started = performance.now();
  if (options.pipelinesDir) setDefaultPipelinesDir(path.resolve(options.pipelinesDir));
  const db = await openNotebookDatabase(target);
  let cell: CellRecord | undefined;
  const runner = new CellRunner({
    connection: () => db.connection,
    onLoad: (info: LoadInfo) => void cell?.loads.push(loadInfoData(info)),
  });
  // Work a cell left running (an unawaited promise, a timer) reports to the cell running now.
  const stray = (e: unknown) => emitOutput({ type: "stream", name: "stderr", text: `Unhandled error: ${String((e as Error)?.stack ?? e)}` });
  process.on("unhandledRejection", stray);
  process.on("uncaughtException", stray);

  const cells: CellRecord[] = nb.cells.flatMap((c, i) =>
    c.kind === "markdown"
      ? []
      : [{ index: i + 1, id: c.id, type: c.kind, first_line: firstLine(c.source), status: "not_run" as const, duration_ms: null, outputs: [], loads: [] }],
  );
  const doc: RunDocument = {
    ok: false,
    notebook: file,
    title: nb.title,
    destination:
      target.kind === "postgres" ? { kind: "postgres", location: redact(target.url) } : { kind: "duckdb", location: db.location, path: target.path },
    pipelines_dir: path.resolve(defaultPipelinesDir()),
    duration_ms: 0,
    failed: null,
    cells,
  };
  listener.start?.(doc);
  try {
    for (const record of cells) {
      cell = record;
      const source = nb.cells[record.index - 1];
      listener.cellStart?.(record);
      const t0 = performance.now();
      const onEvent = (event: RunEvent) => {
        if (event.kind === "output") record.outputs.push(event.output);
        listener.event?.(record, event);
      };
      let ok: boolean;
      if (source.kind === "code") {
        ok = (await runner.runCode(record.id, source.source, source.language ?? "ts", onEvent)).ok;
      } else {
        const outcome = await runner.runSql(record.id, source.source);
        const output = sqlOutput(outcome);
        if (output) onEvent({ kind: "output", output });
        ok = outcome.ok;
      }
      record.duration_ms = Math.round(performance.now() - t0);
      record.status = ok ? "ok" : "error";
      listener.cellEnd?.(record);
      if (!ok) {
        const error = record.outputs.find((o): o is Extract<CellOutput, { type: "error" }> => o.type === "error");
        doc.failed = { index: record.index, first_line: record.first_line, error: error ? errorText(error) : "failed" };
        break;
      }
    }
    doc.ok = !doc.failed;
  } finally {
    cell = undefined;
    process.off("unhandledRejection", stray);
    process.off("uncaughtException", stray);
    await db.close();
    doc.duration_ms = Math.round(performance.now() - started);
  }
  return doc;
}
