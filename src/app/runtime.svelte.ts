// The page's handle on the runtime worker: starts it, runs cells one at a time, and restarts
// it to stop a runaway cell. Terminating is the only way to interrupt `while (true) {}`.
import * as Comlink from "comlink";
import type { DatabaseInfo, ResultMeta, RunEvent, RuntimeApi, SqlOutcome } from "../worker/api.ts";
import { takeRuntimeWorker } from "./early_worker.ts";

function deferred(): { promise: Promise<never>; reject: (e: unknown) => void } {
  let reject!: (e: unknown) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  return { promise, reject };
}

export type RuntimeStatus = "off" | "starting" | "ready" | "busy" | "failed";

export class Runtime {
  status = $state<RuntimeStatus>("off");
  database = $state<DatabaseInfo | undefined>();
  error = $state<string | undefined>();

  private worker?: Worker;
  private proxy?: Comlink.Remote<RuntimeApi>;
  private ready?: Promise<Comlink.Remote<RuntimeApi>>;
  /** the runtime, once started and past the gate: calls then leave in the caller's own task */
  private live?: Comlink.Remote<RuntimeApi>;
  private running = 0;
  /** whether this start's init has been answered (cells may run before: see runCode) */
  private answered = false;
  /** rejects every call in flight when the worker is terminated (Comlink would wait forever) */
  private killed = deferred();

  constructor(private readonly options: { memory?: boolean } = {}) {
    this.killed.promise.catch(() => undefined);
  }

  /** false while another tab owns the database: this tab must not open it */
  allowed = true;

  /** what cells wait for before they run (the demo API's service worker taking control) */
  private gate: Promise<unknown> = Promise.resolve();

  runsAfter(ready: Promise<unknown>): void {
    this.live = undefined;
    this.gate = ready.catch(() => undefined);
  }

  start(): Promise<Comlink.Remote<RuntimeApi>> {
    if (this.ready) return this.ready;
    if (!this.allowed) return Promise.reject(new Error("The database is open in another tab"));
    this.status = "starting";
    this.answered = false;
    this.error = undefined;
    const early = takeRuntimeWorker();
    const worker =
      early?.worker ?? new Worker(new URL("../worker/runtime.worker.ts", import.meta.url), { type: "module", name: "pipebook-runtime" });
    this.worker = worker;
    // A worker that fails to load never answers init: say so instead of "Starting…" forever.
    const failed = (message: string | undefined) => {
      if (this.worker !== worker || this.status !== "starting") return;
      this.status = "failed";
      this.error = message || "The runtime worker failed to load";
      this.killed.reject(new Error(this.error));
      this.killed = deferred();
      this.killed.promise.catch(() => undefined);
      this.ready = undefined;
    };
    worker.addEventListener("error", (e) => failed(e.message));
    const proxy = Comlink.wrap<RuntimeApi>(worker);
    this.proxy = proxy;
    this.ready = proxy.init(this.options).then(
      (info) => {
        if (this.worker !== worker) throw new Error("restarted");
        this.database = info;
        this.answered = true;
        this.status = this.running ? "busy" : "ready";
        return proxy;
      },
      (e) => {
        this.status = "failed";
        this.error = String((e as Error)?.message ?? e);
        this.ready = undefined;
        throw e;
      },
    );
    if (early?.error) {
      failed(early.error);
      return Promise.reject(new Error(this.error));
    }
    return this.ready;
  }

  /** Ends the worker at once: a running cell stops wherever it is; DuckDB goes with it. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.killed.reject(new Error("The runtime was stopped"));
    this.killed = deferred();
    this.killed.promise.catch(() => undefined);
    if (this.proxy) this.proxy[Comlink.releaseProxy]();
    this.proxy = undefined;
    this.ready = undefined;
    this.live = undefined;
    this.running = 0;
    this.status = "off";
  }

  restart(): Promise<Comlink.Remote<RuntimeApi>> {
    this.terminate();
    return this.start();
  }

  /** Flushes the WAL into the database file, then ends the worker; bounded in time. */
  async shutdown(timeoutMs = 1500): Promise<void> {
    if (this.proxy && this.status === "ready") {
      await Promise.race([this.proxy.checkpoint(), new Promise((r) => setTimeout(r, timeoutMs))]).catch(() => undefined);
    }
    this.terminate();
  }

  async api(): Promise<Comlink.Remote<RuntimeApi>> {
    return this.start();
  }

  /**
   * The started worker as soon as its init is posted: the worker handles messages in order, so a
   * call posted now reaches it after init, and may do what needs no database while DuckDB opens.
   */
  private posted(): Promise<Comlink.Remote<RuntimeApi>> {
    const ready = this.start();
    if (!this.proxy) return ready;
    ready.catch(() => undefined); // a failed init is reported by the status; the call fails on its own
    return Promise.resolve(this.proxy);
  }

  /**
   * Marks the runtime busy while `fn` runs (the header shows it). `early`: `fn` may be posted
   * before the runtime answered init (it waits in the worker for what it needs).
   */
  async busy<T>(fn: (api: Comlink.Remote<RuntimeApi>) => Promise<T>, early = false): Promise<T> {
    // No await when the runtime is up: the request is posted before the page re-renders for
    // the run (a cell's "running" state), so the worker starts while the page paints.
    let api = this.live;
    if (!api) {
      const gate = this.gate;
      api = await Promise.race([gate.then(() => (early ? this.posted() : this.start())), this.killed.promise]);
      // A new gate or a restart while this call waited: the next call must wait again.
      if (gate === this.gate && api === this.proxy && this.answered) this.live = api;
    }
    this.running++;
    this.status = "busy";
    try {
      return await Promise.race([fn(api), this.killed.promise]);
    } finally {
      if (this.proxy && --this.running <= 0) {
        this.running = 0;
        if (this.status === "busy") this.status = this.answered ? "ready" : "starting";
      }
    }
  }

  /** A code cell is compiled and run while DuckDB still opens; it waits where it needs the database. */
  runCode(cellId: string, source: string, language: "ts" | "js", onEvent: (e: RunEvent) => void) {
    return this.busy((api) => api.runCode(cellId, source, language, Comlink.proxy(onEvent)), true);
  }

  runSql(cellId: string, sql: string, onHead: (head: ResultMeta) => void): Promise<SqlOutcome> {
    return this.busy((api) => api.runSql(cellId, sql, Comlink.proxy(onHead)) as Promise<SqlOutcome>);
  }
}
