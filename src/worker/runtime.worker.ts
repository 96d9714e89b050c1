// The runtime worker's entry. DuckDB's wasm takes seconds to compile, and the rest of the runtime
// (dlt, the cell compiler, Arrow, ...) a second to load: this small module starts DuckDB as soon
// as the page says init, while runtime.ts loads in parallel; every call then goes to runtime.ts.
import * as Comlink from "comlink";
import type { RuntimeApi } from "./api.ts";
import { openDatabase, type OpenDatabase } from "./duckdb.ts";

let opened: Promise<OpenDatabase> | undefined;
let runtime: Promise<typeof import("./runtime.ts")> | undefined;
// Not at once: evaluating runtime.ts would hold up the page's init message, and with it DuckDB.
// A runtime that failed to load rejects every call (init first: the page shows the error).
const load = () => (runtime ??= import("./runtime.ts"));

const api = new Proxy({} as RuntimeApi, {
  get(_, name) {
    if (typeof name !== "string") return undefined;
    return async (...args: unknown[]) => {
      if (name === "init") opened ??= openDatabase((args[0] ?? {}) as Parameters<RuntimeApi["init"]>[0]);
      const loaded = await load();
      if (opened) loaded.useDatabase(opened);
      return (loaded.api[name as keyof RuntimeApi] as (...a: unknown[]) => unknown)(...args);
    };
  },
});

Comlink.expose(api);
