// Shared test setup: a fresh in-memory DuckDB-WASM and a uniquely named pipeline per test.
import { vi } from "vitest";
import * as dlt from "../../src/dlt/index.ts";
import type { PipelineOptions } from "../../src/dlt/index.ts";

let counter = 0;

export function newPipeline(options: PipelineOptions = {}) {
  counter += 1;
  return dlt.pipeline({
    pipeline_name: `t${counter}_${Date.now() % 100000}`,
    destination: dlt.destinations.duckdb(),
    dataset_name: "ds",
    ...options,
  });
}

/** Rows of a table ordered by the given columns, with only the named columns. */
export async function rows(p: dlt.Pipeline, sql: string) {
  return p.query(sql);
}

export async function columnsOf(p: dlt.Pipeline, table: string, dataset = "ds") {
  const r = await p.query(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema='${dataset}' AND table_name='${table}' ORDER BY ordinal_position`,
  );
  return r.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === "NO" ? " NOT NULL" : ""}`);
}

/** Runs `f` with console.warn silenced (dlt's expected warnings would clutter the test output). */
export async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    return await f();
  } finally {
    spy.mockRestore();
  }
}

export { dlt };
