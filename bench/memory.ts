// Memory in data size. npm run bench runs it with --expose-gc and a V8 heap cap
// (--max-old-space-size=256, well under the 2M rows' own size) so that holding the data would
// abort the run. It prints, per case, the peak *live* heap: heapUsed right after a full collection,
// forced every second while the case runs (a plain heapUsed sample mostly measures garbage V8 has not
// bothered to collect yet). The forced collections slow these runs: their times are not speed figures.
//   1. 200,000 and 2,000,000 flat rows from a generator, loaded with pipeline.run: the peak must
//      not grow with the row count (packages beyond the memory budget keep their pages on disk);
//   2. a generated CSV of BENCH_CSV_MB (default 200) read by filesystem().pipe(read_csv()) alone,
//      and loaded with pipeline.run, next to the file size.
// The pipelines keep their local state in a temp pipelines_dir, as a Node pipeline does by default.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import * as dlt from "../src/dlt/index.ts";
import { packageMemoryBudget } from "../src/dlt/storage/pages.ts";
import { flatRows } from "./data.ts";

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

const gc = () => (globalThis as { gc?: () => void }).gc?.();

function heapNow(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Peak live heap while `fn` runs: collected and sampled every second, at the end, and whenever
 * `fn` calls the sampler it is given (the pipelines call it as each step begins: extracted or
 * normalized rows are all held just then, a peak a once-a-second sample can miss).
 */
async function peakHeap<T>(fn: (sample: () => void) => Promise<T>): Promise<{ result: T; peak: number; ms: number }> {
  let peak = heapNow();
  const sample = () => (peak = Math.max(peak, heapNow()));
  const timer = setInterval(sample, 1000);
  const t0 = performance.now();
  try {
    const result = await fn(sample);
    const ms = performance.now() - t0;
    return { result, peak: Math.max(peak, heapNow()), ms };
  } finally {
    clearInterval(timer);
  }
}

/** A pipeline progress callback that samples the heap as each step begins. */
function onStepStart(sample: () => void): (ev: dlt.ProgressEvent) => void {
  let step = "";
  return (ev) => {
    if (ev.step === step) return;
    step = ev.step;
    sample();
  };
}

/** `n` flat rows in pages of 10,000, made as they are pulled: the generator holds one page. */
function* flatPages(n: number) {
  for (let at = 0; at < n; at += 10_000) yield flatRows(Math.min(10_000, n - at), at);
}

async function loadFlat(dir: string, rows: number) {
  return peakHeap(async (sample) => {
    const p = dlt.pipeline({ pipeline_name: `flat_${rows}`, destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: dir, progress: onStepStart(sample) });
    await p.run(dlt.resource(() => flatPages(rows), { name: "flat" }));
    const n = Number((await p.query("select count(*) as n from bench.flat"))[0].n);
    if (n !== rows) throw new Error(`loaded ${n} rows, expected ${rows}`);
    return n;
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "pipebook-memory-bench-"));
  try {
    const pipelines = join(dir, "pipelines");
    const before = heapNow();
    const probe = dlt.pipeline({ pipeline_name: "duckdb_only", destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: pipelines });
    await probe.query("select 1");
    const duckdb = heapNow() - before;
    console.log(
      `memory — node ${process.version}, V8 heap cap ${mb(v8.getHeapStatistics().heap_size_limit)}; live heap at start ${mb(before)}, ` +
        `+${mb(duckdb)} for a DuckDB-WASM instance; package memory budget ${mb(packageMemoryBudget())} (estimated) per stage`,
    );
    const small = await loadFlat(pipelines, 200_000);
    const large = await loadFlat(pipelines, 2_000_000);
    console.log(`pipeline.run   200,000 flat rows ${small.ms.toFixed(0).padStart(7)} ms  peak live heap ${mb(small.peak).padStart(7)}`);
    console.log(`pipeline.run 2,000,000 flat rows ${large.ms.toFixed(0).padStart(7)} ms  peak live heap ${mb(large.peak).padStart(7)}`);
    const ratio = large.peak / small.peak;
    console.log(`ratio peak heap 2M/200k rows     ${ratio.toFixed(2)}  (target ≤ 1.25: memory flat in row count) ${ratio <= 1.25 ? "met" : "NOT met"}`);

    const csvDir = join(dir, "files");
    mkdirSync(csvDir);
    const path = join(csvDir, "big.csv");
    const rows = await writeCsv(path, TARGET_MB * 1e6);
    const size = statSync(path).size;
    console.log(`csv ${path.replace(dir, "<tmp>")}: ${mb(size)}, ${rows.toLocaleString("en-US")} rows`);

    // The reader alone: pages are dropped as soon as they are counted.
    const reader = await peakHeap(async () => {
      const files = dlt.sources.filesystem({ bucket_url: csvDir, file_glob: "*.csv" }).pipe(dlt.sources.read_csv());
      let n = 0;
      const counter = dlt.resource(files, { name: "count" }).add_map((r: unknown) => (n++, r)).add_filter(() => false);
      const p = dlt.pipeline({ pipeline_name: "csv_read_only", destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: pipelines });
      await p.extract(counter);
      if (n !== rows) throw new Error(`read ${n} rows, expected ${rows}`);
      return n;
    });
    console.log(`read_csv alone (extract, rows dropped) ${reader.ms.toFixed(0).padStart(7)} ms  peak live heap ${mb(reader.peak).padStart(7)}  file ${mb(size)}`);

    const load = await peakHeap(async (sample) => {
      const p = dlt.pipeline({ pipeline_name: "csv_load", destination: dlt.destinations.duckdb(), dataset_name: "bench", pipelines_dir: pipelines, progress: onStepStart(sample) });
      await p.run(dlt.sources.filesystem({ bucket_url: csvDir, file_glob: "*.csv" }).pipe(dlt.sources.read_csv()).with_name("big"));
      const n = Number((await p.query("select count(*) as n from bench.big"))[0].n);
      if (n !== rows) throw new Error(`loaded ${n} rows, expected ${rows}`);
      return n;
    });
    const share = load.peak / size;
    console.log(`pipeline.run CSV → DuckDB              ${load.ms.toFixed(0).padStart(7)} ms  peak live heap ${mb(load.peak).padStart(7)}  file ${mb(size)}  (${share.toFixed(2)}× the file; target < 1)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
