import { describe, expect, it } from "vitest";
import { CellSyntaxError, compileCell, errorLocation } from "../../src/notebook/compile.ts";
import { CellSession } from "../../src/notebook/session.ts";

async function failing(session: CellSession, source: string, url: string): Promise<unknown> {
  try {
    await session.run(source, { url });
  } catch (e) {
    return e;
  }
  throw new Error("the cell did not fail");
}

describe("shared bindings", () => {
  it("a const in one cell is usable in the next", async () => {
    const s = new CellSession();
    await s.run(`const data = [{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }];`);
    const r = await s.run(`data.map((d) => d.name).join(",")`);
    expect(r.value).toBe("Alice,Bob");
  });

  it("functions, classes and destructured names are shared", async () => {
    const s = new CellSession();
    await s.run(`function twice(x: number): number { return 2 * x }\nclass Box { constructor(public v: number) {} }\nconst { a, b: [c] } = { a: 1, b: [3] };`);
    expect((await s.run(`twice(a) + new Box(c).v`)).value).toBe(5);
  });

  it("let bindings reassigned by a later cell keep the new value", async () => {
    const s = new CellSession();
    await s.run(`let n = 1;`);
    await s.run(`n += 41;`);
    expect((await s.run(`n`)).value).toBe(42);
  });

  it("a later cell's assignment reaches functions of the cell that declared the binding", async () => {
    const s = new CellSession();
    await s.run(`let rows = [1, 2];\nfunction* items() { yield* rows; }`);
    await s.run(`rows = [3, 4, 5];`);
    expect((await s.run(`[...items()]`)).value).toEqual([3, 4, 5]);
  });

  it("the assignment reaches them at once, while the assigning cell still runs", async () => {
    const s = new CellSession();
    await s.run(`let day = 1;\nfunction* today() { yield day; }`);
    expect((await s.run(`day = 2;\nconst seen = [...today()];\nday++;\n[...seen, ...today()]`)).value).toEqual([2, 3]);
    // a name the cell declares again (here a parameter) is left alone
    expect((await s.run(`const set = (day: number) => { day = 10; return day; };\n[set(0), ...today()]`)).value).toEqual([10, 3]);
  });

  it("a const from an earlier cell cannot be reassigned, but may be redeclared", async () => {
    const s = new CellSession();
    await s.run(`const k = 1;`);
    await expect(s.run(`k = 2;`)).rejects.toThrow(TypeError);
    await s.run(`const k = "again";`);
    expect((await s.run(`k`)).value).toBe("again");
  });

  it("bindings reached before an error are kept", async () => {
    const s = new CellSession();
    await failing(s, `const before = 7;\nthrow new Error("boom");\nconst after = 8;`, "c.js");
    expect((await s.run(`before`)).value).toBe(7);
    await expect(s.run(`after`)).rejects.toThrow(ReferenceError);
  });

  it("builtins are visible without import and can be shadowed", async () => {
    const s = new CellSession({ dlt: { version: "x" } });
    expect((await s.run(`dlt.version`)).value).toBe("x");
    expect((await s.run(`const dlt = 5; dlt`)).value).toBe(5);
  });
});

describe("top-level await and values", () => {
  it("awaits at top level and returns the last expression", async () => {
    const s = new CellSession();
    const r = await s.run(`const v: number = await new Promise<number>((r) => setTimeout(() => r(21), 5));\nv * 2`);
    expect(r.value).toBe(42);
    expect(r.hasValue).toBe(true);
  });

  it("a cell ending in a declaration or a statement has no value", async () => {
    const s = new CellSession();
    expect((await s.run(`const z = 1;`)).hasValue).toBe(false);
    expect((await s.run(`if (z) { z + 1 }`)).hasValue).toBe(false);
  });

  it("an object literal as the last expression is a value, not a block", async () => {
    const s = new CellSession();
    expect((await s.run(`({ a: 1 })`)).value).toEqual({ a: 1 });
  });

  it("generators and async generators work as dlt resources need them", async () => {
    const s = new CellSession();
    await s.run(`async function* pages() { for (let i = 0; i < 3; i++) { await null; yield i; } }`);
    const r = await s.run(`const seen: number[] = [];\nfor await (const p of pages()) seen.push(p);\nseen`);
    expect(r.value).toEqual([0, 1, 2]);
  });
});

