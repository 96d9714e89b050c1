// Bench of the Node destinations: pipeline.run into native DuckDB (a file) against DuckDB's own
// appender fed the same rows, and pipeline.run into Postgres against a raw COPY of the same rows.
// Each baseline does only what loading needs: typed values in, one table, one commit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline as streamPipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { DuckDBDataChunk, DuckDBInstance, DuckDBTimestampTZValue } from "@duckdb/node-api";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import * as dlt from "../src/dlt/index.ts";
import { startPostgres } from "../tests/unit/support/postgres.ts";
import { flatRows, pages, type FlatRow } from "./data.ts";
import { traceSteps } from "./trace.ts";

const ROWS = Number(process.env.BENCH_DEST_ROWS ?? 1_000_000);
const COLUMNS = "id BIGINT, qty BIGINT, amount DOUBLE, score DOUBLE, name VARCHAR, category VARCHAR, active BOOLEAN, flag BOOLEAN, created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ";
const PG_COLUMNS = COLUMNS.replace(/DOUBLE/g, "double precision").replace(/TIMESTAMPTZ/g, "timestamp with time zone");

const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString("en-US")} rows/s`;
const line = (label: string, ms: number, rows: number) => console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms  ${rate(rows, ms)}`);

/** DuckDB's appender, chunk by chunk, from the same row objects (timestamps parsed here, as dlt must). */
async function rawAppender(file: string, rows: FlatRow[]): Promise<number> {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    await c.run(`CREATE TABLE raw_flat (${COLUMNS})`);
    const t0 = performance.now();
    await c.run("BEGIN TRANSACTION");
    const appender = await c.createAppender("raw_flat");
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    const ts = (iso: string) => new DuckDBTimestampTZValue(BigInt(Date.parse(iso)) * 1000n);
    for (let start = 0; start < rows.length; start += 2048) {
      const slice = rows.slice(start, start + 2048);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumnValues(0, slice.map((r) => BigInt(r.id)));
      chunk.setColumnValues(1, slice.map((r) => BigInt(r.qty)));
      chunk.setColumnValues(2, slice.map((r) => r.amount));
      chunk.setColumnValues(3, slice.map((r) => r.score));
      chunk.setColumnValues(4, slice.map((r) => r.name));
      chunk.setColumnValues(5, slice.map((r) => r.category));
      chunk.setColumnValues(6, slice.map((r) => r.active));
      chunk.setColumnValues(7, slice.map((r) => r.flag));
      chunk.setColumnValues(8, slice.map((r) => ts(r.created_at)));
      chunk.setColumnValues(9, slice.map((r) => ts(r.updated_at)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    await c.run("COMMIT");
    const ms = performance.now() - t0;
    const n = (await c.runAndReadAll("SELECT count(*) AS n FROM raw_flat")).getRowObjectsJS()[0].n;
    if (Number(n) !== rows.length) throw new Error(`raw appender stored ${n} rows, expected ${rows.length}`);
    return ms;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** COPY FROM STDIN in text format, lines built from the same row objects. */
async function rawCopy(url: string, rows: FlatRow[], table = "raw_flat"): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE ${table} (${PG_COLUMNS})`);
    const t0 = performance.now();
    await client.query("BEGIN");
    const stream = client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT text)`));
    function* text() {
      for (let start = 0; start < rows.length; start += 5000) {
        let out = "";
        for (const r of rows.slice(start, start + 5000)) {
          out += `${r.id}\t${r.qty}\t${r.amount}\t${r.score}\t${r.name}\t${r.category}\t${r.active ? "t" : "f"}\t${r.flag ? "t" : "f"}\t${r.created_at}\t${r.updated_at}\n`;
        }
        yield out;
      }
    }
    await streamPipeline(Readable.from(text()), stream);
    await client.query("COMMIT");
    const ms = performance.now() - t0;
    const { rows: count } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
    if (count[0].n !== rows.length) throw new Error(`raw COPY stored ${count[0].n} rows, expected ${rows.length}`);
    return ms;
  } finally {
    await client.end();
  }
}

async function pipelineRun(destination: dlt.Destination, rows: FlatRow[], dir: string, name: string): Promise<{ ms: number; split: string }> {
  const p = dlt.pipeline({ pipeline_name: name, destination, dataset_name: name, pipelines_dir: path.join(dir, "pipelines") });
  // The destination is opened before the clock, as the baselines' connections are.
  await p.query("SELECT 1");
  const t0 = performance.now();
  await p.run(pages(rows), { table_name: "flat" });
  const ms = performance.now() - t0;
  const n = (await p.query(`SELECT count(*) AS n FROM ${name}.flat`))[0].n;
  if (Number(n) !== rows.length) throw new Error(`${name}: ${name}.flat has ${n} rows, expected ${rows.length}`);
  return { ms, split: traceSteps(p).text };
}

export async function benchDestinations(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "pipebook-bench-dest-"));
  const rows = flatRows(ROWS);
  const warm = flatRows(5_000);
  console.log(`\nnode destinations — ${ROWS.toLocaleString("en-US")} flat rows`);
  try {
    await rawAppender(path.join(dir, "warm_raw.duckdb"), warm);
    await pipelineRun(dlt.destinations.duckdb(path.join(dir, "warm.duckdb")), warm, dir, "warm_native");
    const rawMs = await rawAppender(path.join(dir, "raw.duckdb"), rows);
    const { ms: runMs, split: runSplit } = await pipelineRun(dlt.destinations.duckdb(path.join(dir, "run.duckdb")), rows, dir, "native");
    line("native DuckDB appender (raw)", rawMs, ROWS);
    line("pipeline.run → native DuckDB file", runMs, ROWS);
    console.log(`  split: ${runSplit}`);
    console.log(`ratio native pipeline/raw          ${(runMs / rawMs).toFixed(2)}`);

    const cluster = await startPostgres({ fsync: true });
    const destination = dlt.destinations.postgres(cluster.url);
    try {
      await rawCopy(cluster.url, warm, "warm_raw");
      await pipelineRun(destination, warm, dir, "warm_pg");
      const copyMs = await rawCopy(cluster.url, rows);
      const { ms: pgMs, split: pgSplit } = await pipelineRun(destination, rows, dir, "pg");
      line("Postgres COPY (raw)", copyMs, ROWS);
      line("pipeline.run → Postgres", pgMs, ROWS);
      console.log(`  split: ${pgSplit}`);
      console.log(`ratio postgres pipeline/raw        ${(pgMs / copyMs).toFixed(2)}`);
    } finally {
      await destination.close();
      cluster.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
