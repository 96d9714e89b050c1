import { describe, expect, it } from "vitest";
import { compileCell } from "../../src/notebook/compile.ts";
import { loadCall } from "../../src/notebook/loadcall.ts";

describe("the Load dialog's generated call", () => {
  const base = { pipelineName: "p", datasetName: "d" };

  it("replace of a source factory calls the factory", () => {
    const code = loadCall({ ...base, source: { name: "simple_source", kind: "source" }, disposition: "replace" });
    expect(code).toContain(`await pipeline.run(simple_source(), { write_disposition: "replace" });`);
    expect(code).toContain(`pipeline_name: "p"`);
  });

  it("merge with a composite key and a strategy", () => {
    const code = loadCall({
      ...base,
      source: { name: "users", kind: "resource" },
      tableName: "people",
      disposition: "merge",
      primaryKey: "id, region",
      strategy: "upsert",
    });
    expect(code).toContain(
      `pipeline.run(users, { table_name: "people", write_disposition: { disposition: "merge", strategy: "upsert" }, primary_key: ["id", "region"] })`,
    );
  });

  it("is a cell that compiles", () => {
    const code = loadCall({ ...base, source: { name: "r", kind: "resource" }, disposition: "append" });
    expect(compileCell(code).declared.map((d) => d.name)).toEqual(["pipeline", "load_info"]);
  });
});
