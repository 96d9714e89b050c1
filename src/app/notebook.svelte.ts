// The open notebook and how its cells run: a queue (Run all, Shift+Enter), one cell at a time
// in the runtime worker, outputs streamed in as they come, autosave to IndexedDB.
import { newCell, type Cell, type CellKind, type Notebook } from "../notebook/model.ts";
import { sqlOutput } from "../notebook/outputs.ts";
import { saveNotebook } from "../notebook/store.ts";
import type { CellOutput, ProgressInfo } from "../worker/api.ts";
import type { Runtime } from "./runtime.svelte.ts";

export type CellStatus = "idle" | "queued" | "running" | "done" | "error" | "stopped";

export class NotebookController {
  nb = $state<Notebook | undefined>();
  status = $state<Record<string, CellStatus>>({});
  progress = $state<Record<string, ProgressInfo | undefined>>({});
  /** markdown cells shown as source */
  editing = $state<Record<string, boolean>>({});
  selected = $state<string | undefined>();
  /** another tab is the writer: look, don't touch */
  readOnly = $state(false);
  /** bumps after anything that may have changed the database; panels reload on it */
  dataVersion = $state(0);
  /** names bound by cells that ran, for editor completion */
  names = $state<string[]>([]);
  saving = $state<"saved" | "pending" | "error">("saved");
  running = $state<string | undefined>();

