// The runtime worker is created by the page's entry, before the app is even loaded: DuckDB's
// wasm (the slowest part of a page load) starts compiling at once. The worker only opens the
// database when the page's init says so, after this tab got the database lock.

export interface EarlyWorker {
  worker: Worker;
  /** a load error that happened before anyone listened */
  error?: string;
}

let early: EarlyWorker | undefined;

export function startRuntimeWorker(): void {
  if (early || typeof Worker === "undefined") return;
  const worker = new Worker(new URL("../worker/runtime.worker.ts", import.meta.url), { type: "module", name: "pipebook-runtime" });
  const started: EarlyWorker = { worker };
  worker.addEventListener("error", (e) => (started.error ??= e.message || "The runtime worker failed to load"), { once: true });
  early = started;
}

/** The worker started early, once: the first start takes it; later ones make their own. */
export function takeRuntimeWorker(): EarlyWorker | undefined {
  const w = early;
  early = undefined;
  return w;
}

/** This tab may not open the database (another tab has it): the early worker goes. */
export function discardRuntimeWorker(): void {
  takeRuntimeWorker()?.worker.terminate();
}
