// Issue 10, points 1–3: every value lands exactly, lands where the documented typing rule puts
// it, or fails with a clear PipelineStepFailed — with nothing committed.
import { describe, expect, it } from "vitest";
import { PipelineStepFailed } from "../../src/dlt/errors.ts";
import { columnsOf, dlt, newPipeline } from "./helpers.ts";

async function tableCount(p: dlt.Pipeline): Promise<number> {
  const r = await p.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'ds'");
  return Number(r[0].n);
}

describe("typing rule: a new column's type comes from all its values in the package", () => {
  it("i * 0.5 makes a double column, not bigint with a double variant", async () => {
    const p = newPipeline();
    const data = Array.from({ length: 6 }, (_, i) => ({ id: i, v: i * 0.5 }));
    await p.run(data, { table_name: "halves" });
    expect(await columnsOf(p, "halves")).toEqual([
      "id BIGINT",
      "v DOUBLE",
      "_dlt_load_id VARCHAR NOT NULL",
      "_dlt_id VARCHAR NOT NULL",
    ]);
    const r = await p.query("SELECT avg(v) AS a, sum(v) AS s FROM ds.halves");
    expect(r[0]).toEqual({ a: 1.25, s: 7.5 });
  });

  it("integral numbers beyond ±2^53 are double; within, bigint", async () => {
    const p = newPipeline();
    await p.run([{ small: 1, big: 1e20 }, { small: 2, big: 2 ** 63 }, { small: 3, big: 5 }], { table_name: "nums" });
    const cols = await columnsOf(p, "nums");
    expect(cols.slice(0, 2)).toEqual(["small BIGINT", "big DOUBLE"]);
    const r = await p.query("SELECT small, big FROM ds.nums ORDER BY small");
    expect(r.map((x) => x.big)).toEqual([1e20, 2 ** 63, 5]);
  });

  it("a column already bigint in the schema sends a fractional value to a variant, as dlt does", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 1 }], { table_name: "t" });
    await p.run([{ id: 2, v: 2.5 }], { table_name: "t" });
    const r = await p.query("SELECT id, v, v__v_double FROM ds.t ORDER BY id");
    expect(r).toEqual([
      { id: 1, v: 1, v__v_double: null },
      { id: 2, v: null, v__v_double: 2.5 },
    ]);
  });

  it("an integral number beyond 2^53 into an existing bigint column is stored exactly", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 1 }], { table_name: "t" });
    await p.run([{ id: 2, v: 2 ** 60 }], { table_name: "t" });
    const r = await p.query("SELECT CAST(v AS VARCHAR) AS v FROM ds.t ORDER BY id");
    expect(r.map((x) => x.v)).toEqual(["1", String(2n ** 60n)]);
  });

  it("a BigInt settles a column as bigint: a later fraction goes to a variant", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 3 }, { id: 2, v: 2n ** 62n }, { id: 3, v: 0.25 }], { table_name: "t" });
    const r = await p.query("SELECT id, CAST(v AS VARCHAR) AS v, v__v_double FROM ds.t ORDER BY id");
    expect(r).toEqual([
      { id: 1, v: "3", v__v_double: null },
      { id: 2, v: String(2n ** 62n), v__v_double: null },
      { id: 3, v: null, v__v_double: 0.25 },
    ]);
  });

  it("a hinted bigint column is not promoted", async () => {
    const p = newPipeline();
    await p.run([{ v: 1 }, { v: 1.5 }], { table_name: "t", columns: { v: { data_type: "bigint" } } });
    const r = await p.query("SELECT v, v__v_double FROM ds.t ORDER BY _dlt_id");
    expect(r.map((x) => x.v).filter((x) => x !== null)).toEqual([1]);
    expect(r.map((x) => x.v__v_double).filter((x) => x !== null)).toEqual([1.5]);
  });

  it("nested lists of numbers follow the same rule", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, xs: [1, 2, 2.5] }], { table_name: "t" });
    expect((await columnsOf(p, "t__xs"))[0]).toBe("value DOUBLE");
  });

  it("a BigInt set to double only when exact", async () => {
    const p = newPipeline();
    await p.run([{ v: 0.5 }, { v: 2n ** 60n }, { v: 2n ** 60n + 1n }], { table_name: "t" });
    const r = await p.query("SELECT v, CAST(v__v_bigint AS VARCHAR) AS b FROM ds.t ORDER BY _dlt_id");
    const values = r.map((x) => x.v).filter((x) => x !== null).sort();
    expect(values).toContain(0.5);
    expect(values).toContain(2 ** 60);
    expect(r.map((x) => x.b).filter((x) => x !== null)).toEqual([String(2n ** 60n + 1n)]);
  });
});

