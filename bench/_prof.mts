import * as dlt from "../src/dlt/index.ts";
import { flatRows, pages } from "./data.ts";
const flat = flatRows(200_000);
for (let i = 0; i < 4; i++) {
  const p = dlt.pipeline({ pipeline_name: `prof${i}`, destination: dlt.destinations.duckdb(), dataset_name: "bench" });
  await p.query("select 1");
  const t0 = performance.now();
  await p.run(pages(flat), { table_name: "flat" });
  const steps = p.last_trace!.steps.map((s) => `${s.step} ${s.finished_at.getTime() - s.started_at.getTime()}`);
  console.log(i, (performance.now() - t0).toFixed(0), steps.join(", "));
}
const g = globalThis as any;
console.log("read", g.T_read|0, "add", g.T_add|0, "collect", g.T_collect|0, "persist(last)", g.T_persist|0);
