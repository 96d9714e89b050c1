// What a code cell sees and prints: the console that writes to the cell's output, dlt with
// its pipelines instrumented (progress, LoadInfo summary, CHECKPOINT after a load), and how
// values and errors are turned into outputs.
import * as dltModule from "../dlt/index.ts";
import { CellSyntaxError } from "./compile.ts";
import type { CellOutput, LoadSummary, RunEvent } from "./outputs.ts";
import { inspect, recordsTable } from "./format.ts";
import { recordLoadRows, rowsLoaded } from "./loadlog.ts";

type Emit = (event: RunEvent) => void;

/** The cell being run: where console output and progress go. */
let current: Emit | undefined;

// Console lines are batched: a cell logging in a tight loop must not flood the page with
// messages, and past a limit the rest is dropped with a note.
const MAX_STREAM_CHARS = 1_000_000;
let pending: { name: "stdout" | "stderr"; text: string } | undefined;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let streamed = 0;
let truncated = false;

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (pending && current) current({ kind: "output", output: { type: "stream", ...pending } });
  pending = undefined;
}

function stream(name: "stdout" | "stderr", text: string): void {
  if (!current) return;
  if (streamed + text.length > MAX_STREAM_CHARS) {
    if (!truncated) {
      truncated = true;
      flush();
      current({ kind: "output", output: { type: "info", text: `Output truncated after ${MAX_STREAM_CHARS.toLocaleString("en")} characters.` } });
    }
    return;
  }
  streamed += text.length;
  if (pending && pending.name !== name) flush();
  pending = pending ? { name, text: pending.text + "\n" + text } : { name, text };
  flushTimer ??= setTimeout(flush, 40);
}

export function setCurrentCell(emit: Emit | undefined): void {
  flush();
  current = emit;
  streamed = 0;
  truncated = false;
}

/**
 * dlt's warnings go through console.warn (its logger): while a cell runs they become the cell's
 * warnings, so the person sees them, not only the browser console.
 */
export function captureEngineWarnings(target: Pick<Console, "warn"> = console): void {
  const original = target.warn.bind(target);
  target.warn = (...a: unknown[]) => {
    if (current) emitOutput({ type: "warning", text: text(a) });
    original(...a);
  };
}

export function emitOutput(output: CellOutput): void {
  if (output.type === "stream") return stream(output.name, output.text);
  flush();
  current?.({ kind: "output", output });
}

function text(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
}

const timers = new Map<string, number>();
const counters = new Map<string, number>();

export const cellConsole = {
  log: (...a: unknown[]) => emitOutput({ type: "stream", name: "stdout", text: text(a) }),
  info: (...a: unknown[]) => emitOutput({ type: "stream", name: "stdout", text: text(a) }),
  debug: (...a: unknown[]) => emitOutput({ type: "stream", name: "stdout", text: text(a) }),
  warn: (...a: unknown[]) => emitOutput({ type: "stream", name: "stderr", text: text(a) }),
  error: (...a: unknown[]) => emitOutput({ type: "stream", name: "stderr", text: text(a) }),
  dir: (v: unknown) => emitOutput({ type: "stream", name: "stdout", text: inspect(v, 4) }),
  table: (v: unknown) => emitOutput(valueOutput(v)),
  assert: (ok: unknown, ...a: unknown[]) => {
    if (!ok) emitOutput({ type: "stream", name: "stderr", text: `Assertion failed${a.length ? ": " + text(a) : ""}` });
  },
  time: (label = "default") => void timers.set(label, performance.now()),
  timeEnd: (label = "default") => {
    const t = timers.get(label);
    timers.delete(label);
    if (t !== undefined) emitOutput({ type: "stream", name: "stdout", text: `${label}: ${(performance.now() - t).toFixed(1)} ms` });
  },
  count: (label = "default") => {
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    emitOutput({ type: "stream", name: "stdout", text: `${label}: ${n}` });
  },
};

const reported = new WeakSet<object>();

export function valueOutput(value: unknown): CellOutput {
  if (value instanceof dltModule.LoadInfo) return { type: "value", text: String(value) };
  const table = recordsTable(value);
  if (table) return { type: "value", text: `${table.total} row(s)`, table };
  return { type: "value", text: inspect(value) };
}

export function isReported(value: unknown): boolean {
  return typeof value === "object" && value !== null && reported.has(value);
}

const CELL_FRAME = /cell-([A-Za-z0-9_-]+)\.ts:(\d+):(\d+)/;

/** A failed `check`: the cell fails with what was expected. */
export class CheckFailed extends Error {
  constructor(what: string) {
    super(what);
    this.name = "Check failed";
  }
}

/** `check(condition, what)` in cells: a step verifies its own outcome and says so. */
export function check(condition: unknown, what: string): void {
  if (condition instanceof Promise) throw new TypeError("check() takes a value, not a Promise: `await` it first");
  if (!condition) throw new CheckFailed(what);
  emitOutput({ type: "check", text: what });
}

export function errorOutput(error: unknown, cellId: string): CellOutput {
  const e = error as { name?: string; message?: string; exception?: unknown; cause?: unknown; stack?: string };
  let line: number | undefined;
  let column: number | undefined;
  let where = "";
  if (error instanceof CellSyntaxError) {
    line = error.line;
    column = error.column;
  } else {
    // The first frame in any cell: an error may come from a function another cell defined.
    const seen = new Set<unknown>();
    let cur: any = error;
    while (cur && typeof cur === "object" && !seen.has(cur) && line === undefined) {
      seen.add(cur);
      const m = typeof cur.stack === "string" ? CELL_FRAME.exec(cur.stack) : null;
      if (m) {
        line = Number(m[2]) - 1;
        column = Number(m[3]);
        if (m[1] !== cellId) where = m[1];
      }
      cur = cur.exception ?? cur.cause;
    }
  }
  const inner = e?.exception ?? e?.cause;
  const detail = inner && inner !== error ? `${(inner as Error).name ?? "Error"}: ${(inner as Error).message ?? String(inner)}` : undefined;
  return {
    type: "error",
    name: e?.name ?? "Error",
    message: e?.message ?? String(error),
    line,
    column,
    detail: where ? `${detail ? detail + "\n" : ""}raised in a function defined by cell ${where}` : detail,
  };
}

