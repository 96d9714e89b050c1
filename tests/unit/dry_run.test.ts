// Issue 13, points 3–4: run(..., { dry_run: true }) reports what the load would do, table by
// table, matching the real load that follows, and changes nothing; every load carries its schema diff.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DryRunInfo } from "../../src/dlt/pipeline/dry_run_info.ts";
import { dlt, newPipeline } from "./helpers.ts";

/** Every table of the dataset (system tables too) and the local state files, as text. */
async function everything(p: dlt.Pipeline): Promise<string> {
  const tables = await p.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'ds' ORDER BY 1");
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await p.query(`SELECT * FROM ds."${table_name}"`);
    parts.push(`${table_name}: ${JSON.stringify(rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))).sort())}`);
  }
  const dir = join(process.env.PIPEBOOK_PIPELINES_DIR!, p.pipeline_name);
  for (const f of readdirSync(dir).sort()) parts.push(`${f}: ${readFileSync(join(dir, f), "utf8")}`);
  return parts.join("\n");
}

async function counts(p: dlt.Pipeline, table: string) {
  return Number((await p.query(`SELECT count(*) AS n FROM ds.${table}`))[0].n);
}

describe("dry run", () => {
  it("append on a new table: inserts, new table and columns; nothing is created", async () => {
    const p = newPipeline();
    const r = await p.run([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: [] }], { table_name: "items", dry_run: true });
    expect(r).toBeInstanceOf(DryRunInfo);
    expect(r.dry_run.tables).toEqual({ items: { insert: 2, update: 0, delete: 0 }, items__tags: { insert: 2, update: 0, delete: 0 } });
    expect(r.dry_run.new_tables).toEqual(["items", "items__tags"]);
    expect(r.dry_run.new_columns).toContainEqual({ table: "items", column: "id", data_type: "bigint", variant: false });
    expect(String(r)).toContain("items: 2 to insert, 0 to update, 0 to delete");
    expect(await p.query("SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = 'ds'")).toEqual([{ n: 0 }]);
    expect(p.first_run).toBe(true);
    expect(p.list_pending_packages()).toEqual([]);
  });

  const cases: Array<[string, Record<string, unknown>, unknown[], unknown[], Record<string, { insert: number; update: number; delete: number }>]> = [
    ["append", { write_disposition: "append" }, [{ id: 1, v: "a" }, { id: 2, v: "b" }], [{ id: 2, v: "B" }, { id: 3, v: "c" }], { t: { insert: 2, update: 0, delete: 0 } }],
    ["replace", { write_disposition: "replace" }, [{ id: 1, v: "a" }, { id: 2, v: "b" }], [{ id: 3, v: "c" }], { t: { insert: 1, update: 0, delete: 2 } }],
    [
      "merge delete-insert",
      { write_disposition: "merge", primary_key: "id" },
      [{ id: 1, v: "a" }, { id: 2, v: "b" }],
      [{ id: 2, v: "B" }, { id: 3, v: "c" }],
      { t: { insert: 1, update: 1, delete: 0 } },
    ],
    [
      "merge upsert",
      { write_disposition: { disposition: "merge", strategy: "upsert" }, primary_key: "id" },
      [{ id: 1, v: "a" }, { id: 2, v: "b" }],
      [{ id: 2, v: "B" }, { id: 3, v: "c" }],
      { t: { insert: 1, update: 1, delete: 0 } },
    ],
    [
      "merge with hard_delete",
      { write_disposition: "merge", primary_key: "id", columns: { gone: { hard_delete: true } } },
      [{ id: 1, v: "a" }, { id: 2, v: "b" }],
      [{ id: 1, gone: true }, { id: 3, v: "c" }],
      { t: { insert: 1, update: 0, delete: 1 } },
    ],
    [
      "scd2",
      { write_disposition: { disposition: "merge", strategy: "scd2" } },
      [{ id: 1, v: "a" }, { id: 2, v: "b" }],
      [{ id: 1, v: "a" }, { id: 2, v: "B" }, { id: 3, v: "c" }],
      { t: { insert: 2, update: 0, delete: 1 } },
    ],
  ];

  for (const [name, hints, first, second, expected] of cases) {
    it(`${name}: the report matches the real load, and the dry run changes nothing`, async () => {
      const p = newPipeline();
      await p.run(first, { table_name: "t", ...hints });
      const before = await everything(p);
      const stateBefore = JSON.stringify(p.state);
      const r = await p.run(second, { table_name: "t", ...hints, dry_run: true });
      expect(r.dry_run.tables).toEqual(expected);
      expect(await everything(p)).toBe(before);
      expect(JSON.stringify(p.state)).toBe(stateBefore);
      // the real load does what the preview said
      const rowsBefore = await counts(p, "t");
      await p.run(second, { table_name: "t", ...hints });
      const e = expected.t;
      if (name === "scd2") {
        expect(await counts(p, "t")).toBe(rowsBefore + e.insert);
        expect(Number((await p.query("SELECT count(*) AS n FROM ds.t WHERE _dlt_valid_to IS NOT NULL"))[0].n)).toBe(e.delete);
      } else {
        expect(await counts(p, "t")).toBe(rowsBefore + e.insert - e.delete);
      }
    });
  }

  it("reports new columns and variants, and a contract violation instead of counts", async () => {
    const p = newPipeline();
    await p.run([{ id: 1, v: 1 }], { table_name: "t" });
    const r = await p.run([{ id: 2, v: "text", extra: true }], { table_name: "t", dry_run: true });
    expect(r.dry_run.new_columns).toHaveLength(2);
    expect(r.dry_run.new_columns).toEqual(
      expect.arrayContaining([
        { table: "t", column: "v__v_text", data_type: "text", variant: true, variant_of: "v" },
        { table: "t", column: "extra", data_type: "bool", variant: false },
      ]),
    );
    expect(r.dry_run.variant_columns.map((c) => c.column)).toEqual(["v__v_text"]);
    const frozen = await p.run([{ id: 3, other: 1 }], { table_name: "t", schema_contract: { columns: "freeze" }, dry_run: true });
    expect(frozen.dry_run.violations).toHaveLength(1);
    expect(frozen.dry_run.violations[0]).toContain("other");
    expect(frozen.dry_run.tables).toEqual({});
    expect(await p.query("SELECT count(*) AS n FROM ds.t")).toEqual([{ n: 1 }]);
  });

  it("with pending packages, previews what run() would load and leaves them pending", async () => {
    const p = newPipeline();
    await p.extract([{ id: 1 }, { id: 2 }], { table_name: "t" });
    const r = await p.run(undefined, { dry_run: true });
    expect(r.dry_run.tables.t).toEqual({ insert: 2, update: 0, delete: 0 });
    expect(p.list_pending_packages()).toHaveLength(1);
    const info = await p.run();
    expect(info?.has_failed_jobs).toBe(false);
    expect(await counts(p, "t")).toBe(2);
  });
});

describe("schema diff per load", () => {
  it("each load package says what its schema added or changed", async () => {
    const p = newPipeline();
    const first = await p.run([{ id: 1, name: "a" }], { table_name: "t" });
    expect(first.load_packages[0].schema_diff?.new_tables).toEqual(["t"]);
    const second = await p.run([{ id: 2, name: 5, score: 1.5 }], { table_name: "t", primary_key: "id", write_disposition: "merge" });
    const diff = second.load_packages[0].schema_diff!;
    expect(diff.new_tables).toEqual([]);
    expect(diff.new_columns).toEqual(
      expect.arrayContaining([
        { table: "t", column: "score", data_type: "double", variant: false },
      ]),
    );
    expect(diff.changed_hints).toContainEqual({ table: "t", column: "id", hint: "primary_key", from: null, to: true });
    expect(dlt.describeDiff(diff)).toContain("new column t.score double");
    const third = await p.run([{ id: 3, name: "c" }], { table_name: "t", primary_key: "id", write_disposition: "merge" });
    expect(third.load_packages[0].schema_diff).toEqual({ new_tables: [], new_columns: [], changed_hints: [] });
  });
});