describe("no integer wraps", () => {
  it("a BigInt beyond int64 fails normalize naming table, column and value; nothing committed", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 5 }], { table_name: "t" });
    const err = await p.run([{ id: 2, v: 2n ** 70n }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("normalize");
    expect(err.message).toContain("1180591620717411303424");
    expect(err.message).toContain("table `t` column `v`");
    expect(err.message).toContain("64-bit");
    await p.drop_pending_packages();
    expect(await p.query("SELECT id, v FROM ds.t")).toEqual([{ id: 1, v: 5 }]);
  });

  it("a new column with a BigInt beyond int64 fails too", async () => {
    const p = newPipeline();
    const err = await p.run([{ v: -(2n ** 64n) }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.exception.cause?.name ?? err.exception.name).toBeDefined();
    expect(err.message).toContain("-18446744073709551616");
    expect(await tableCount(p)).toBe(0);
  });

  it("int64's own bounds are stored exactly", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 2n ** 63n - 1n }, { id: 2, v: -(2n ** 63n) }], { table_name: "t" });
    const r = await p.query("SELECT CAST(v AS VARCHAR) AS v FROM ds.t ORDER BY id");
    expect(r.map((x) => x.v)).toEqual([String(2n ** 63n - 1n), String(-(2n ** 63n))]);
  });

  it("a number beyond int64 into a bigint column lands exactly in a double variant", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 5 }], { table_name: "t" });
    await p.run([{ id: 2, v: 1e20 }], { table_name: "t" });
    const r = await p.query("SELECT id, v, v__v_double FROM ds.t ORDER BY id");
    expect(r).toEqual([
      { id: 1, v: 5, v__v_double: null },
      { id: 2, v: null, v__v_double: 1e20 },
    ]);
  });

  it("a BigInt beyond int64 hinted as wei or decimal is stored exactly", async () => {
    const p = newPipeline();
    await p.run([{ w: 2n ** 70n, d: 2n ** 80n }], {
      table_name: "t",
      columns: { w: { data_type: "wei" }, d: { data_type: "decimal", precision: 38, scale: 0 } },
    });
    const r = await p.query("SELECT CAST(w AS VARCHAR) AS w, CAST(d AS VARCHAR) AS d FROM ds.t");
    expect(r).toEqual([{ w: String(2n ** 70n), d: String(2n ** 80n) }]);
  });

  it("text that is an integer beyond int64 stays text in a bigint table", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 1 }], { table_name: "t" });
    await p.run([{ id: 2, v: "99999999999999999999999" }], { table_name: "t" });
    const r = await p.query("SELECT v, v__v_text FROM ds.t ORDER BY id");
    expect(r[1]).toEqual({ v: null, v__v_text: "99999999999999999999999" });
  });
});

describe("every value kind has a defined outcome", () => {
  it("Map → object, Set → list, typed arrays → lists, ArrayBuffer/Uint8Array → binary, Date → timestamp", async () => {
    const p = newPipeline();
    const bytes = new Uint8Array([0, 1, 254, 255]);
    await p.run(
      [
        {
          id: 1,
          meta: new Map<unknown, unknown>([["a", 1], [2, "two"]]),
          tags: new Set(["x", "y"]),
          ints: new Int32Array([3, -4]),
          raw: bytes.buffer.slice(0),
          bin: bytes,
          at: new Date("2024-05-06T07:08:09.123Z"),
        },
      ],
      { table_name: "kinds" },
    );
    const [row] = await p.query(
      `SELECT id, meta__a, meta___2, hex(raw) AS raw, hex(bin) AS bin, CAST("at" AS VARCHAR) AS "at" FROM ds.kinds`,
    );
    expect(row).toEqual({ id: 1, meta__a: 1, meta___2: "two", raw: "0001FEFF", bin: "0001FEFF", at: "2024-05-06 07:08:09.123+00" });
    expect(await p.query("SELECT value FROM ds.kinds__tags ORDER BY _dlt_list_idx")).toEqual([{ value: "x" }, { value: "y" }]);
    expect(await p.query("SELECT value FROM ds.kinds__ints ORDER BY _dlt_list_idx")).toEqual([{ value: 3 }, { value: -4 }]);
    const cols = await columnsOf(p, "kinds");
    expect(cols).toContain("raw BLOB");
    expect(cols).toContain("at TIMESTAMP WITH TIME ZONE");
  });

  it("NaN, ±Infinity and -0 are kept as DuckDB stores them", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: NaN }, { id: 2, v: Infinity }, { id: 3, v: -Infinity }, { id: 4, v: -0.0 }, { id: 5, v: 0.5 }], {
      table_name: "t",
    });
    const r = await p.query("SELECT id, CAST(v AS VARCHAR) AS v, signbit(v) AS neg FROM ds.t ORDER BY id");
    expect(r.map((x) => x.v)).toEqual(["nan", "inf", "-inf", "-0.0", "0.5"]);
    expect(r[3].neg).toBe(true);
  });

  it("a cyclic object fails extract with the path of the cycle; nothing committed", async () => {
    const p = newPipeline();
    const a: Record<string, unknown> = { id: 1, child: { name: "c" } };
    (a.child as Record<string, unknown>).back = a;
    const err = await p.run([a], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.message).toContain("cycle");
    expect(err.message).toContain("`child.back`");
    expect(err.message).not.toContain("Maximum call stack");
    expect(await tableCount(p)).toBe(0);
    expect(p.list_pending_packages()).toEqual([]);
  });

  it("a function or symbol fails extract naming its path", async () => {
    const p = newPipeline();
    const err = await p.run([{ id: 1, nested: { list: [1, () => 2] } }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.message).toContain("`nested.list[1]`");
    expect(err.message).toContain("function");
    const err2 = await p.run([{ id: 1, "odd key": Symbol("s") }], { table_name: "t" }).catch((e) => e);
    expect(err2.message).toContain('`["odd key"]`');
    expect(err2.message).toContain("symbol");
    expect(await tableCount(p)).toBe(0);
  });

  it("a shared (non-cyclic) object is loaded twice, not mistaken for a cycle", async () => {
    const p = newPipeline();
    const shared = { k: 1 };
    await p.run([{ a: shared, b: shared }], { table_name: "t" });
    expect(await p.query("SELECT a__k, b__k FROM ds.t")).toEqual([{ a__k: 1, b__k: 1 }]);
  });

  it("an item given by the user is never modified", async () => {
    const p = newPipeline();
    const item = { id: 1, m: new Map([["a", 1]]), s: new Set([1]) };
    await p.run([item], { table_name: "t" });
    expect(item.m).toBeInstanceOf(Map);
    expect(item.s).toBeInstanceOf(Set);
  });
});
