// What `dlt.destinations.duckdb()` means when called with no argument. In a notebook that is the
// notebook's own database (setNotebookDatabase, in duckdb/connection.ts); a runtime may send it
// elsewhere instead, as `pipebook run --destination` does, by registering a factory here. The one
// place a run redirects every argument-less destination.
import type { Destination } from "./client.ts";
import type { DuckDBDestinationOptions } from "./duckdb/factory.ts";


export type DefaultDestinationFactory = (options: DuckDBDestinationOptions) => Destination;

let factory: DefaultDestinationFactory | undefined;

/** Registers (or with undefined, removes) what an argument-less `duckdb()` returns instead. */
export function setDefaultDestination(f: DefaultDestinationFactory | undefined): void {
  factory = f;
}

/** The registered stand-in for an argument-less `duckdb()`, if any. */
export function defaultDestination(options: DuckDBDestinationOptions): Destination | undefined {
  return factory?.(options);
}
