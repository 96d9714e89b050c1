// Running cells, the part both runtimes share (the browser's worker and `pipebook run` in Node):
// code cells in one session of shared bindings with `dlt`, `check`, `console` and `display`;
// SQL cells against the notebook's database, their last result kept there for paging. Where that
// database lives, and how a runaway cell is stopped, is each runtime's business.
import {
  cellConsole,
  cellDlt,
  check,
  emitOutput,
  errorOutput,
  isReported,
  setCurrentCell,
  valueOutput,
  type LoadListener,
} from "./cells.ts";
import type { CellLanguage } from "./compile.ts";
import type { DryRunReport } from "../dlt/load/dry_run.ts";
import type { CellAnalysis, LoadPreview, ResultMeta, RunEvent, RunReport, SqlOutcome } from "./outputs.ts";
import { CellSession } from "./session.ts";
import { ResultStore, type QueryConnection } from "./sql.ts";

export interface CellRunnerOptions {
  /** the connection SQL cells use; read when a cell runs (runtimes open the database late) */
  connection: () => QueryConnection;
  /** every LoadInfo a cell's pipeline.run returns, as the object */
  onLoad?: LoadListener;
}

export class CellRunner {
  readonly session: CellSession;
  private store?: { conn: QueryConnection; results: ResultStore };

  constructor(private readonly options: CellRunnerOptions) {
    const dlt = cellDlt(() => this.afterWrite(), options.onLoad);
    this.session = new CellSession({ dlt, check, console: cellConsole, display: (v: unknown) => emitOutput(valueOutput(v)) });
  }

  private get conn(): QueryConnection {
    return this.options.connection();
  }

  /** SQL results, kept per cell in the database and read in windows. */
  get results(): ResultStore {
    const conn = this.conn;
    if (this.store?.conn !== conn) this.store = { conn, results: new ResultStore(conn) };
    return this.store.results;
  }

  /** cells running now, and whether one of them wrote (a CHECKPOINT is due when they end) */
  private running = 0;
  private wrote = false;

  /**
   * After a load: inside a cell the CHECKPOINT waits for the cell's end, so that what the cell
   * does next (printing the LoadInfo) is not held up by it; the commit itself is already durable
   * in DuckDB's WAL. A load from work a cell left running is checkpointed at once.
   */
  private afterWrite(): Promise<void> {
    if (this.running === 0) return this.checkpoint();
    this.wrote = true;
    return Promise.resolve();
  }

  /** Makes a load durable in the database file at once (a no-op in memory). */
  async checkpoint(): Promise<void> {
    // Another connection's open transaction makes CHECKPOINT fail; the next write retries it.
    try {
      await this.conn.query("CHECKPOINT");
    } catch {
      /* retried after the next write */
    }
  }

  async runCode(cellId: string, source: string, language: CellLanguage, onEvent: (event: RunEvent) => void): Promise<RunReport> {
    const started = performance.now();
    const url = `cell-${cellId}.ts`;
    const report: RunReport = { ok: false, elapsedMs: 0, sources: [], declared: [], used: [] };
    setCurrentCell((event) => void onEvent(event));
    this.running++;
    try {
      const compiled = this.session.compile(source, language, url);
      report.sources = compiled.sources;
      report.declared = compiled.declared.map((d) => d.name);
      report.used = compiled.used;
      const r = await this.session.run(source, { language, url, compiled });
      if (r.hasValue && !isReported(r.value)) emitOutput(valueOutput(r.value));
      report.ok = true;
    } catch (e) {
      emitOutput(errorOutput(e, cellId));
    } finally {
      setCurrentCell(undefined);
      if (--this.running === 0 && this.wrote) {
        this.wrote = false;
        await this.checkpoint();
      }
    }
    report.elapsedMs = performance.now() - started;
    return report;
  }

  /** Runs a SQL cell; a streamed result's first rows go to `onHead` while the rest arrives. */
  async runSql(cellId: string, sql: string, onHead?: (head: ResultMeta) => void): Promise<SqlOutcome> {
    const key = cellId.replace(/\W/g, "_");
    try {
      const { result, wrote, message } = await this.results.run(key, sql, onHead);
      if (wrote) await this.checkpoint();
      if (result) result.id = key;
      return { ok: true, result, message };
    } catch (e) {
      return { ok: false, error: { type: "error", name: "SQL error", message: String((e as Error).message ?? e) } };
    }
  }

  /** Runs a dry-run expression (loadcall's previewCall) in the cells' scope; binds nothing. */
  async previewLoad(code: string): Promise<LoadPreview> {
    try {
      const r = await this.session.run(code, { language: "ts", url: "load-preview.ts" });
      return { ok: true, report: r.value as DryRunReport };
    } catch (e) {
      const err = e as Error;
      const message = err instanceof ReferenceError ? `${err.message}: run the cell that defines it first` : (err?.message ?? String(e));
      return { ok: false, message };
    }
  }

  /** What a code cell would define and use, without running it (Load button, stale marks). */
  analyze(source: string, language: CellLanguage): CellAnalysis {
    try {
      const c = this.session.compile(source, language);
      return { sources: c.sources, declared: c.declared.map((d) => d.name), used: c.used };
    } catch {
      return { sources: [], declared: [], used: [] };
    }
  }
}
