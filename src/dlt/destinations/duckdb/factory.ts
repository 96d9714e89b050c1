// dlt.destinations.duckdb(target?): where a pipeline loads. Opening is lazy and shared: every
// pipeline that names the same target loads into the same open database.
import type { TReplaceStrategy } from "../../schema/types.ts";
import type { Destination } from "../client.ts";
import { DuckDBClient } from "./client.ts";
import { defaultDestination } from "../default.ts";
import { isNativePath, openDuckDB, openNative, type DuckDBHandle } from "./connection.ts";
import { WasmDriver } from "./wasm_driver.ts";

export interface DuckDBDestinationOptions {
  /** dlt's `[destination] replace_strategy` */
  replace_strategy?: TReplaceStrategy;
  destination_name?: string;
}

const openByPath = new Map<string, Promise<DuckDBHandle>>();
const clients = new WeakMap<DuckDBHandle, Promise<DuckDBClient>>();
/** Native DuckDB clients by file path: one connection per database file in this process. */
const nativeClients = new Map<string, Promise<DuckDBClient>>();

export class DuckDBDestination implements Destination {
  readonly destination_type = "dlt.destinations.duckdb";
  readonly destination_name: string;
  readonly replace_strategy?: TReplaceStrategy;
  private readonly target?: string | DuckDBHandle;
  private handle?: Promise<DuckDBHandle>;

  constructor(target?: string | DuckDBHandle | null, options: DuckDBDestinationOptions = {}) {
    this.target = target ?? undefined;
    this.destination_name = options.destination_name ?? "duckdb";
    this.replace_strategy = options.replace_strategy;
  }

  /**
   * The DuckDB-WASM database behind this destination (the notebook's, or one opened for the
   * target). A file in Node is native DuckDB instead, reached through client().
   */
  open(): Promise<DuckDBHandle> {
    if (!this.handle) {
      const t = this.target;
      if (typeof t === "string" && t !== ":memory:") {
        if (!openByPath.has(t)) openByPath.set(t, openDuckDB(t));
        this.handle = openByPath.get(t)!;
      } else {
        this.handle = openDuckDB(t);
      }
      // A failed open is not cached: the next run tries again.
      this.handle.catch(() => {
        this.handle = undefined;
        if (typeof t === "string") openByPath.delete(t);
      });
    }
    return this.handle;
  }

  async client(): Promise<DuckDBClient> {
    const t = this.target;
    if (isNativePath(t)) {
      if (!nativeClients.has(t)) {
        const opening = openNative(t).then((n) => DuckDBClient.open(n.driver, n.location));
        nativeClients.set(t, opening);
        opening.catch(() => nativeClients.delete(t));
      }
      return nativeClients.get(t)!;
    }
    const handle = await this.open();
    let client = clients.get(handle);
    if (!client) {
      client = DuckDBClient.open(new WasmDriver(handle.connection), handle.location);
      clients.set(handle, client);
      client.catch(() => clients.delete(handle));
    }
    return client;
  }
}

/**
 * A DuckDB destination. Without a target it is the notebook's database, unless the runtime
 * registered a stand-in (`pipebook run --destination postgresql://…` makes it Postgres): so the
 * argument-less form is typed as any destination.
 */
export function duckdb(target: string | DuckDBHandle, options?: DuckDBDestinationOptions): DuckDBDestination;
export function duckdb(target?: null, options?: DuckDBDestinationOptions): Destination;
export function duckdb(target?: string | DuckDBHandle | null, options: DuckDBDestinationOptions = {}): Destination {
  // No argument: whatever the runtime registered (`pipebook run --destination`), else the notebook's database.
  if (target === undefined || target === null) {
    const replaced = defaultDestination(options);
    if (replaced) return replaced;
  }
  return new DuckDBDestination(target, options);
}
