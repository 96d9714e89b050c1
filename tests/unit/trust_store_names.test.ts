// Issue 10, points 4–6 and the fuzz test: pending packages round-trip exactly through every local
// store, names and hints never escape, errors are PipelineStepFailed, and random documents with
// mixed numeric kinds read back exactly under the typing rule.
import "fake-indexeddb/auto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidPipelineName, PipelineConfigError, PipelineStepFailed } from "../../src/dlt/errors.ts";
import { openDuckDB, type DuckDBHandle } from "../../src/dlt/destinations/duckdb/connection.ts";
import { normalizePath } from "../../src/dlt/naming/snake_case.ts";
import { setPipelineStoreFactory } from "../../src/dlt/storage/store.ts";
import { IdbStore } from "../../src/dlt/storage/idb_store.ts";
import { decodeTagged, encodeTagged, parseTagged, stringifyTagged } from "../../src/dlt/storage/tagged_json.ts";
import { dlt } from "./helpers.ts";

const scratch = () => mkdtempSync(join(tmpdir(), "pipebook-trust-"));

let shared: Promise<DuckDBHandle> | undefined;
const database = () => (shared ??= openDuckDB(":memory:"));
let datasets = 0;

/** Every table of a dataset as sorted JSON lines, without the columns that are random per load. */
async function dump(p: dlt.Pipeline, dataset: string): Promise<Record<string, string[]>> {
  const tables = await p.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${dataset}' AND table_name NOT LIKE '_dlt%' ORDER BY 1`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const cols = (
      await p.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${table_name}'`)
    )
      .map((c) => String(c.column_name))
      .filter((c) => !["_dlt_id", "_dlt_load_id", "_dlt_parent_id", "_dlt_root_id"].includes(c));
    const select = cols.length ? cols.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(", ") : "count(*) AS n";
    const rows = await p.query(`SELECT ${select} FROM "${dataset}"."${table_name}"`);
    out[String(table_name)] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const scalar = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 60, 1e20),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }),
  fc.uint8Array({ maxLength: 8 }),
);
const key = fc.constantFrom("id", "Größe", "日本", "$date", "$bigint", "camelCase", "a b", "__meta", "value");
const doc = fc.dictionary(
  key,
  fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })),
  { maxKeys: 5 },
);

describe("pending packages round-trip exactly (property)", { timeout: 300_000 }, () => {
  const stores: Array<[string, (dir: string) => void]> = [
    ["files", () => setPipelineStoreFactory(undefined)],
    ["IndexedDB", (dir) => setPipelineStoreFactory(() => new IdbStore(dir))],
  ];
  it.each(stores)("through the %s store: extract, restart, load = load at once", async (_name, useStore) => {
    const handle = await database();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 12 }), async (docs) => {
          const n = ++datasets;
          const dir = scratch();
          useStore(dir);
          const direct = dlt.pipeline({ pipeline_name: `direct${n}`, destination: dlt.destinations.duckdb(handle), dataset_name: `direct${n}`, pipelines_dir: dir });
          await direct.run(docs, { table_name: "docs" });
          const first = dlt.pipeline({ pipeline_name: `later${n}`, destination: dlt.destinations.duckdb(handle), dataset_name: `later${n}`, pipelines_dir: dir });
          await first.extract(docs, { table_name: "docs" });
          // A new process: a fresh pipeline object that only has what the store kept.
          const restarted = dlt.pipeline({ pipeline_name: `later${n}`, destination: dlt.destinations.duckdb(handle), dataset_name: `later${n}`, pipelines_dir: dir });
          expect(restarted.has_pending_data || (await restarted.run(), true)).toBe(true);
          await restarted.run();
          expect(await dump(restarted, `later${n}`)).toEqual(await dump(direct, `direct${n}`));
        }),
        { numRuns: 15, seed: 10 },
      );
    } finally {
      setPipelineStoreFactory(undefined);
    }
  });

  it("the tagged JSON codec keeps every plain value and user objects shaped like tags", () => {
    const value = {
      big: 2n ** 70n,
      neg: -0,
      nan: NaN,
      inf: [Infinity, -Infinity],
      at: new Date("2024-01-02T03:04:05.678Z"),
      bin: new Uint8Array([0, 255]),
      user: { $date: "not a date" },
      nested: { $escape: { $bigint: "1" } },
      ["__proto__"]: { polluted: true },
    };
    Object.defineProperty(value, "__proto__", { value: { polluted: true }, enumerable: true });
    const back = parseTagged(stringifyTagged(value)) as typeof value;
    expect(back.big).toBe(2n ** 70n);
    expect(Object.is(back.neg, -0)).toBe(true);
    expect(back.nan).toBeNaN();
    expect(back.inf).toEqual([Infinity, -Infinity]);
    expect(back.at).toEqual(value.at);
    expect(back.bin).toEqual(new Uint8Array([0, 255]));
    expect(back.user).toEqual({ $date: "not a date" });
    expect(back.nested).toEqual({ $escape: { $bigint: "1" } });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(decodeTagged(encodeTagged([1, null, "x"]))).toEqual([1, null, "x"]);
  });
});

