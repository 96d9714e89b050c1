// A merge that fails half way leaves the final tables exactly as they were (one transaction).
import { describe, expect, it } from "vitest";
import { dlt } from "./helpers.ts";

describe("merge atomicity", () => {
  it("a merge load killed after part of the package went in leaves root and nested tables untouched", async () => {
    const destination = dlt.destinations.duckdb();
    let failAt = -1;
    let seen = 0;
    const p = dlt.pipeline({
      pipeline_name: `atomic_${Date.now() % 100000}`,
      destination,
      dataset_name: "ds",
      pipelines_dir: ":memory:",
      progress: (e) => {
        if (e.step === "load" && ++seen === failAt) throw new Error("killed in the middle of the merge");
      },
    });
    const orders = (rows: Array<{ id: number; status: string; lines: number[] }>) =>
      dlt.resource(rows, { name: "orders", write_disposition: "merge", primary_key: "id" });
    await p.run(orders([{ id: 1, status: "new", lines: [1, 2] }, { id: 2, status: "new", lines: [3] }]));
    const snapshot = async () => ({
      orders: await p.query("select id, status, _dlt_id, _dlt_load_id from ds.orders order by id"),
      lines: await p.query("select value, _dlt_root_id, _dlt_parent_id from ds.orders__lines order by value"),
      loads: await p.query("select load_id from ds._dlt_loads order by load_id"),
      state: await p.query("select version from ds._dlt_pipeline_state order by version"),
    });
    const before = await snapshot();
    expect(before.orders).toHaveLength(2);
    expect(before.lines).toHaveLength(3);

    seen = 0;
    failAt = 2; // after the root table went into staging, while the nested table is loading
    const err = await p.run(orders([{ id: 2, status: "shipped", lines: [9] }, { id: 3, status: "new", lines: [] }])).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    expect(await snapshot()).toEqual(before);

    // The package is still pending: the next run merges it, once.
    failAt = -1;
    await p.run();
    expect(await p.query("select id, status from ds.orders order by id")).toEqual([
      { id: 1, status: "new" },
      { id: 2, status: "shipped" },
      { id: 3, status: "new" },
    ]);
    expect((await p.query("select value from ds.orders__lines order by value")).map((r) => r.value)).toEqual([1, 2, 9]);
  });
});
