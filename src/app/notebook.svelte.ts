// The open notebook and how its cells run: a queue (Run all, Shift+Enter), one cell at a time
// in the runtime worker, outputs streamed in as they come, autosave to IndexedDB.
import { newCell, type Cell, type CellKind, type Notebook } from "../notebook/model.ts";
import { sqlOutput } from "../notebook/outputs.ts";
import { dependentsOf, type CellDeps } from "../notebook/stale.ts";
import { saveNotebook } from "../notebook/store.ts";
import type { CellAnalysis, CellOutput, ProgressInfo } from "../worker/api.ts";
import type { Runtime } from "./runtime.svelte.ts";

export type CellStatus = "idle" | "queued" | "running" | "done" | "error" | "stopped";
/** why a cell's outputs may be out of date: its own source changed, or a cell it reads from did */
export type StaleReason = "edited" | "upstream";

/** Cells taken out by a delete, kept with their outputs and places so Undo puts them back. */
interface Deleted {
  cells: Array<{ cell: Cell; index: number; status?: CellStatus }>;
}

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
  /** Jupyter's two modes: typing in a cell's editor, or commands on the selected cells */
  mode = $state<"edit" | "command">("command");
  /** more cells selected with Shift+Up/Down (the selected cell is one end) */
  extra = $state<string[]>([]);
  /** asks a cell's editor to take the caret; the sequence number makes each request new */
  editFocus = $state<{ id: string; seq: number; at?: "start" | "end" } | undefined>();
  /** asks a cell to take keyboard focus in command mode */
  commandFocus = $state<{ id: string; seq: number } | undefined>();
  /** what each code cell declares and uses, for stale marks and "defined in cell [n]" */
  deps = $state<Record<string, CellAnalysis>>({});
  stale = $state<Record<string, StaleReason>>({});
  /** the last delete, offered for Undo */
  deleted = $state<Deleted | undefined>();

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
    this.deps = {};
    this.stale = {};
    this.extra = [];
    this.deleted = undefined;
    this.trash = [];
    this.mode = "command";
    this.runCount = Math.max(0, ...nb.cells.map((c) => c.runCount ?? 0));
    // Selection starts on the last cell: "Add … cell" then appends, and an empty cell is ready to type in.
    this.selected = nb.cells[nb.cells.length - 1]?.id;
    for (const c of nb.cells) if (c.kind === "markdown" && !c.source.trim()) this.editing[c.id] = true;
    // A notebook that ends in an empty code cell opens with the caret in it: ready to type.
    const last = nb.cells[nb.cells.length - 1];
    if (last && last.kind !== "markdown" && !last.source.trim()) this.focusEditor(last.id);
  }

  cell(id: string): Cell | undefined {
    return this.nb?.cells.find((c) => c.id === id);
  }

  private analyzeTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** A cell's source changed: save, mark what it leaves stale, and find what it defines (Load offers it). */
  edit(cell: Cell, source: string): void {
    if (cell.source === source) return;
    cell.source = source;
    this.changed();
    if (cell.kind === "markdown") return;
    if (cell.runCount !== undefined || cell.outputs.length) {
      this.stale[cell.id] = "edited";
      this.markDependents(cell.id);
    }
    if (cell.kind !== "code") return;
    clearTimeout(this.analyzeTimers.get(cell.id));
    this.analyzeTimers.set(
      cell.id,
      setTimeout(async () => {
        const before = this.deps[cell.id]?.declared ?? [];
        const a = await this.analyze(cell);
        if (!a) return;
        cell.sources = a.sources;
        // Names the edit removed leave their readers stale as much as the ones it changed.
        if (this.stale[cell.id]) this.markDependents(cell.id, [...new Set([...before, ...a.declared])]);
      }, 500),
    );
  }

  private async analyze(cell: Cell): Promise<CellAnalysis | undefined> {
    if (this.readOnly || this.runtime.status === "off" || this.runtime.status === "failed") return undefined;
    try {
      const a = await (await this.runtime.api()).analyze(cell.source, cell.language ?? "ts");
      this.deps[cell.id] = a;
      return a;
    } catch {
      return undefined; /* the runtime restarted: the next edit or run says it again */
    }
  }

  /** What every code cell defines and uses, read once the runtime is up (after a reload, too). */
  async analyzeAll(): Promise<void> {
    if (this.analyzing) return;
    this.analyzing = true;
    try {
      // Whatever notebook is open by then: one opened meanwhile is covered too.
      const tried = new Set<string>();
      for (;;) {
        const next = this.nb?.cells.find((c) => c.kind === "code" && !this.deps[c.id] && !tried.has(c.id));
        if (!next) break;
        tried.add(next.id);
        await this.analyze(next);
      }
    } finally {
      this.analyzing = false;
    }
  }
  private analyzing = false;

  depList(): CellDeps[] {
    return (this.nb?.cells ?? []).map((c) => ({ id: c.id, declared: this.deps[c.id]?.declared ?? [], used: this.deps[c.id]?.used ?? [] }));
  }

  /** Later cells that read what `id` defines and have shown outputs become stale (queued ones will run anyway). */
  private markDependents(id: string, names?: string[]): void {
    for (const d of dependentsOf(this.depList(), id, names)) {
      const c = this.cell(d);
      if (!c || this.queue.includes(d) || this.running === d) continue;
      if (c.runCount !== undefined || c.outputs.length) this.stale[d] ??= "upstream";
    }
  }

  get staleIds(): string[] {
    return (this.nb?.cells ?? []).filter((c) => this.stale[c.id]).map((c) => c.id);
  }

  /** Runs exactly the stale cells, top to bottom. */
  runStale(): Promise<void> {
    for (const id of this.staleIds) void this.run(id);
    return this.drain();
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

  add(kind: CellKind, afterId?: string, source = "", options: { focus?: boolean } = {}): Cell {
    const cell = newCell(kind, source);
    const cells = this.nb!.cells;
    const at = afterId ? cells.findIndex((c) => c.id === afterId) + 1 : cells.length;
    cells.splice(at || cells.length, 0, cell);
    if (kind === "markdown") this.editing[cell.id] = true;
    this.select(cell.id);
    if (options.focus ?? true) this.focusEditor(cell.id);
    this.changed();
    return cell;
  }

  /** A new cell above the given one (command mode's A). */
  addAbove(id: string, kind: CellKind = "code"): Cell {
    const cells = this.nb!.cells;
    const i = cells.findIndex((c) => c.id === id);
    const cell = newCell(kind);
    cells.splice(Math.max(0, i), 0, cell);
    if (kind === "markdown") this.editing[cell.id] = true;
    this.select(cell.id);
    this.changed();
    return cell;
  }

  select(id: string | undefined, options: { extend?: boolean } = {}): void {
    if (!options.extend) this.extra = [];
    this.selected = id;
  }

  /** The selected cells in notebook order: the selected one and any Shift-selected ones. */
  get selection(): string[] {
    const set = new Set([this.selected, ...this.extra]);
    return (this.nb?.cells ?? []).filter((c) => set.has(c.id)).map((c) => c.id);
  }

  /** Moves the selection by one cell; with `extend`, grows or shrinks the range (Shift+Up/Down). */
  step(delta: -1 | 1, extend = false): void {
    const cells = this.nb?.cells ?? [];
    const i = cells.findIndex((c) => c.id === this.selected);
    const next = cells[i + delta];
    if (!next) return;
    if (extend) {
      const cur = this.selected!;
      // Moving back over an already selected cell shrinks the range.
      if (this.extra.includes(next.id)) this.extra = this.extra.filter((x) => x !== next.id);
      else this.extra = [...this.extra, cur];
    }
    this.commandMode(next.id, { extend });
  }

  /** Enters edit mode on a cell: its editor takes the caret (a markdown cell shows its source). */
  focusEditor(id: string, at?: "start" | "end"): void {
    const cell = this.cell(id);
    if (!cell) return;
    if (cell.kind === "markdown") this.editing[id] = true;
    this.select(id);
    this.mode = "edit";
    this.editFocus = { id, seq: (this.editFocus?.seq ?? 0) + 1, at };
  }

  /** Command mode on a cell (Esc): it keeps keyboard focus for A, B, D D, arrows... */
  commandMode(id = this.selected, options: { extend?: boolean } = {}): void {
    if (id) this.select(id, options);
    this.mode = "command";
    if (id) this.commandFocus = { id, seq: (this.commandFocus?.seq ?? 0) + 1 };
  }

  /** M / Y: markdown ↔ code (outputs go: a markdown cell has none). */
  setKind(id: string, kind: CellKind): void {
    const cell = this.cell(id);
    if (!cell || cell.kind === kind) return;
    cell.kind = kind;
    if (kind === "code") cell.language ??= "ts";
    if (kind === "markdown") {
      cell.outputs = [];
      cell.runCount = undefined;
      delete this.stale[id];
      this.editing[id] = !cell.source.trim();
    } else this.editing[id] = false;
    this.changed();
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

  private trash: Deleted[] = [];

  /** Deletes cells (keeping them, with outputs, for Undo). A running cell is not deleted. */
  remove(ids: string | string[]): void {
    const cells = this.nb!.cells;
    const wanted = new Set(typeof ids === "string" ? [ids] : ids);
    if (this.running) wanted.delete(this.running);
    const taken: Deleted["cells"] = [];
    cells.forEach((cell, index) => wanted.has(cell.id) && taken.push({ cell, index, status: this.status[cell.id] }));
    if (!taken.length) return;
    for (const t of [...taken].reverse()) cells.splice(t.index, 1);
    this.queue = this.queue.filter((q) => !wanted.has(q));
    const first = taken[0].index;
    this.select(cells[Math.min(first, cells.length - 1)]?.id);
    this.trash.push({ cells: taken });
    this.deleted = this.trash[this.trash.length - 1];
    this.changed();
  }

  /** Z: the last delete comes back, each cell at its place, outputs and all. */
  undoDelete(): boolean {
    const last = this.trash.pop();
    if (!last || !this.nb) return false;
    for (const t of last.cells) {
      this.nb.cells.splice(Math.min(t.index, this.nb.cells.length), 0, t.cell);
      if (t.status) this.status[t.cell.id] = t.status;
    }
    this.select(last.cells[0].cell.id);
    this.deleted = this.trash[this.trash.length - 1];
    this.changed();
    return true;
  }

  dismissDeleted(): void {
    this.deleted = undefined;
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

  /**
   * Shift+Enter: run, then move on to the next cell (adding one at the end, as Jupyter does).
   * From an editor the caret goes into the next cell's editor; a rendered markdown cell is
   * selected in command mode instead.
   */
  runAndAdvance(id: string, fromEditor = this.mode === "edit"): Cell {
    void this.run(id);
    const cells = this.nb!.cells;
    const i = cells.findIndex((c) => c.id === id);
    const next = cells[i + 1] ?? this.add(cells[i].kind === "markdown" ? "code" : cells[i].kind, id, "", { focus: false });
    if (fromEditor && !(next.kind === "markdown" && !this.editing[next.id])) this.focusEditor(next.id);
    else this.commandMode(next.id);
    return next;
  }

  /** Alt+Enter: run, and write on in a new cell below. */
  runAndInsert(id: string): Cell {
    void this.run(id);
    const cell = this.cell(id)!;
    return this.add(cell.kind === "markdown" ? "code" : cell.kind, id);
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
    delete this.stale[cell.id];
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
        this.deps[cell.id] = { sources: report.sources, declared: report.declared, used: report.used };
      } else {
        const started = performance.now();
        // A streamed result's first rows show at once; the final result (or error) replaces them.
        const r = await this.runtime.runSql(cell.id, cell.source, (head) => {
          if (this.status[cell.id] === "running") cell.outputs = [{ type: "result", result: head }];
        });
        cell.elapsedMs = performance.now() - started;
        ok = r.ok;
        const output = sqlOutput(r);
        cell.outputs = output ? [output] : [];
      }
      cell.runCount = ++this.runCount;
      this.status[cell.id] = ok ? "done" : "error";
      // Its names have new values now: cells that read them show old results.
      if (cell.kind === "code") this.markDependents(cell.id);
    } catch (e) {
      // The worker was terminated under us (Stop, Restart, another tab took over).
      if (this.status[cell.id] === "running") {
        this.status[cell.id] = "error";
        // first rows of a result that never finished are not that result
        cell.outputs = cell.outputs.filter((o) => !(o.type === "result" && o.result.streaming));
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
