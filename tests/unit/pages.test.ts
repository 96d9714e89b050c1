// Packages larger than the memory budget: their pages go to the pipeline's store and come back
// one at a time. Every row loads exactly as it would from memory, types are still decided from
// every value of the package, and no page outlives its package.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_ROWS, PageWriter, readPage, setPackageMemoryBudget, type PageStore } from "../../src/dlt/storage/pages.ts";
import { dlt } from "./helpers.ts";

const ROWS = 2 * PAGE_ROWS + 5_000;

/** Whole numbers in `v` until the very last row (a fraction): the column must end up double. */
function* orders() {
  for (let page = 0; page < ROWS / 1_000; page++) {
    const items = [];
    for (let i = page * 1_000; i < (page + 1) * 1_000; i++) {
      items.push({
        id: i,
        v: i === ROWS - 1 ? 0.5 : i,
        name: `order ${i}`,
        ...(i % 10 === 0 ? { lines: [{ sku: `a${i}`, qty: 1 }, { sku: `b${i}`, qty: 2 }] } : {}),
      });
    }
    yield items;
  }
}

const packagesDir = (dir: string, name: string) => join(dir, name, "packages");
const pageFiles = (dir: string, name: string) =>
  existsSync(packagesDir(dir, name)) ? readdirSync(packagesDir(dir, name), { recursive: true }).filter((f) => String(f).endsWith(".page")) : [];

async function readBack(p: dlt.Pipeline, dataset: string) {
  const [root] = await p.query(`select count(*) as n, sum(id) as ids, sum(v) as v, count(distinct _dlt_id) as ids_unique from ${dataset}.orders`);
  const [lines] = await p.query(`select count(*) as n, count(distinct _dlt_parent_id) as parents from ${dataset}.orders__lines`);
  const [orphans] = await p.query(
    `select count(*) as n from ${dataset}.orders__lines l left join ${dataset}.orders o on o._dlt_id = l._dlt_parent_id where o._dlt_id is null`,
  );
  const [type] = await p.query(`select data_type from information_schema.columns where table_schema = '${dataset}' and table_name = 'orders' and column_name = 'v'`);
  return { root, lines, orphans: orphans.n, type: type.data_type };
}

describe("a package larger than the memory budget", { timeout: 90_000 }, () => {
  beforeAll(() => setPackageMemoryBudget(0));
  afterAll(() => setPackageMemoryBudget(undefined));

  it("spills its pages, survives a restart between extract and load, and loads every row as from memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipebook-pages-"));
    const destination = dlt.destinations.duckdb();
    const make = () => dlt.pipeline({ pipeline_name: "big", destination, dataset_name: "spilled", pipelines_dir: dir });
    const first = make();
    await first.extract(dlt.resource(orders, { name: "orders" }));
    // Extracted items went to disk page by page.
    expect(pageFiles(dir, "big").length).toBeGreaterThanOrEqual(2);

    // A new pipeline object (as after a restart) normalizes and loads the package from its pages.
    const second = make();
    const info = await second.run();
    expect(info!.loads_ids).toHaveLength(1);
    const spilled = await readBack(second, "spilled");
    expect(Number(spilled.root.n)).toBe(ROWS);
    expect(Number(spilled.root.ids)).toBe(((ROWS - 1) * ROWS) / 2);
    expect(Number(spilled.root.ids_unique)).toBe(ROWS);
    expect(Number(spilled.lines.n)).toBe((ROWS / 10) * 2);
    expect(Number(spilled.lines.parents)).toBe(ROWS / 10);
    expect(Number(spilled.orphans)).toBe(0);
    // The fraction on the last page made the whole column double, rows of earlier pages included.
    expect(spilled.type).toBe("DOUBLE");
    expect(Number(spilled.root.v)).toBe(((ROWS - 2) * (ROWS - 1)) / 2 + 0.5);
    // The loaded package's pages are gone.
    expect(pageFiles(dir, "big")).toEqual([]);

    // The same data with everything in memory loads the same.
    setPackageMemoryBudget(undefined);
    try {
      const inMemory = dlt.pipeline({ pipeline_name: "small", destination, dataset_name: "in_memory", pipelines_dir: dir });
      await inMemory.run(dlt.resource(orders, { name: "orders" }));
      expect(pageFiles(dir, "small")).toEqual([]);
      const back = await readBack(inMemory, "in_memory");
      expect(back).toEqual(spilled);
    } finally {
      setPackageMemoryBudget(0);
    }
  });

  it("a dry run and a failed extract leave no pages behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipebook-pages-"));
    const p = dlt.pipeline({ pipeline_name: "rehearsed", destination: dlt.destinations.duckdb(), dataset_name: "ds", pipelines_dir: dir });
    const preview = (await p.run(dlt.resource(orders, { name: "orders" }), { dry_run: true })) as dlt.DryRunInfo;
    expect(preview.dry_run.tables.orders.insert).toBe(ROWS);
    expect(pageFiles(dir, "rehearsed")).toEqual([]);
    expect(p.has_pending_data).toBe(false);

    function* failing() {
      yield* orders();
      throw new Error("the source broke after all its pages");
    }
    const err = await p.run(dlt.resource(failing, { name: "orders" })).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("extract");
    expect(pageFiles(dir, "rehearsed")).toEqual([]);
    expect(p.has_pending_data).toBe(false);
  });

  it("a load that fails keeps the package's pages for the next run, which loads it once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipebook-pages-"));
    const destination = dlt.destinations.duckdb();
    let loads = 0;
    const failing = dlt.pipeline({
      pipeline_name: "retry",
      destination,
      dataset_name: "ds",
      pipelines_dir: dir,
      progress: (e) => {
        if (e.step === "load" && ++loads === 1) throw new Error("connection lost");
      },
    });
    const err = await failing.run(dlt.resource(orders, { name: "orders" })).catch((e) => e);
    expect(err.step).toBe("load");
    expect(pageFiles(dir, "retry").length).toBeGreaterThanOrEqual(2);
    const next = dlt.pipeline({ pipeline_name: "retry", destination, dataset_name: "ds", pipelines_dir: dir });
    await next.run();
    expect(Number((await next.query("select count(*) as n from ds.orders"))[0].n)).toBe(ROWS);
    expect(pageFiles(dir, "retry")).toEqual([]);
  });

  it("a page that cannot be read back fails the load, not a job: nothing loads and the package stays pending", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipebook-pages-"));
    // Even with failed jobs tolerated: a lost page is lost data, never a job skipped.
    const p = dlt.pipeline({ pipeline_name: "lost", destination: dlt.destinations.duckdb(), dataset_name: "ds", pipelines_dir: dir, raise_on_failed_jobs: false });
    await p.extract(dlt.resource(orders, { name: "orders" }));
    await p.normalize();
    const pages = pageFiles(dir, "lost").map(String);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    rmSync(join(packagesDir(dir, "lost"), pages[pages.length - 1]));
    const err = await p.load().catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    expect(String(err.message)).toMatch(/ENOENT|no such file/);
    expect(String(err.message)).not.toMatch(/failed job/i);
    expect(p.list_pending_packages()).toHaveLength(1);
    const [tables] = await p.query("select count(*) as n from information_schema.tables where table_schema = 'ds' and table_name like 'orders%'");
    expect(Number(tables.n)).toBe(0);
  });
});