  private queue: string[] = [];
  private draining = false;
  private runCount = 0;
  private saveTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly runtime: Runtime) {}

  open(nb: Notebook): void {
    this.nb = nb;
    this.status = {};
    this.progress = {};
    this.editing = {};
    this.queue = [];
    this.runCount = Math.max(0, ...nb.cells.map((c) => c.runCount ?? 0));
    // Selection starts on the last cell: "Add … cell" then appends, and an empty cell is ready to type in.
    this.selected = nb.cells[nb.cells.length - 1]?.id;
    for (const c of nb.cells) if (c.kind === "markdown" && !c.source.trim()) this.editing[c.id] = true;
  }

  cell(id: string): Cell | undefined {
    return this.nb?.cells.find((c) => c.id === id);
  }

  private analyzeTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** A cell's source changed: save, and for code cells find what it defines (Load offers it). */
  edit(cell: Cell, source: string): void {
    cell.source = source;
    this.changed();
    if (cell.kind !== "code") return;
    clearTimeout(this.analyzeTimers.get(cell.id));
    this.analyzeTimers.set(
      cell.id,
      setTimeout(async () => {
        if (this.readOnly || this.runtime.status === "off" || this.runtime.status === "failed") return;
        try {
          cell.sources = await (await this.runtime.api()).analyze(cell.source, cell.language ?? "ts");
        } catch {
          /* the runtime restarted: the next edit or run says it again */
        }
      }, 500),
    );
  }

  /** Debounced: typing saves once it pauses. */
  changed(): void {
    if (!this.nb || this.readOnly) return;
    this.nb.updatedAt = Date.now();
    this.saving = "pending";
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveNow(), 400);
  }

  async saveNow(): Promise<void> {
    clearTimeout(this.saveTimer);
    if (!this.nb || this.readOnly) return;
    try {
      await saveNotebook($state.snapshot(this.nb) as Notebook);
      this.saving = "saved";
    } catch {
      this.saving = "error";
    }
  }

  add(kind: CellKind, afterId?: string, source = ""): Cell {
    const cell = newCell(kind, source);
    const cells = this.nb!.cells;
    const at = afterId ? cells.findIndex((c) => c.id === afterId) + 1 : cells.length;
    cells.splice(at || cells.length, 0, cell);
    if (kind === "markdown") this.editing[cell.id] = true;
    this.selected = cell.id;
    this.changed();
    return cell;
  }

  move(id: string, delta: -1 | 1): void {
    const cells = this.nb!.cells;
    const i = cells.findIndex((c) => c.id === id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= cells.length) return;
    const [c] = cells.splice(i, 1);
    cells.splice(j, 0, c);
    this.changed();
  }

  remove(id: string): void {
    const cells = this.nb!.cells;
    const i = cells.findIndex((c) => c.id === id);
    if (i < 0) return;
    cells.splice(i, 1);
    this.queue = this.queue.filter((q) => q !== id);
    this.selected = cells[Math.min(i, cells.length - 1)]?.id;
    this.changed();
  }

  clearOutputs(): void {
    for (const c of this.nb?.cells ?? []) {
      c.outputs = [];
      c.runCount = undefined;
      c.elapsedMs = undefined;
      this.status[c.id] = "idle";
    }
    this.changed();
  }

  /** Another tab took the database: nothing queued here may run. */
  cancelQueue(): void {
    for (const q of this.queue) this.status[q] = "idle";
    this.queue = [];
  }

  /** Queues a cell; resolves when it has run (or was stopped). */
  run(id: string): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    const cell = this.cell(id);
    if (!cell) return Promise.resolve();
    if (cell.kind === "markdown") {
      this.editing[id] = false;
      return Promise.resolve();
    }
    if (!this.queue.includes(id) && this.running !== id) {
      this.queue.push(id);
      this.status[id] = "queued";
    }
    return this.drain();
  }

  runAll(): Promise<void> {
    for (const c of this.nb?.cells ?? []) if (c.kind !== "markdown") void this.run(c.id);
    for (const c of this.nb?.cells ?? []) if (c.kind === "markdown") this.editing[c.id] = false;
    return this.drain();
  }

  /** Shift+Enter: run, then select the next cell (adding one at the end, as Jupyter does). */
  runAndAdvance(id: string): Cell {
    void this.run(id);
    const cells = this.nb!.cells;
    const i = cells.findIndex((c) => c.id === id);
    const next = cells[i + 1] ?? this.add(cells[i].kind === "markdown" ? "code" : cells[i].kind, id);
    this.selected = next.id;
    return next;
  }

  private drainPromise?: Promise<void>;

  private drain(): Promise<void> {
    if (this.draining) return this.drainPromise!;
    this.draining = true;
    this.drainPromise = (async () => {
      try {
        while (this.queue.length) {
          const id = this.queue.shift()!;
          const cell = this.cell(id);
          if (cell) await this.execute(cell);
        }
      } finally {
        this.draining = false;
      }
    })();
    return this.drainPromise;
  }

  private async execute(cell: Cell): Promise<void> {
    this.running = cell.id;
    this.status[cell.id] = "running";
    cell.outputs = [];
    this.progress[cell.id] = undefined;
    const push = (o: CellOutput) => void cell.outputs.push(o);
    let ok = false;
    try {
      if (cell.kind === "code") {
        const report = await this.runtime.runCode(cell.id, cell.source, cell.language ?? "ts", (e) => {
          if (e.kind === "output") push(e.output);
          else this.progress[cell.id] = e.progress;
        });
        ok = report.ok;
        cell.sources = report.sources;
        cell.elapsedMs = report.elapsedMs;
        this.names = [...new Set([...this.names, ...report.declared])];
      } else {
        const started = performance.now();
        const r = await this.runtime.runSql(cell.id, cell.source);
        cell.elapsedMs = performance.now() - started;
        ok = r.ok;
        const output = sqlOutput(r);
        if (output) push(output);
      }
      cell.runCount = ++this.runCount;
      this.status[cell.id] = ok ? "done" : "error";
    } catch (e) {
      // The worker was terminated under us (Stop, Restart, another tab took over).
      if (this.status[cell.id] === "running") {
        this.status[cell.id] = "error";
        push({ type: "error", name: "Error", message: String((e as Error)?.message ?? e) });
      }
    } finally {
      if (this.running === cell.id) this.running = undefined;
      this.progress[cell.id] = undefined;
      this.dataVersion++;
      // Saved at once, not debounced: a reload right after a run keeps its outputs.
      void this.saveNow();
    }
  }

  /**
   * Stop: the only way to end `while (true) {}` is to end the worker; bindings go with it.
   * Cells queued behind the stopped one still run, in the fresh runtime.
   */
  stop(): void {
    const id = this.running;
    this.restartRuntime();
    if (id) {
      this.status[id] = "stopped";
      this.cell(id)?.outputs.push({
        type: "info",
        text: "Stopped. The runtime was restarted: variables from earlier cells are gone, loaded data is kept.",
      });
      this.running = undefined;
    }
  }

  restartRuntime(): void {
    this.runtime.terminate();
    this.names = [];
    this.markResultsStale();
    void this.runtime.start().then(() => this.dataVersion++, () => undefined);
  }

  markResultsStale(): void {
    for (const c of this.nb?.cells ?? []) {
      for (const o of c.outputs) if (o.type === "result") o.stale = true;
    }
  }
}
