// `pipebook run`: the real command (bin/pipebook.js) spawned on real notebooks, running real
// pipelines into real DuckDB; exit codes, what it prints, --json, --pipelines-dir.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/http_server.ts";
import { postgresUnavailable, startPostgres, type PostgresCluster } from "./support/postgres.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "bin/pipebook.js");
const SAMPLES = path.join(ROOT, "public/notebooks");

// Native DuckDB files (@duckdb/node-api) come with the destinations work; until then a file
// database cannot persist in Node and the tests that need one wait for it.
const nativeModule = "@duckdb/node-api";
const nativeDuckDB = await import(/* @vite-ignore */ nativeModule).then(
  () => true,
  () => false,
);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pipebook(args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

type CellSpec = ["code" | "sql" | "markdown", string];

function writeNotebook(dir: string, name: string, cells: CellSpec[], title = name): string {
  const file = path.join(dir, `${name}.ipynb`);
  const doc = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { pipebook: { title, format: 1 } },
    cells: cells.map(([kind, source], i) =>
      kind === "markdown"
        ? { cell_type: "markdown", id: `m${i}`, metadata: {}, source }
        : { cell_type: "code", id: `c${i}`, metadata: { pipebook: { kind } }, source, outputs: [], execution_count: null },
    ),
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const LOAD_CELL = `const data = [{ id: 1, name: "Alice", tags: [{ t: "a" }, { t: "b" }] }, { id: 2, name: "Bob", tags: [] }];
console.log("loading", data.length, "people");
const pipeline = dlt.pipeline({ pipeline_name: "people_pipe", destination: dlt.destinations.duckdb(), dataset_name: "crm" });
const info = await pipeline.run(dlt.resource(data, { name: "people" }));
check(info.loads_ids.length === 1, "one package loaded");`;

const PEOPLE: CellSpec[] = [
  ["markdown", "# People\nA small load."],
  ["code", LOAD_CELL],
  ["sql", "select id, name from crm.people order by id"],
  ["code", `[{ n: 1, word: "one" }, { n: 2, word: null }]`],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pipebook-cli-"));
});

describe("pipebook run", () => {
  it("runs code and SQL cells in order, prints their outputs and step progress, keeps state in --pipelines-dir", async () => {
    const nb = writeNotebook(dir, "people", PEOPLE);
    const state = path.join(dir, "state-here");
    const r = await pipebook(["run", nb, "--destination", ":memory:", "--pipelines-dir", state], dir);
    expect(r.stderr).not.toMatch(/✗|Error/);
    expect(r.code).toBe(0);
    const out = r.stdout;
    // each cell under a header naming it; markdown is not run
    expect(out).toContain("── cell 2 · code · const data = [");
    expect(out).toContain("── cell 3 · sql · select id, name from crm.people order by id");
    expect(out).not.toContain("cell 1 ·");
    expect(out).toContain("loading 2 people");
    expect(out).toMatch(/Pipeline people_pipe load step completed in [\d.]+ seconds/);
    expect(out).toContain("The duckdb destination used duckdb:///:memory: location to store data");
    expect(out).toContain("✓ one package loaded");
    // the SQL cell's result, read back from DuckDB, as a table
    const sql = out.slice(out.indexOf("── cell 3"), out.indexOf("── cell 4"));
    expect(sql.split("\n").slice(1, 6)).toEqual(["id │ name", "───┼──────", " 1 │ Alice", " 2 │ Bob", "(2 rows)"]);
    // a value that is a list of records prints as a table too
    expect(out).toContain("2 │ NULL");
    expect(out).toContain("✓ 3 cells ran in");
    expect(out).toContain("Data: an in-memory DuckDB database");
    expect(out).toContain(`Pipeline state: ${state}`);
    // progress: one plain line per step when stderr is not a terminal, with the final counts
    expect(r.stderr).toContain("people_pipe: extract people: 2 items");
    expect(r.stderr).toContain("people_pipe: normalize: 2 rows");
    expect(r.stderr).toMatch(/people_pipe: load: \d+ rows, 3\/3 tables/);
    // the pipeline's local state went where --pipelines-dir said, not to the default
    const saved = JSON.parse(readFileSync(path.join(state, "people_pipe", "state.json"), "utf8"));
    expect(saved.pipeline_name ?? saved.state?.pipeline_name).toBe("people_pipe");
    expect(existsSync(path.join(process.env.PIPEBOOK_PIPELINES_DIR!, "people_pipe"))).toBe(false);
  }, 120_000);

  it("--json prints one document: every cell with status, duration, outputs, SQL results and LoadInfo as data", async () => {
    const nb = writeNotebook(dir, "people-json", PEOPLE);
    const r = await pipebook(["run", nb, "--destination", ":memory:", "--json"], dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, failed: null, title: "people-json", destination: { kind: "duckdb", location: "duckdb:///:memory:" } });
    expect(doc.pipelines_dir).toBe(process.env.PIPEBOOK_PIPELINES_DIR);
    expect(doc.cells.map((c: { index: number; type: string; status: string }) => [c.index, c.type, c.status])).toEqual([
      [2, "code", "ok"],
      [3, "sql", "ok"],
      [4, "code", "ok"],
    ]);
    for (const c of doc.cells) expect(c.duration_ms).toBeGreaterThanOrEqual(0);
    const [load, sql, value] = doc.cells;
    expect(load.first_line).toBe(LOAD_CELL.split("\n")[0]);
    expect(load.outputs.map((o: { type: string }) => o.type)).toEqual(["stream", "load", "check"]);
    const summary = load.outputs[1].summary;
    expect(summary).toMatchObject({ pipeline: "people_pipe", dataset: "crm" });
    expect(summary.tables).toEqual(expect.arrayContaining([{ name: "people", rows: 2 }, { name: "people__tags", rows: 2 }]));
    // LoadInfo as data: dlt's asdict() fields, each job with its table and id
    expect(load.loads).toHaveLength(1);
    const info = load.loads[0];
    expect(info).toMatchObject({
      pipeline: { pipeline_name: "people_pipe" },
      destination_type: "dlt.destinations.duckdb",
      destination_name: "duckdb",
      dataset_name: "crm",
      has_failed_jobs: false,
    });
    expect(info.loads_ids).toEqual([info.load_packages[0].load_id]);
    expect(info.load_packages[0].state).toBe("loaded");
    const jobs = info.load_packages[0].jobs.completed_jobs;
    expect(jobs.map((j: { job_file_info: { table_name: string } }) => j.job_file_info.table_name).sort()).toEqual(
      ["_dlt_pipeline_state", "people", "people__tags"],
    );
    expect(jobs[0].job_id).toMatch(/^\w+\.\w+\.\w+$/);
    expect(Date.parse(info.finished_at)).toBeGreaterThanOrEqual(Date.parse(info.started_at));
    expect(info.text).toContain("Load package " + info.loads_ids[0] + " is LOADED and contains no failed jobs");
    // the SQL cell's result with DuckDB's column types and the rows read back
    expect(sql.outputs).toHaveLength(1);
    expect(sql.outputs[0].result).toMatchObject({ rowCount: 2, head: [["1", "Alice"], ["2", "Bob"]] });
    expect(sql.outputs[0].result.columns.map((c: { name: string; type: string }) => `${c.name} ${c.type}`)).toEqual(["id BIGINT", "name VARCHAR"]);
    expect(value.outputs[0].table).toEqual({ columns: ["n", "word"], rows: [["1", "one"], ["2", null]], total: 2 });
  }, 120_000);

  it("stops at the first failed cell with exit code 1, naming the cell by number and first line", async () => {
    const nb = writeNotebook(dir, "broken", [
      ["code", `const pipeline = dlt.pipeline({ pipeline_name: "broken_pipe", destination: dlt.destinations.duckdb(), dataset_name: "b" });\nawait pipeline.run(dlt.resource([{ id: 1 }], { name: "first" }));`],
      ["markdown", "Next, a mistake."],
      ["code", `// a typo on line 3\nconst rows = [1, 2];\nrows.lenght.toFixed();`],
      ["code", `await pipeline.run(dlt.resource([{ id: 2 }], { name: "never" }));\nconsole.log("never printed");`],
    ]);
    const r = await pipebook(["run", nb, "--destination", ":memory:"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Pipeline broken_pipe load step completed");
    expect(r.stdout).toContain("TypeError: Cannot read properties of undefined (reading 'toFixed') (line 3)");
    expect(r.stderr).toContain("✗ cell 3 failed: TypeError: Cannot read properties of undefined (reading 'toFixed') (line 3)");
    expect(r.stderr).toContain("cell 3: // a typo on line 3");
    expect(r.stderr).toContain("1 later cell was not run");
    expect(r.stdout).not.toContain("── cell 4");
    expect(r.stdout).not.toContain("never printed");
    expect(r.stdout).not.toContain("✓ ");
  }, 120_000);

  it("a failed check() fails its cell: exit code 1, and in --json the cell's status, the failure and the cells not run", async () => {
    const nb = writeNotebook(dir, "checked", [
      ["code", `const pipeline = dlt.pipeline({ pipeline_name: "checked_pipe", destination: dlt.destinations.duckdb(), dataset_name: "chk" });\nawait pipeline.run(dlt.resource([{ id: 1 }, { id: 2 }], { name: "items" }));`],
      ["sql", "select count(*) as n from chk.items"],
      ["code", `const [{ n }] = await pipeline.query("select count(*) as n from chk.items");\ncheck(n === 2, "two items loaded");\ncheck(n === 3, "three items loaded");`],
      ["sql", "select 1"],
    ]);
    const r = await pipebook(["run", nb, "--destination", ":memory:", "--json"], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.failed).toEqual({ index: 3, first_line: "const [{ n }] = await pipeline.query(\"select count(*) as n from chk.items\");", error: "Check failed: three items loaded (line 3)" });
    expect(doc.cells.map((c: { status: string }) => c.status)).toEqual(["ok", "ok", "error", "not_run"]);
    expect(doc.cells[1].outputs[0].result.head).toEqual([["2"]]);
    expect(doc.cells[2].outputs).toEqual([
      { type: "check", text: "two items loaded" },
      expect.objectContaining({ type: "error", name: "Check failed", message: "three items loaded", line: 3 }),
    ]);
    expect(doc.cells[3]).toMatchObject({ status: "not_run", duration_ms: null, outputs: [] });
  }, 120_000);

  it("refuses bad input with exit code 2 and one clear message, running nothing", async () => {
    writeFileSync(path.join(dir, "not.ipynb"), "{ this is not json");
    writeFileSync(path.join(dir, "old.ipynb"), JSON.stringify({ nbformat: 3, worksheets: [] }));
    const [unknown, missing, notJson, oldFormat, noArgs] = await Promise.all([
      pipebook(["run", "x.ipynb", "--destinaton", "out.duckdb"], dir),
      pipebook(["run", "missing.ipynb", "--destination", ":memory:"], dir),
      pipebook(["run", "not.ipynb", "--destination", ":memory:"], dir),
      pipebook(["run", "old.ipynb", "--destination", ":memory:", "--json"], dir),
      pipebook([], dir),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^pipebook: Unknown option '--destinaton'\n\nUsage: pipebook run NOTEBOOK\.ipynb/);
    expect(missing).toMatchObject({ code: 2, stdout: "", stderr: "pipebook: No such file: missing.ipynb\n" });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^pipebook: not\.ipynb: Not a notebook file: it is not valid JSON/);
    expect(oldFormat.code).toBe(2);
    expect(JSON.parse(oldFormat.stdout)).toEqual({ ok: false, notebook: "old.ipynb", error: "old.ipynb: Unsupported notebook format 3: pipebook opens nbformat 4" });
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toContain("pipebook: No command given");
    expect(existsSync(path.join(dir, "missing.duckdb"))).toBe(false);
  }, 120_000);

  it("runs the sample notebooks that need no browser: the incremental one loads only the new orders on its second run", async () => {
    const samples = readdirSync(SAMPLES).filter((f) => f.endsWith(".ipynb"));
    // rest-api-demo.ipynb reads the demo API that the app's service worker serves: browser only.
    const headless = samples.filter((f) => !readFileSync(path.join(SAMPLES, f), "utf8").includes("/demo-api/"));
    expect(headless).toContain("incremental-orders.ipynb");
    for (const f of headless) {
      const r = await pipebook(["run", path.join(SAMPLES, f), "--destination", ":memory:", "--json"], dir);
      const doc = JSON.parse(r.stdout);
      expect({ f, ok: doc.ok, failed: doc.failed }).toEqual({ f, ok: true, failed: null });
      expect(r.code).toBe(0);
      if (f !== "incremental-orders.ipynb") continue;
      // the same resource run twice in one notebook: the second load holds only the orders after the cursor
      const loads = doc.cells.flatMap((c: { outputs: Array<{ type: string; summary?: { tables: Array<{ name: string; rows: number }> } }> }) =>
        c.outputs.filter((o) => o.type === "load").map((o) => o.summary!.tables.find((t) => t.name === "orders")!.rows),
      );
      expect(loads).toEqual([498, 502]);
      const streams = doc.cells.flatMap((c: { outputs: Array<{ type: string; text?: string }> }) => c.outputs.filter((o) => o.type === "stream").map((o) => o.text));
      expect(streams).toEqual(["498 new orders loaded", "502 new orders loaded"]);
      const months = doc.cells.find((c: { first_line: string }) => c.first_line.startsWith("select left(updated_at")).outputs[0].result;
      expect(months.rowCount).toBe(12);
    }
  }, 300_000);
});

describe.skipIf(!nativeDuckDB)("pipebook run into a DuckDB file (native DuckDB)", () => {
  let server: TestServer;
  let events: Array<{ id: number; at: string }>;
  beforeAll(async () => {
    events = [1, 2, 3].map((id) => ({ id, at: `2024-01-0${id}T00:00:00Z` }));
    server = await startServer({ "/events": () => ({ json: events }) });
  });
  afterAll(() => server?.close());

  it("defaults to ./<notebook>.duckdb in the working directory; a second run loads only the new rows", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "pipebook-cli-file-"));
    const nb = writeNotebook(work, "events", [
      ["code", `const events = dlt.resource(async function* events(at = dlt.sources.incremental("at", { initial_value: "2024-01-01T00:00:00Z" })) {
  const all = await (await fetch("${server.url}/events")).json();
  yield all.filter((e) => e.at >= at.last_value);
});
const pipeline = dlt.pipeline({ pipeline_name: "file_events", destination: dlt.destinations.duckdb(), dataset_name: "ev" });
await pipeline.run(events);
const [{ n }] = await pipeline.query("select count(*) as n from ev.events");
console.log("events in the file:", n);`],
      ["sql", "select count(*) as n from ev.events"],
    ]);
    const first = await pipebook(["run", nb, "--json"], work);
    expect(first.code).toBe(0);
    const doc1 = JSON.parse(first.stdout);
    const file = path.join(work, "events.duckdb");
    expect(doc1.destination.path).toBe(file);
    expect(existsSync(file)).toBe(true);
    expect(doc1.cells[0].outputs.find((o: { type: string }) => o.type === "load").summary.tables).toContainEqual({ name: "events", rows: 3 });

    events.push({ id: 4, at: "2024-01-04T00:00:00Z" }, { id: 5, at: "2024-01-05T00:00:00Z" });
    const second = await pipebook(["run", nb], work);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("events in the file: 5");
    expect(second.stdout).toContain(`Data: ${file}`);
    const doc2 = JSON.parse((await pipebook(["run", nb, "--json"], work)).stdout);
    // a third run: nothing new, the file keeps its five rows
    expect(doc2.cells[1].outputs[0].result.head).toEqual([["5"]]);
  }, 300_000);
});