describe("PageWriter", () => {
  const store = () => {
    const pages = new Map<string, unknown[]>();
    const s: PageStore = {
      write: async (key, rows) => void pages.set(key, rows),
      read: async (key) => pages.get(key)!,
      dropPackage: async () => pages.clear(),
    };
    return { pages, s };
  };
  const fill = async (w: PageWriter<{ id: number; name: string }>, n: number) => {
    for (let i = 0; i < n; i++) {
      w.push("t", { id: i, name: `row ${i}` });
      if (i % 1000 === 999) await w.settle();
    }
    return w.finish("follow");
  };

  it("keeps a package under its budget in memory", async () => {
    const { pages, s } = store();
    const tables = await fill(new PageWriter(s, "1", "e", 1e9), 3 * PAGE_ROWS + 5);
    expect(tables.t.map((p) => p.count)).toEqual([PAGE_ROWS, PAGE_ROWS, PAGE_ROWS, 5]);
    expect(tables.t.every((p) => p.rows && p.key === undefined)).toBe(true);
    expect(pages.size).toBe(0);
  });

  it("with tail \"follow\", sends a package that outgrew its budget to the store whole, its tail included", async () => {
    const { pages, s } = store();
    // about 1.5 pages of budget: the first spill comes after two pages, the last two pages stay
    // under the budget but follow the rest to the store when the writer finishes
    const pageBytes = 40 * PAGE_ROWS;
    const tables = await fill(new PageWriter(s, "1", "e", 1.5 * pageBytes), 3 * PAGE_ROWS + 5);
    expect(tables.t.map((p) => p.count)).toEqual([PAGE_ROWS, PAGE_ROWS, PAGE_ROWS, 5]);
    expect(tables.t.every((p) => p.rows === undefined && p.key !== undefined)).toBe(true);
    expect([...pages.keys()].sort()).toEqual(["1/e0", "1/e1", "1/e2", "1/e3"]);
    expect((pages.get(tables.t[3].key!) as { id: number }[]).map((r) => r.id)).toEqual([30000, 30001, 30002, 30003, 30004]);
  });
});

describe("PageWriter over its budget", () => {
  it("spills only the oldest pages beyond the budget, and every row reads back in order", async () => {
    const written = new Map<string, unknown[]>();
    const store: PageStore = {
      write: async (key, rows) => void written.set(key, structuredClone(rows)),
      read: async (key) => written.get(key)!,
      dropPackage: async () => undefined,
    };
    const row = (i: number) => ({ id: i, name: `row ${i}` });
    // Room for three and a half pages: of five, the oldest two go to the store (not all four held
    // when the budget was first exceeded).
    const onePage = Array.from({ length: PAGE_ROWS }, (_, i) => row(i));
    const probe = new PageWriter<unknown>(store, "probe", "p", Number.MAX_SAFE_INTEGER);
    probe.pushAll("t", onePage);
    const pageBytes = (probe as unknown as { held: number }).held;
    expect(pageBytes).toBeGreaterThan(0);

    const writer = new PageWriter<ReturnType<typeof row>>(store, "load1", "n", pageBytes * 3.5);
    for (let i = 0; i < 5 * PAGE_ROWS; i++) {
      writer.push("t", row(i));
      if ((i + 1) % PAGE_ROWS === 0) await writer.settle();
    }
    const pages = (await writer.finish("keep")).t;
    expect(pages.map((p) => (p.rows ? "memory" : "store"))).toEqual(["store", "store", "memory", "memory", "memory"]);
    const back = (await Promise.all(pages.map((p) => readPage(store, p)))).flat();
    expect(back).toEqual(Array.from({ length: 5 * PAGE_ROWS }, (_, i) => row(i)));
  });
});
