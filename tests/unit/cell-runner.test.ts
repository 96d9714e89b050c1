// The cell runner both runtimes share (the browser's worker, `pipebook run`), on real DuckDB-WASM.
import { describe, expect, it } from "vitest";
import { openDuckDB } from "../../src/dlt/destinations/duckdb/connection.ts";
import { setDefaultDestination } from "../../src/dlt/destinations/default.ts";
import { duckdb } from "../../src/dlt/destinations/duckdb/factory.ts";
import type { LoadInfo } from "../../src/dlt/pipeline/load_info.ts";
import type { CellOutput, RunEvent } from "../../src/notebook/outputs.ts";
import { sqlOutput } from "../../src/notebook/outputs.ts";
import { CellRunner } from "../../src/notebook/runner.ts";

async function setup() {
  const h = await openDuckDB();
  const loads: LoadInfo[] = [];
  const runner = new CellRunner({ connection: () => h.connection, onLoad: (info) => loads.push(info) });
  // the argument-less duckdb() of the cells loads into the database the SQL cells query
  setDefaultDestination((options) => duckdb(h, options));
  return { h, runner, loads };
}

async function code(runner: CellRunner, id: string, source: string) {
  const events: RunEvent[] = [];
  const report = await runner.runCode(id, source, "ts", (e) => events.push(e));
  const outputs = events.flatMap((e) => (e.kind === "output" ? [e.output] : []));
  const progress = events.flatMap((e) => (e.kind === "progress" ? [e.progress] : []));
  return { report, outputs, progress };
}

describe("the shared cell runner", () => {
  it("runs code cells with dlt, check and console, shares bindings, and SQL cells read what they loaded", async () => {
    const { runner, loads } = await setup();
    try {
      const a = await code(
        runner,
        "a",
        `const rows = Array.from({ length: 250 }, (_, i) => ({ id: i + 1 }));
console.log("rows:", rows.length);
const p = dlt.pipeline({ pipeline_name: "runner_pipe", destination: dlt.destinations.duckdb(), dataset_name: "rt", pipelines_dir: ":memory:" });
const info = await p.run(dlt.resource(rows, { name: "numbers" }));
check(!info.has_failed_jobs, "loaded without failed jobs");`,
      );
      expect(a.report.ok).toBe(true);
      expect(a.report.declared).toEqual(["rows", "p", "info"]);
      expect(a.outputs.map((o) => o.type)).toEqual(["stream", "load", "check"]);
      expect(a.outputs[0]).toEqual({ type: "stream", name: "stdout", text: "rows: 250" });
      const load = a.outputs[1] as Extract<CellOutput, { type: "load" }>;
      expect(load.summary.tables).toContainEqual({ name: "numbers", rows: 250 });
      expect(loads).toHaveLength(1);
      expect(loads[0].dataset_name).toBe("rt");
      // every step reports, and the last count of each is never dropped by the throttle
      const last = (step: string) => a.progress.filter((p) => p.step === step).at(-1);
      expect(last("extract")).toMatchObject({ pipeline: "runner_pipe", target: "numbers", items: 250 });
      expect(last("normalize")?.items).toBe(250);
      expect(last("load")).toMatchObject({ done: 2, total: 2 });

      const b = await code(runner, "b", `rows.length + info.loads_ids.length`);
      expect(b.outputs).toEqual([{ type: "value", text: "251" }]);

      const sql = await runner.runSql("c", "select count(*) as n, max(id) as top from rt.numbers");
      expect(sqlOutput(sql)).toMatchObject({ type: "result", result: { rowCount: 1, head: [["250", "250"]] } });
    } finally {
      setDefaultDestination(undefined);
    }
  });

  it("a load's summary names the columns the destination did not have before it, and only those", async () => {
    const { runner } = await setup();
    const newColumns = async (id: string, source: string) => {
      const r = await code(runner, id, source);
      expect(r.report.ok, JSON.stringify(r.outputs)).toBe(true);
      const load = r.outputs.find((o) => o.type === "load") as Extract<CellOutput, { type: "load" }>;
      return load.summary.newColumns;
    };
    const run = (pipeline: string, rows: string, opts = "") =>
      `await dlt.pipeline({ pipeline_name: "${pipeline}", dataset_name: "cols", pipelines_dir: ":memory:" }).run(${rows}, { table_name: "things"${opts} })`;
    try {
      // a fresh database: the table and its data columns are new (dlt's own columns are not named)
      expect(await newColumns("a", run("p1", `[{ id: 1, name: "a" }]`))).toEqual([
        { table: "things", column: "id", type: "bigint" },
        { table: "things", column: "name", type: "text" },
      ]);
      // a new field: only its column
      expect(await newColumns("b", run("p1", `[{ id: 2, name: "b", price: 1.5 }]`))).toEqual([{ table: "things", column: "price", type: "double" }]);
      // nothing new
      expect(await newColumns("c", run("p1", `[{ id: 3, name: "c", price: 2 }]`))).toEqual([]);
      // another pipeline's schema has never seen `things`, but the destination has it: not new
      expect(await newColumns("d", run("p2", `[{ id: 4, name: "d" }]`))).toEqual([]);
      // a nested list becomes a new child table, all of whose data columns are new
      expect(await newColumns("e", run("p1", `[{ id: 5, name: "e", price: 3, tags: ["x", "y"] }]`))).toEqual([{ table: "things__tags", column: "value", type: "text" }]);
      // a dry run creates nothing, and says so without a summary
      const dry = await code(runner, "f", `await dlt.pipeline({ pipeline_name: "p1", dataset_name: "cols", pipelines_dir: ":memory:" }).run([{ id: 6, extra: true }], { table_name: "things", dry_run: true })`);
      expect(dry.outputs.some((o) => o.type === "load")).toBe(false);
    } finally {
      setDefaultDestination(undefined);
    }
  });

  it("SQL errors name the statement as written; results with duplicate column names show", async () => {
    const { runner } = await setup();
    try {
      const bad = await runner.runSql("x", "select * from nowhere_at_all");
      expect(bad.ok).toBe(false);
      const error = sqlOutput(bad) as Extract<CellOutput, { type: "error" }>;
      expect(error.message).toContain("Table with name nowhere_at_all does not exist");
      expect(error.message).toContain("LINE 1: select * from nowhere_at_all");
      expect(error.message).not.toContain("__pipebook_result");

      const dup = await runner.runSql("y", "select 1 as a, 2 as a");
      expect(sqlOutput(dup)).toMatchObject({ type: "result", result: { rowCount: 1, head: [["1", "2"]] } });

      const write = await runner.runSql("z", "create table t (x int); insert into t values (1), (2)");
      expect(sqlOutput(write)).toEqual({ type: "info", text: "Done: 2 rows affected." });
    } finally {
      setDefaultDestination(undefined);
    }
  });
});