type Pipeline = InstanceType<typeof dltModule.Pipeline>;
type LoadInfo = InstanceType<typeof dltModule.LoadInfo>;
type RunOptions = dltModule.RunOptions;

function summarize(info: InstanceType<typeof dltModule.LoadInfo>, p: Pipeline): LoadSummary {
  const counts = p.last_trace?.last_normalize_info?.row_counts ?? {};
  const tables = Object.entries(counts)
    .map(([name, rows]) => ({ name, rows: Number(rows) }))
    .sort((a, b) => Number(a.name.startsWith("_dlt_")) - Number(b.name.startsWith("_dlt_")) || a.name.localeCompare(b.name));
  // New columns are what the destination did not have before this run (the load saw its catalog).
  // dlt's own tables, and the bookkeeping columns every table has, are not the data's.
  const newColumns: LoadSummary["newColumns"] = info.load_packages.flatMap((pkg) =>
    (pkg.created_columns ?? [])
      .filter((c) => !c.table.startsWith("_dlt_") && !c.column.startsWith("_dlt_"))
      .map((c) => ({ table: c.table, column: c.column, type: c.data_type })),
  );
  const failedJobs = info.load_packages.flatMap((pkg) =>
    pkg.jobs.failed_jobs.map((j) => ({ table: j.job_file_info.table_name, message: String(j.failed_message ?? "") })),
  );
  // Rows loaded, not rows attempted: a failed job's rows never reached its table.
  const failedTables = new Set(failedJobs.map((j) => j.table));
  for (const t of tables) if (failedTables.has(t.name)) t.rows = 0;
  // New tables and columns are listed above; here what else changed: variants (a type that did
  // not fit its column) and hints.
  const schemaChanges = info.load_packages.flatMap((pkg) =>
    pkg.schema_diff ? dltModule.describeDiff({ new_tables: [], new_columns: pkg.schema_diff.new_columns.filter((c) => c.variant), changed_hints: pkg.schema_diff.changed_hints }) : [],
  );
  return { pipeline: p.pipeline_name, dataset: p.dataset_name, tables, newColumns, failedJobs, loadIds: [...info.loads_ids], schemaChanges };
}

/**
 * Progress to the running cell, at most every 100 ms per step and target: the page stays calm on
 * fast loads. The last count of a target is never dropped: it is sent before the next target's
 * first, and at the end of the run (`flush`), so a finished step shows its true total.
 */
function progressReporter(p: Pipeline): ((ev: dltModule.ProgressEvent) => void) & { flush: () => void } {
  let last = 0;
  let lastKey = "";
  let held: dltModule.ProgressEvent | undefined;
  const send = (ev: dltModule.ProgressEvent) =>
    current?.({
      kind: "progress",
      progress: { pipeline: p.pipeline_name, step: ev.step, target: ev.resource ?? ev.table, items: ev.items, done: ev.done, total: ev.total, file: ev.file, bytes: ev.bytes, totalBytes: ev.total_bytes },
    });
  const report = (ev: dltModule.ProgressEvent) => {
    const now = performance.now();
    const key = `${ev.step}\u0000${ev.resource ?? ev.table ?? ""}`;
    if (key === lastKey && now - last < 100) {
      held = ev;
      return;
    }
    if (held) send(held);
    held = undefined;
    last = now;
    lastKey = key;
    send(ev);
  };
  return Object.assign(report, {
    flush: () => {
      if (held) send(held);
      held = undefined;
      lastKey = "";
    },
  });
}

/** Called with every LoadInfo a cell's pipeline returns (the CLI reports them as data). */
export type LoadListener = (info: LoadInfo) => void;

export function instrument(p: Pipeline, afterWrite: () => Promise<void>, onLoad?: LoadListener): Pipeline {
  const userProgress = p.progress;
  const report = progressReporter(p);
  p.progress = (ev) => {
    report(ev);
    userProgress?.(ev);
  };
  const run = p.run.bind(p) as (data?: unknown, options?: RunOptions) => Promise<LoadInfo | null>;
  p.run = (async (data?: unknown, options?: RunOptions) => {
    // A dry run writes nothing: no summary, no checkpoint.
    if (options?.dry_run) return run(data, options);
    try {
      const info = await run(data, options);
      report.flush();
      if (!info) return info;
      reported.add(info);
      await recordLoadRows(rowsLoaded(info)).catch(() => undefined);
      emitOutput({ type: "load", text: String(info), summary: summarize(info, p) });
      onLoad?.(info);
      return info;
    } finally {
      report.flush();
      await afterWrite();
    }
  }) as Pipeline["run"];
  const load = p.load.bind(p);
  p.load = async (...args: Parameters<Pipeline["load"]>) => {
    try {
      return await load(...args);
    } finally {
      await afterWrite();
    }
  };
  return p;
}

/** `dlt` as cells see it: the engine's API, with pipelines that report to the cell. */
export function cellDlt(afterWrite: () => Promise<void>, onLoad?: LoadListener): typeof dltModule {
  return {
    ...dltModule,
    pipeline: (options?: Parameters<typeof dltModule.pipeline>[0]) => instrument(dltModule.pipeline(options), afterWrite, onLoad),
  } as typeof dltModule;
}
