// Memory of reading a large CSV the dlt way: generate a CSV of BENCH_CSV_MB (default 200) in a
// temp dir, then (1) stream every row through filesystem().pipe(read_csv()) alone and (2) load it
// with pipeline.run into :memory: DuckDB, printing the peak JS heap of each next to the file size.
// Run with --expose-gc (npm run bench does) so each phase starts from a collected heap.
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as dlt from "../src/dlt/index.ts";

const TARGET_MB = Number(process.env.BENCH_CSV_MB ?? 200);
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

async function writeCsv(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  out.write("id,name,category,amount,qty,active,created_at,note\n");
  let written = 0;
  let id = 0;
  while (written < bytes) {
    let chunk = "";
    for (let i = 0; i < 5000; i++, id++) {
      chunk += `${id},"Customer ${id % 9973}, Ltd",cat_${id % 17},${(id % 100000) / 100},${id % 500},${id % 3 === 0},2024-01-${String((id % 28) + 1).padStart(2, "0")}T10:00:00Z,"a note ""quoted"" ${id}"\n`;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return id;
}

/** Peak heapUsed while `fn` runs, sampled every 20 ms and at the end. */
async function peakHeap<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number; ms: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peak, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "pipebook-csv-bench-"));
  try {
    const path = join(dir, "big.csv");
    const rows = await writeCsv(path, TARGET_MB * 1e6);
    const size = statSync(path).size;
    const baseline = (globalThis as { gc?: () => void }).gc ? (globalThis.gc!(), process.memoryUsage().heapUsed) : process.memoryUsage().heapUsed;
    console.log(`csv memory — node ${process.version}; ${path.replace(dir, "<tmp>")}: ${mb(size)}, ${rows.toLocaleString("en-US")} rows; heap before: ${mb(baseline)}`);

    // (1) The reader alone: pages are dropped as soon as they are counted.
    const reader = await peakHeap(async () => {
      const files = dlt.sources.filesystem({ bucket_url: dir, file_glob: "*.csv" }).pipe(dlt.sources.read_csv());
      let n = 0;
      const counter = dlt.resource(files, { name: "count" }).add_map((r: unknown) => (n++, r)).add_filter(() => false);
      const p = dlt.pipeline({ pipeline_name: "csv_read_only", destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: ":memory:" });
      await p.extract(counter);
      if (n !== rows) throw new Error(`read ${n} rows, expected ${rows}`);
      return n;
    });
    console.log(`read_csv alone (extract, rows dropped)  ${reader.ms.toFixed(0).padStart(7)} ms  peak heap ${mb(reader.peak).padStart(7)}  file ${mb(size)}`);

    // (2) The whole load into :memory: DuckDB.
    const load = await peakHeap(async () => {
      const p = dlt.pipeline({ pipeline_name: "csv_load", destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: ":memory:" });
      await p.run(dlt.sources.filesystem({ bucket_url: dir, file_glob: "*.csv" }).pipe(dlt.sources.read_csv()).with_name("big"));
      const n = Number((await p.query("select count(*) as n from bench.big"))[0].n);
      if (n !== rows) throw new Error(`loaded ${n} rows, expected ${rows}`);
      return n;
    });
    console.log(`pipeline.run → :memory: DuckDB          ${load.ms.toFixed(0).padStart(7)} ms  peak heap ${mb(load.peak).padStart(7)}  file ${mb(size)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
