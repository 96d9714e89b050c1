// Child process for kill9.test.ts: first checks the file database left by a killed predecessor and
// prints the result as one JSON line, then loads the rest of the data in incremental runs (each a
// package of BATCH rows) until TOTAL rows are in. The parent kills it with SIGKILL at random moments.
import { DuckDBInstance } from "@duckdb/node-api";
import * as dlt from "../../../src/dlt/index.ts";
import { decodeState } from "../../../src/dlt/pipeline/state.ts";

const [dbPath, pipelinesDir, totalArg, batchArg] = process.argv.slice(2);
const TOTAL = Number(totalArg);
const BATCH = Number(batchArg);

export interface Check {
  rows: number;
  distinct: number;
  maxId: number;
  /** load ids whose row count is not a whole package */
  partial: string[];
  /** load ids with data but no `_dlt_loads` row, or `_dlt_loads` rows of loads without data */
  inconsistent: string[];
  cursor: number | null;
}

async function check(): Promise<Check> {
  const instance = await DuckDBInstance.create(dbPath);
  const c = await instance.connect();
  const all = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  try {
    const tables = (await all("SELECT table_name FROM information_schema.tables WHERE table_schema = 'ds'")).map((r) => r.table_name);
    if (!tables.includes("numbers")) return { rows: 0, distinct: 0, maxId: 0, partial: [], inconsistent: [], cursor: null };
    const [totals] = await all("SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, coalesce(max(id), 0)::INT AS m FROM ds.numbers");
    const perLoad = await all("SELECT _dlt_load_id AS id, count(*)::INT AS n FROM ds.numbers GROUP BY 1");
    const loads = new Set((await all("SELECT load_id FROM ds._dlt_loads WHERE status = 0")).map((r) => String(r.load_id)));
    const partial = perLoad.filter((r) => r.n !== BATCH).map((r) => `${r.id}:${r.n}`);
    const withData = new Set(perLoad.map((r) => String(r.id)));
    const stateLoads = new Set((await all("SELECT _dlt_load_id AS id FROM ds._dlt_pipeline_state")).map((r) => String(r.id)));
    const inconsistent = [
      ...[...withData].filter((id) => !loads.has(id)).map((id) => `data without _dlt_loads: ${id}`),
      ...[...loads].filter((id) => !withData.has(id) && !stateLoads.has(id)).map((id) => `_dlt_loads without data: ${id}`),
    ];
    const [state] = await all(
      "SELECT s.state FROM ds._dlt_pipeline_state s JOIN ds._dlt_loads l ON l.load_id = s._dlt_load_id ORDER BY s._dlt_load_id DESC, s.version DESC LIMIT 1",
    );
    let cursor: number | null = null;
    if (state) {
      const decoded = decodeState(String(state.state)) as unknown as {
        sources: Record<string, { resources: Record<string, { incremental: Record<string, { last_value: number }> }> }>;
      };
      cursor = decoded.sources.kill9.resources.numbers.incremental.id.last_value;
    }
    return { rows: totals.n as number, distinct: totals.d as number, maxId: totals.m as number, partial, inconsistent, cursor };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** The source: ids 1..TOTAL, at most one batch per run past the cursor. */
const numbers = dlt.resource(
  function* numbers(id = dlt.sources.incremental("id", { initial_value: 0 })) {
    const from = Number(id.last_value) + 1;
    const to = Math.min(TOTAL, from + BATCH - 1);
    const page: Array<{ id: number; label: string; at: string }> = [];
    for (let i = from; i <= to; i++) page.push({ id: i, label: `row ${i}`, at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() });
    if (page.length) yield page;
  },
  { write_disposition: "append" },
);
const kill9 = dlt.source(function kill9() {
  return numbers;
});

console.log(JSON.stringify({ check: await check() }));
const pipeline = dlt.pipeline({
  pipeline_name: "kill9",
  destination: dlt.destinations.duckdb(dbPath),
  dataset_name: "ds",
  pipelines_dir: pipelinesDir,
});
for (;;) {
  console.log(JSON.stringify({ start: true }));
  const info = await pipeline.run(kill9());
  const loaded = info.load_packages.length;
  const [{ m }] = await pipeline.query("SELECT coalesce(max(id), 0) AS m FROM ds.numbers");
  console.log(JSON.stringify({ loaded, max: Number(m) }));
  if (Number(m) >= TOTAL) break;
}
const [final] = await pipeline.query("SELECT count(*) AS n, count(DISTINCT id) AS d FROM ds.numbers");
console.log(JSON.stringify({ done: { rows: Number(final.n), distinct: Number(final.d) } }));
