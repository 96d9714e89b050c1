import * as dlt from "../src/dlt/index.ts";
import { flatRows, pages } from "./data.ts";
const batch = flatRows(50_000, 175_000);
for (let i = 0; i < 3; i++) for (const merge of [true, false]) {
  const p = dlt.pipeline({ pipeline_name: `m${merge}${i}`, destination: dlt.destinations.duckdb(), dataset_name: "bench" });
  const opts: dlt.RunOptions = merge ? { table_name: "m", write_disposition: "merge", primary_key: "id" } : { table_name: "m" };
  await p.run(pages(flatRows(200_000)), opts);
  (globalThis as any).SQLLOG = i === 2;
  const t0 = performance.now();
  await p.run(pages(batch), opts);
  (globalThis as any).SQLLOG = false;
  const steps = p.last_trace!.steps.map((s) => `${s.step} ${s.finished_at.getTime() - s.started_at.getTime()}`);
  console.log(merge ? "MERGE" : "APPEND", (performance.now() - t0).toFixed(0), steps.join(", "));
}
