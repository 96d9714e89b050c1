// The runtime worker's entry. DuckDB's wasm takes seconds to compile, and the rest of the runtime
// (dlt, the cell compiler, Arrow, ...) a second to load: this small module starts compiling
// DuckDB as soon as the worker exists (the page creates it first thing), opens the database when
// the page says init, and loads runtime.ts meanwhile; every call then goes to runtime.ts.
import * as Comlink from "comlink";
import type { RuntimeApi } from "./api.ts";
import { instantiate, openDatabase, type Instance, type OpenDatabase } from "./duckdb.ts";

// No database yet: which one (the OPFS file, or memory) and whether this tab may open it at all
// is for the page's init to say. A failure here is reported by init.
const instance: Promise<Instance> = instantiate();
instance.catch(() => undefined);

let opened: Promise<OpenDatabase> | undefined;
let runtime: Promise<typeof import("./runtime.ts")> | undefined;
// Not at once: evaluating runtime.ts would hold up the page's init message, and with it DuckDB.
// A runtime that failed to load rejects every call (init first: the page shows the error).
const load = () => (runtime ??= import("./runtime.ts"));

const api = new Proxy({} as RuntimeApi, {
  get(_, name) {
    if (typeof name !== "string") return undefined;
    return async (...args: unknown[]) => {
      if (name === "init") opened ??= openDatabase((args[0] ?? {}) as Parameters<RuntimeApi["init"]>[0], instance);
      const loaded = await load();
      if (opened) loaded.useDatabase(opened);
      return (loaded.api[name as keyof RuntimeApi] as (...a: unknown[]) => unknown)(...args);
    };
  },
});

Comlink.expose(api);
