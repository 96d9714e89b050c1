import { ItemsNormalizer } from "../src/dlt/normalize/index.ts";
import { Schema } from "../src/dlt/schema/schema.ts";
import { flatRows, pages } from "./data.ts";
const flat = flatRows(200_000);
const pg = pages(flat);
for (let i = 0; i < 6; i++) {
  const schema = new Schema("s");
  const t0 = performance.now();
  const n = new ItemsNormalizer(schema, { loadId: "123" });
  let c = 0;
  for (const p of pg) { n.add("flat", p); for (const [, l] of n.takeRows()) c += l.length; }
  console.log(i, (performance.now() - t0).toFixed(0), c);
}