describe("names never escape pipelines_dir", () => {
  for (const name of ["..", ".", "a/b", "..\\x", "a.b", "", "CON", "x%y", "{a}", "a\u0000b", " lead", "x".repeat(256)]) {
    it(`pipeline_name ${JSON.stringify(name.length > 20 ? name.slice(0, 10) + "…" : name)} → InvalidPipelineName before anything is written`, () => {
      const dir = scratch();
      expect(() => dlt.pipeline({ pipeline_name: name, pipelines_dir: dir })).toThrow(InvalidPipelineName);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it("InvalidPipelineName has dlt's message and a unicode name is fine", () => {
    const err = (() => {
      try {
        dlt.pipeline({ pipeline_name: "../up" });
      } catch (e) {
        return e as InvalidPipelineName;
      }
    })()!;
    expect(err.message).toMatch(/^The pipeline name `\.\.\/up` contains invalid characters\. The pipeline name is used to create a pipeline working directory and must be a valid directory name\. Details: /);
    expect(err.pipeline_name).toBe("../up");
    expect(dlt.pipeline({ pipeline_name: "Größe-日本_1", pipelines_dir: scratch() }).pipeline_name).toBe("Größe-日本_1");
  });

  it("drop() of a pipeline never touches anything outside its own folder", async () => {
    const dir = scratch();
    const sibling = join(dir, "keep");
    mkdirSync(sibling);
    writeFileSync(join(sibling, "f"), "x");
    const p = dlt.pipeline({ pipeline_name: "mine", pipelines_dir: dir, destination: dlt.destinations.duckdb(await database()), dataset_name: "drop_ds" });
    await p.run([{ a: 1 }], { table_name: "t" });
    await p.drop();
    expect(existsSync(join(sibling, "f"))).toBe(true);
    expect(existsSync(join(dir, "mine"))).toBe(false);
  });

  it("dataset_name is normalized as dlt does: DS_Case and ds_case are one dataset; \"\" is a config error", async () => {
    const handle = await database();
    const a = dlt.pipeline({ pipeline_name: "case_a", destination: dlt.destinations.duckdb(handle), dataset_name: "DS_Case" });
    await a.run([{ x: 1 }], { table_name: "t" });
    const b = dlt.pipeline({ pipeline_name: "case_b", destination: dlt.destinations.duckdb(handle), dataset_name: "ds_case" });
    await b.run([{ x: 2 }], { table_name: "t" });
    expect(a.dataset_name).toBe("DS_Case");
    expect(await b.query("SELECT x FROM ds_case.t ORDER BY x")).toEqual([{ x: 1 }, { x: 2 }]);
    expect(() => dlt.pipeline({ pipeline_name: "empty_ds", dataset_name: "" })).toThrow(PipelineConfigError);
  });
});

describe("hints never reach SQL unvalidated", () => {
  const evil = "10,2)); CREATE TABLE pwned (x INT); --";
  for (const [what, columns] of [
    ["a string precision", { v: { data_type: "decimal", precision: evil } }],
    ["a fractional precision", { v: { data_type: "decimal", precision: 10.5 } }],
    ["a precision beyond 38 for decimal", { v: { data_type: "decimal", precision: 39 } }],
    ["a scale above the precision", { v: { data_type: "decimal", precision: 5, scale: 6 } }],
    ["a negative scale", { v: { data_type: "decimal", precision: 5, scale: -1 } }],
    ["an unknown data type", { v: { data_type: "varchar); DROP SCHEMA ds; --" } }],
    ["a non-boolean nullable", { v: { data_type: "text", nullable: "no" } }],
  ] as const) {
    it(`${what} fails the run at extract; nothing is created, even with raise_on_failed_jobs=false`, async () => {
      const handle = await database();
      const ds = `hints${++datasets}`;
      const p = dlt.pipeline({ pipeline_name: ds, destination: dlt.destinations.duckdb(handle), dataset_name: ds, raise_on_failed_jobs: false });
      const err = await p.run([{ v: 1 }], { table_name: "t", columns: columns as never }).catch((e) => e);
      expect(err).toBeInstanceOf(PipelineStepFailed);
      expect(err.step).toBe("extract");
      expect(err.message).toContain("Column `v`: hint");
      const tables = await p.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = 'pwned' OR table_schema = '${ds}'`);
      expect(tables).toEqual([]);
    });
  }

  it("identifiers with quotes and semicolons are stored as names", async () => {
    const handle = await database();
    const p = dlt.pipeline({ pipeline_name: "quotes", destination: dlt.destinations.duckdb(handle), dataset_name: "quotes_ds" });
    await p.run([{ 'a"; DROP TABLE x; --': 1 }], { table_name: 't"; --' });
    const cols = await p.query(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'quotes_ds' AND NOT starts_with(column_name, '_dlt') AND NOT starts_with(table_name, '_dlt')",
    );
    expect(cols).toEqual([{ table_name: "txxx", column_name: "a_drop_table_xxxx" }]);
    expect(await p.query('SELECT a_drop_table_xxxx AS v FROM quotes_ds.txxx')).toEqual([{ v: 1 }]);
  });
});

describe("errors are the right errors", () => {
  it("a failure restoring from the destination is PipelineStepFailed at step sync", async () => {
    const p = dlt.pipeline({
      pipeline_name: "sync_fail",
      destination: dlt.destinations.duckdb({ location: "broken", connection: { query: () => { throw new Error("database is gone"); }, insertArrowFromIPCStream: () => undefined } }),
      dataset_name: "x",
    });
    const err = await p.run([{ a: 1 }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("sync");
    expect(err.message).toContain("database is gone");
  });

  it("a failed run whose local state cannot be saved still reports the original failure", async () => {
    const dir = scratch();
    // A non-empty folder where schemas.json should be: every save fails.
    mkdirSync(join(dir, "blocked", "schemas.json", "x"), { recursive: true });
    const p = dlt.pipeline({ pipeline_name: "blocked", pipelines_dir: dir, destination: dlt.destinations.duckdb(await database()), dataset_name: "blocked_ds" });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const err = await p.run([cyclic], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(err.message).toContain("cycle");
  });

  it("a successful load whose local state cannot be saved fails as PipelineStepFailed, data committed", async () => {
    const dir = scratch();
    mkdirSync(join(dir, "blocked2", "schemas.json", "x"), { recursive: true });
    const p = dlt.pipeline({ pipeline_name: "blocked2", pipelines_dir: dir, destination: dlt.destinations.duckdb(await database()), dataset_name: "blocked2_ds" });
    const err = await p.run([{ a: 1 }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.message).toContain("Could not save the pipeline's local state");
    expect(await p.query("SELECT a FROM blocked2_ds.t")).toEqual([{ a: 1 }]);
  });

  it("a BigInt in a pending package survives a failed load and is retried exactly", async () => {
    const dir = scratch();
    const handle = await database();
    const opts = { pipeline_name: "bigpending", pipelines_dir: dir, destination: dlt.destinations.duckdb(handle), dataset_name: "bigpending_ds" };
    const p = dlt.pipeline(opts);
    const err = await p.run([{ v: 2n ** 62n, w: 2n ** 70n }], { table_name: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineStepFailed);
    expect(err.step).toBe("normalize");
    const again = dlt.pipeline(opts);
    expect(again.list_pending_packages()).toHaveLength(0); // not read yet: ready() is lazy
    await again.drop_pending_packages();
    await again.run([{ v: 2n ** 62n, w: "x" }], { table_name: "t" });
    expect(await again.query("SELECT CAST(v AS VARCHAR) AS v FROM bigpending_ds.t")).toEqual([{ v: String(2n ** 62n) }]);
  });
});

describe("fuzz: mixed numeric kinds read back exactly under the typing rule", { timeout: 300_000 }, () => {
  const num = fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: false }),
    fc.constantFrom(2 ** 53 + 2, -(2 ** 60), 1e20, -0, NaN, Infinity),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  );
  const keys = ["n1", "Größe", "deep"];
  const record = fc.record({ n1: num, ["Größe"]: num, deep: fc.record({ xs: fc.array(num, { maxLength: 4 }) }) });

  function same(got: string | null, want: number | bigint): boolean {
    if (got === null) return false;
    // -0 is integral: in a bigint column it is 0; in a double column it keeps its sign.
    if (Object.is(want, -0)) return got === "0" || got === "-0.0";
    if (typeof want === "bigint") return /^-?\d+$/.test(got) ? BigInt(got) === want : BigInt(Number(got)) === want;
    const g = Number(got === "nan" ? NaN : got === "inf" ? Infinity : got === "-inf" ? -Infinity : got);
    return Object.is(g, want) || (g === want && want !== 0) || (want === 0 && g === 0 && Object.is(want, -0) === got.startsWith("-"));
  }

  it("every number lands exactly, in its column or a variant of it", async () => {
    const handle = await database();
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 150 }), async (docs) => {
        const ds = `fuzz${++datasets}`;
        const p = dlt.pipeline({ pipeline_name: ds, destination: dlt.destinations.duckdb(handle), dataset_name: ds, pipelines_dir: ":memory:" });
        const indexed = docs.map((d, i) => ({ i, ...d }));
        await p.run(indexed, { table_name: "docs" });
        const cols = (await p.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${ds}' AND table_name = 'docs'`)).map((c) => String(c.column_name));
        const rows = await p.query(`SELECT * EXCLUDE (_dlt_load_id) FROM ${ds}.docs ORDER BY i`);
        // ordered by the number, not by the text alias that shadows it
        const asText = await p.query(`SELECT i AS _ord, ${cols.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(", ")} FROM ${ds}.docs ORDER BY _ord`);
        expect(rows).toHaveLength(docs.length);
        for (const k of keys.slice(0, 2)) {
          const base = normalizePath(k);
          const candidates = cols.filter((c) => c === base || c.startsWith(`${base}__v_`));
          docs.forEach((d, i) => {
            const want = d[k as keyof typeof d] as number | bigint;
            const hits = candidates.filter((c) => asText[i][c] !== null);
            expect(hits, `doc ${i} key ${k}`).toHaveLength(1);
            expect(same(asText[i][hits[0]] as string, want), `doc ${i} ${k}: ${String(want)} vs ${asText[i][hits[0]]}`).toBe(true);
          });
          // the rule: a column made from numbers only is double when any is non-integral or beyond 2^53
          const values = docs.map((d) => d[k as keyof typeof d]);
          if (values.every((v) => typeof v === "number")) {
            const anyDouble = values.some((v) => !Number.isSafeInteger(v) || Object.is(v, -0) === false && !Number.isInteger(v));
            const type = (await p.query(`SELECT data_type FROM information_schema.columns WHERE table_schema='${ds}' AND table_name='docs' AND column_name='${base}'`))[0].data_type;
            expect(type).toBe(anyDouble ? "DOUBLE" : "BIGINT");
          }
        }
        const xs = await p.query(`SELECT d._dlt_id, CAST(x.value AS VARCHAR) AS v, ${"x._dlt_list_idx"} AS idx, d.i FROM ${ds}.docs__deep__xs x JOIN ${ds}.docs d ON x._dlt_parent_id = d._dlt_id ORDER BY d.i, idx`).catch(() => []);
        const xsVariants = await p.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${ds}' AND table_name = 'docs__deep__xs' AND column_name LIKE 'value__v_%'`).catch(() => []);
        if (xsVariants.length === 0) {
          const flat = docs.flatMap((d, i) => d.deep.xs.map((v, j) => ({ i, j, v })));
          expect(xs).toHaveLength(flat.length);
          flat.forEach((f, n) => expect(same(xs[n].v as string, f.v), `xs ${f.i}[${f.j}]`).toBe(true));
        }
      }),
      { numRuns: 10, seed: 4 },
    );
  });
});
