import { describe, expect, it } from "vitest";
import { compileCell } from "../../src/notebook/compile.ts";
import { loadCall, loadCellAfter, loadsResource } from "../../src/notebook/loadcall.ts";
import { definingCell, dependentsOf, undefinedName, type CellDeps } from "../../src/notebook/stale.ts";

const deps = (id: string, source: string): CellDeps => {
  const c = compileCell(source);
  return { id, declared: c.declared.map((d) => d.name), used: c.used };
};

describe("what a cell uses", () => {
  it("free names only: not its own declarations, parameters, properties or locals", () => {
    const c = compileCell(`
      const total = people.length + extra;
      function f(a, { b = fallback }) { let local = a + b; return local + helper(total); }
      const o = { people: 1, [key]: 2, shorthand };
      o.people; label: for (const x of items) { if (x) continue label; }
      try { risky(); } catch (err) { err.message; }
      class K extends Base { m() { return this.v + outer; } }
      const arrow = (q) => q + r;
      count += 1;`);
    expect(c.used.sort()).toEqual(["Base", "count", "extra", "fallback", "helper", "items", "key", "outer", "people", "r", "risky", "shorthand"]);
  });

  it("TypeScript types are not uses", () => {
    const c = compileCell(`const rows: Person[] = people.map((p: Person) => p);`);
    expect(c.used).toEqual(["people"]);
  });
});

describe("stale cells", () => {
  const cells = [
    deps("a", `const people = [{ id: 1 }];`),
    deps("b", `const names = people.map((p) => p.id);`),
    deps("c", `const unrelated = 1;`),
    deps("d", `names.length`),
    deps("e", `const people = [];`),
    deps("f", `people.length`),
  ];

  it("later cells reading what changed, directly or through another cell; a redefinition ends it", () => {
    expect(dependentsOf(cells, "a")).toEqual(["b", "d"]);
    expect(dependentsOf(cells, "b")).toEqual(["d"]);
    expect(dependentsOf(cells, "c")).toEqual([]);
    expect(dependentsOf(cells, "e")).toEqual(["f"]);
  });

  it("names removed by an edit count too", () => {
    expect(dependentsOf(cells, "c", ["unrelated", "names"])).toEqual(["d"]);
  });

  it("the cell that defines a name: the last above, else the first below", () => {
    expect(definingCell(cells, "people", "f")).toBe("e");
    expect(definingCell(cells, "people", "b")).toBe("a");
    expect(definingCell(cells, "names", "a")).toBe("b");
    expect(definingCell(cells, "nothing", "a")).toBeUndefined();
  });

  it("reads the name out of a ReferenceError only", () => {
    expect(undefinedName({ name: "ReferenceError", message: "people is not defined" })).toBe("people");
    expect(undefinedName({ name: "TypeError", message: "people is not defined" })).toBeUndefined();
    expect(undefinedName({ name: "ReferenceError", message: "Cannot access 'x' before initialization" })).toBeUndefined();
  });
});

describe("where the Load dialog's cell goes", () => {
  const call = (name: string, kind: "source" | "resource") =>
    loadCall({ pipelineName: "p", datasetName: "d", source: { name, kind }, disposition: "append" });
  const cells = [
    { id: "def", source: `const users = dlt.resource(function* users() { yield [] });` },
    { id: "load1", source: call("users", "resource") },
    { id: "other", source: call("users_v2", "resource") },
    { id: "sql", source: `select * from d.users` },
    { id: "load2", source: call("users", "resource") },
    { id: "tail", source: `1` },
  ];

  it("after the last cell that loads the same resource", () => {
    expect(loadCellAfter(cells, "def", "users")).toBe("load2");
  });

  it("right after the defining cell when nothing loads it yet", () => {
    expect(loadCellAfter(cells, "def", "orders")).toBe("def");
    expect(loadCellAfter(cells, "def", "users_v")).toBe("def");
  });

  it("source factories are recognized by their call", () => {
    expect(loadsResource(call("simple_source", "source"), "simple_source")).toBe(true);
    expect(loadsResource(`await p.run(simple_source_x())`, "simple_source")).toBe(false);
  });
});

describe("rows each load loaded", () => {
  it("completed jobs count, failed ones and dlt's own tables do not", async () => {
    const { rowsLoaded } = await import("../../src/notebook/loadlog.ts");
    const job = (table: string, rows: number) => ({ job_file_info: { table_name: table }, file_size: rows });
    const info = {
      load_packages: [
        { load_id: "1", jobs: { completed_jobs: [job("items", 3), job("items__tags", 5), job("_dlt_pipeline_state", 1)], failed_jobs: [job("prices", 2)] } },
        { load_id: "2", jobs: { completed_jobs: [], failed_jobs: [job("prices", 2)] } },
      ],
    };
    expect(rowsLoaded(info as never)).toEqual({ "1": { items: 3, items__tags: 5 }, "2": {} });
  });
});