const pgSkip = postgresUnavailable();

describe.skipIf(!!pgSkip)("pipebook run into Postgres (--destination postgresql://…)", () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("the sample notebook loads the same rows into a real Postgres, SQL cells included; a second run loads only new rows", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "pipebook-cli-pg-"));
    const nb = path.join(SAMPLES, "incremental-orders.ipynb");
    const first = await pipebook(["run", nb, "--destination", cluster.url, "--json"], work);
    const doc = JSON.parse(first.stdout);
    expect({ ok: doc.ok, failed: doc.failed, code: first.code }).toEqual({ ok: true, failed: null, code: 0 });
    const loads = doc.cells.flatMap((c: { outputs: Array<{ type: string; summary?: { tables: Array<{ name: string; rows: number }> } }> }) =>
      c.outputs.filter((o) => o.type === "load").map((o) => o.summary!.tables.find((t) => t.name === "orders")!.rows),
    );
    expect(loads).toEqual([498, 502]);
    const months = doc.cells.find((c: { first_line: string }) => c.first_line.startsWith("select left(updated_at")).outputs[0].result;
    expect(months.rowCount).toBe(12);
    expect(first.stderr).not.toContain(cluster.credentials.password);

    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const schemas = await client.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'shop'");
      expect(schemas.rowCount).toBe(1);
      const count = await client.query("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM shop.orders");
      expect(count.rows[0]).toEqual({ n: 1000, d: 1000 });
      const loadsTable = await client.query("SELECT count(*)::int AS n FROM shop._dlt_loads WHERE status = 0");
      expect(loadsTable.rows[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      await client.end();
    }
  }, 300_000);
});