describe("errors point at the cell line", () => {
  it("a runtime error on line 3", async () => {
    const s = new CellSession();
    const e = await failing(s, `const a = 1;\nconst b = 2;\nnull.boom();\n`, "cell-7.js");
    expect(errorLocation(e, "cell-7.js")).toMatchObject({ line: 3 });
  });

  it("an error thrown later, inside a function the cell defined", async () => {
    const s = new CellSession();
    await s.run(`// a comment\n\nfunction* rows() {\n  yield 1;\n  throw new Error("bad row");\n}`, { url: "cell-1.js" });
    const e = await failing(s, `const all = [...rows()];`, "cell-2.js");
    expect(errorLocation(e, "cell-1.js")).toMatchObject({ line: 5 });
  });

  it("the line survives TypeScript types being stripped", async () => {
    const s = new CellSession();
    const src = `interface Row {\n  id: number;\n}\ntype T = Row[];\nconst rows: T = [];\nrows[0]!.id.toFixed();`;
    const e = await failing(s, src, "cell-ts.js");
    expect(errorLocation(e, "cell-ts.js")).toMatchObject({ line: 6 });
  });

  it("an error wrapped by the engine keeps the line of its cause", async () => {
    const s = new CellSession();
    const e = await failing(s, `\ntry {\n  JSON.parse("{");\n} catch (inner) {\n  const outer = new Error("step failed") as any;\n  outer.exception = inner;\n  outer.stack = "Error: step failed\\n    at engine.js:1:1";\n  throw outer;\n}`, "cell-w.js");
    expect(errorLocation(e, "cell-w.js")).toMatchObject({ line: 3 });
  });

  it("a syntax error reports its line and column", () => {
    let err: unknown;
    try {
      compileCell(`const ok = 1;\nconst broken = ;\n`, { url: "s.js" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CellSyntaxError);
    expect((err as CellSyntaxError).line).toBe(2);
    expect(errorLocation(err, "s.js")).toMatchObject({ line: 2 });
  });

  it("a TypeScript syntax error reports its line", () => {
    expect(() => compileCell(`const a: number = 1;\n\nlet b: = 2;`)).toThrow(CellSyntaxError);
    try {
      compileCell(`const a: number = 1;\n\nlet b: = 2;`);
    } catch (e) {
      expect((e as CellSyntaxError).line).toBe(3);
    }
  });

  it("import explains what to do instead", () => {
    expect(() => compileCell(`import * as dlt from "dlt";`)).toThrow(/already in scope/);
  });
});

describe("what a cell defines", () => {
  it("finds resources, sources and transformers for the Load dialog", () => {
    const c = compileCell(
      `const users = dlt.resource(function* users() { yield [] }, { primary_key: "id" });\n` +
        `const src = dlt.source(function src() { return users });\n` +
        `const details = dlt.transformer(function* details(u) { yield u }, { data_from: users });\n` +
        `const limited = users.add_limit(10);\n` +
        `const pipeline = dlt.pipeline({ pipeline_name: "p" });\n` +
        `const api = dlt.sources.rest_api_source({ client: { base_url: "/api/" }, resources: ["posts"] });`,
    );
    expect(c.sources).toEqual([
      { name: "users", kind: "resource" },
      { name: "src", kind: "source" },
      { name: "details", kind: "transformer" },
      { name: "api", kind: "rest_api" },
    ]);
    expect(c.declared.map((d) => d.name)).toEqual(["users", "src", "details", "limited", "pipeline", "api"]);
  });
});
